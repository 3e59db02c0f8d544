"""Paper sendings (envois): choose the dossiers, declare their counts, print, follow to the mail.

The dossiers chosen are kept in the session (from a demande's page or typed on
the preparation page) with the counts typed so far; preparing records the
sending (``sne.services.envois``) and empties the selection.
"""

from __future__ import annotations

import re
from typing import Any, cast

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from scanning.qr_payload import Keyring
from sne import codes
from sne.errors import NotFound, SneError
from sne.services import envois, impression, suivi_envois

bp = Blueprint("envois", __name__, url_prefix="/envois")
#: Session key of the dossiers chosen: a list of {numero, nom, documents, pages}.
SELECTION = "sne_envoi_selection"
#: How the sending service names a dossier at fault: ``dossier 2 (1110318016982G1104)``.
DOSSIER_RE = re.compile(r"\(([0-9A-Z]{18})\)")


def _selection() -> list[dict[str, str]]:
    return cast(list[dict[str, str]], session.get(SELECTION, []))


def _garder(selection: list[dict[str, str]]) -> None:
    session[SELECTION] = selection


@bp.get("")
@exige("suivre_envois")
def liste() -> str:
    """The guichet's sendings with their status, due date and mails."""
    lignes = suivi_envois.lister(acces.uow(), acces.acteur())
    return render_template("guichet/envois/liste.html", lignes=lignes, choisis=len(_selection()))


def _entier(texte: str) -> int | str:
    return int(texte) if texte.strip().isdigit() else texte


def _champs(erreur: SneError) -> dict[str, str]:
    """The refusal's problems keyed by the field at fault (``dossier 2 (numéro)`` → its counts)."""
    champs = {}
    for cle, texte in erreur.details.items():
        trouve = DOSSIER_RE.search(cle)
        champs[f"documents-{trouve.group(1)}" if trouve else "numero"] = str(texte)
    return champs or {"numero": erreur.message}


@bp.route("/preparer", methods=["GET", "POST"])
@exige("preparer_envoi")
def preparer() -> Response | tuple[str, int]:
    """Add or remove dossiers, type their counts, then record the sending."""
    selection = _selection()
    for ligne in selection:  # what was typed stays typed, whatever the button
        ligne["documents"] = request.form.get(f"documents-{ligne['numero']}", ligne["documents"])
        ligne["pages"] = request.form.get(f"pages-{ligne['numero']}", ligne["pages"])
    action = request.form.get("action", "")
    numero = request.form.get("numero", "").strip().upper()
    erreurs: dict[str, str] = {}
    if request.method == "POST" and (action == "ajouter" or (action == "preparer" and numero)):
        try:
            choisi = suivi_envois.choisir(acces.uow(), acces.acteur(), numero)
        except SneError as erreur:
            erreurs["numero"] = erreur.message
        else:
            if all(ligne["numero"] != choisi.numero for ligne in selection):
                selection.append(
                    {"numero": choisi.numero, "nom": choisi.nom, "documents": "", "pages": ""}
                )
            numero = ""
    elif request.method == "POST" and action.startswith("retirer:"):
        selection = [ligne for ligne in selection if ligne["numero"] != action[8:]]
    elif request.method == "POST" and action == "preparer":
        dossiers: list[tuple[str, Any, Any]] = [
            (ligne["numero"], _entier(ligne["documents"]), _entier(ligne["pages"]))
            for ligne in selection
        ]
        try:
            prepare = envois.preparer_envoi(acces.uow(), acces.acteur(), dossiers, aujourd_hui())
        except SneError as erreur:
            if isinstance(erreur, NotFound):
                raise
            erreurs = _champs(erreur)
        else:
            _garder([])
            flash(
                f"Envoi {prepare.identifiant} préparé : imprimez le bordereau et les fiches, "
                "agrafez chaque fiche devant les pièces de sa demande.",
                "success",
            )
            return redirect(url_for("envois.voir", identifiant=prepare.identifiant))
    _garder(selection)
    html = render_template(
        "guichet/envois/preparer.html", selection=selection, numero=numero, erreurs=erreurs
    )
    return html, 422 if erreurs else 200


@bp.get("/<identifiant>")
@exige("suivre_envois")
def voir(identifiant: str) -> str:
    """One sending: its dossiers, status, due date and the notification mails as sent."""
    suivi = suivi_envois.suivre(acces.uow(), acces.acteur(), identifiant)
    return render_template(
        "guichet/envois/envoi.html",
        suivi=suivi,
        statuts_mail=suivi_envois.STATUT_NOTIFICATION,
        statuts=codes.STATUT_ENVOI,
    )


@bp.get("/<identifiant>/impression.pdf")
@exige("preparer_envoi")
def imprimer(identifiant: str) -> Response:
    """The bordereau and every fiche of the sending, in one PDF opened in the browser."""
    keyring = cast(Keyring, current_app.extensions["sne.keyring"])
    pdf = impression.imprimer_envoi(acces.uow(), acces.acteur(), identifiant, keyring)
    reponse = current_app.response_class(pdf, mimetype="application/pdf")
    reponse.headers["Content-Disposition"] = f'inline; filename="envoi-{identifiant}.pdf"'
    return reponse
