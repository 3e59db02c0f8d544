"""Incident reports on the agents' side: file one for the guichet, follow the guichet's reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from sne.errors import SneError
from sne.services import incidents

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
CHAMPS = ("nature", "description", "envoi", "lot", "numero", "piece")


def _entier(texte: str, champ: str, erreurs: dict[str, str]) -> int | None:
    """Read an optional number typed in ``champ``; note the problem when it is not one."""
    texte = texte.strip().lstrip("nN°o ").strip()
    if not texte:
        return None
    if not texte.isdigit():
        erreurs[champ] = "écrivez le numéro en chiffres"
        return None
    return int(texte)


@bp.get("/")
@exige("signaler_incident")
def liste() -> str:
    """The guichet's reports and their answers."""
    return render_template(
        "guichet/incidents/liste.html", liste=incidents.lister(acces.uow(), acces.acteur())
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@exige("signaler_incident")
def nouveau() -> Response | str:
    """File a report about an envoi, a lot, a demande or a piece of the guichet."""
    saisie = {c: request.values.get(c, "") for c in CHAMPS}
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        lot_id = _entier(saisie["lot"], "lot", erreurs)
        piece_id = _entier(saisie["piece"], "piece", erreurs)
        if not erreurs:
            try:
                ident = incidents.signaler(
                    acces.uow(),
                    acces.acteur(),
                    nature=saisie["nature"],
                    description=saisie["description"],
                    envoi=saisie["envoi"] or None,
                    lot_id=lot_id,
                    numero=saisie["numero"] or None,
                    piece_id=piece_id,
                )
            except SneError as erreur:
                if erreur.details:
                    erreurs = {k: str(v) for k, v in erreur.details.items()}
                else:
                    message = erreur.message
            else:
                flash(f"Incident n° {ident} signalé au service de numérisation.", "success")
                return redirect(url_for("incidents.voir", incident_id=ident))
    return render_template(
        "guichet/incidents/nouveau.html",
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        natures=incidents.NATURES,
    )


@bp.get("/<int:incident_id>")
@exige("signaler_incident")
def voir(incident_id: int) -> str:
    """One report of the guichet and the digitiser's answer."""
    vue = incidents.consulter(acces.uow(), acces.acteur(), incident_id)
    return render_template("guichet/incidents/voir.html", vue=vue)
