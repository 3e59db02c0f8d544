"""A linked demande: follow it, renew it, download the attestation, give it up, download my data.

Each view calls one service of ``sne.services.espace_demandeur`` with the
signed-in account: a numéro not linked to it is a 404, as an unknown one.
"""

from __future__ import annotations

import json
from typing import cast

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as Reponse

from portails.sessions import aujourd_hui
from public_portal import acces
from public_portal.acces import connecte
from scanning.qr_payload import Keyring
from sne.errors import SneError
from sne.services import espace_demandeur

bp = Blueprint("espace", __name__, url_prefix="/demandes")


@bp.get("/<numero>")
@connecte
def demande(numero: str) -> str:
    """The demande: status, dates, what happens when, content, pieces, mails."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    return render_template("public/demande.html", suivi=suivi, jour=aujourd_hui())


@bp.route("/<numero>/renouveler", methods=["GET", "POST"])
@connecte
def renouveler(numero: str) -> Reponse | str:
    """Renew after reviewing the demande; the renewal attestation is offered at once."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    erreur = None
    if request.method == "POST":
        try:
            expiration = espace_demandeur.renouveler(
                acces.uow(), acces.compte().id, numero, aujourd_hui()
            )
        except SneError as refus:
            erreur = refus.message
        else:
            flash(
                f"Votre demande est renouvelée jusqu'au {expiration:%d/%m/%Y}. "
                "Téléchargez votre attestation de renouvellement ci-dessous.",
                "success",
            )
            return redirect(url_for("espace.demande", numero=suivi.numero))
    return render_template("public/renouveler.html", suivi=suivi, erreur=erreur)


@bp.get("/<numero>/attestation.pdf")
@connecte
def attestation(numero: str) -> Response:
    """The attestation d'enregistrement or de renouvellement, as a PDF."""
    keyring = cast(Keyring, current_app.extensions["sne.keyring"])
    pdf = espace_demandeur.attestation(
        acces.uow(), acces.compte().id, numero, aujourd_hui(), keyring
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="attestation-{numero}.pdf"'},
    )


@bp.route("/<numero>/renoncer", methods=["GET", "POST"])
@connecte
def renoncer(numero: str) -> Reponse | str:
    """Give up the demande (renonciation) after a confirmation page."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    erreur = None
    if request.method == "POST":
        if request.form.get("confirmation") != "oui":
            erreur = "Cochez la case pour confirmer que vous renoncez à votre demande."
        else:
            try:
                espace_demandeur.renoncer(acces.uow(), acces.compte().id, numero, aujourd_hui())
            except SneError as refus:
                erreur = refus.message
            else:
                flash("Votre demande est radiée : vous y avez renoncé.", "success")
                return redirect(url_for("espace.demande", numero=suivi.numero))
    return render_template("public/renoncer.html", suivi=suivi, erreur=erreur)


@bp.get("/mes-donnees.json")
@connecte
def donnees() -> Response:
    """Everything the system holds on the account and its demandes, as a JSON file (GDPR)."""
    contenu = espace_demandeur.mes_donnees(acces.uow(), acces.compte().id)
    return Response(
        json.dumps(contenu, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
    )


@bp.route("/<numero>/coordonnees", methods=["GET", "POST"])
@connecte
def coordonnees(numero: str) -> Reponse | str:
    """Update the address, e-mail and telephones; identity stays locked (a guichet changes it)."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    valeurs = {c: suivi.document.get(c) or "" for c in espace_demandeur.CHAMPS_COORDONNEES}
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        valeurs = {c: request.form.get(c, "") for c in espace_demandeur.CHAMPS_COORDONNEES}
        try:
            changes = espace_demandeur.modifier_coordonnees(
                acces.uow(), acces.compte().id, numero, valeurs, aujourd_hui=aujourd_hui()
            )
        except SneError as refus:
            erreurs = {cle: str(texte) for cle, texte in refus.details.items()}
        else:
            flash(
                "Vos coordonnées sont enregistrées." if changes else "Rien n'a changé.", "success"
            )
            return redirect(url_for("espace.demande", numero=suivi.numero))
    return render_template("public/coordonnees.html", suivi=suivi, valeurs=valeurs, erreurs=erreurs)
