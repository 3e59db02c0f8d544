"""Registering a demande in steps following the Cerfa sections a–i, then checking and numbering.

The draft lives in the session between steps, as typed; each step is checked
with the services' own validation and shows only its own fields' problems.
Before numbering, the service's duplicate check lists each candidate with its
reason; the agent may force with a justification. Nothing typed is ever lost.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, cast

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from portails import cerfa, etapes
from sne.errors import Forbidden, NotFound, SneError, ValidationError
from sne.services import demandes, doublons
from sne.services.doublons import DoublonProbable

bp = Blueprint("saisie", __name__, url_prefix="/demandes/nouvelle")

VERIFICATION = "verification"
RESULTAT = "resultat"
CLE = "saisie"
#: Browsers drop cookies over 4 KB: past this size the draft is refused rather than lost.
TAILLE_MAX = 3800
TROP_LONG = {
    "brouillon": "la saisie est trop longue pour être gardée : raccourcissez les textes libres "
    "(précisions, adresses) de cette page"
}
#: A rendered page and its HTTP status.
Page = tuple[str, int]


def _etat() -> dict[str, Any]:
    """A copy of the draft kept in the session (a new one when none)."""
    etat = session.get(CLE)
    if not isinstance(etat, dict) or "brouillon" not in etat:
        return {"brouillon": cerfa.vide(), "date_depot": ""}
    return copy.deepcopy(etat)  # changed in place, it is kept only through ``_garder``


def _lettres(etat: dict[str, Any]) -> list[str]:
    """The letters of the steps this draft goes through."""
    return etapes.lettres(etat["brouillon"])


def _garder(etat: dict[str, Any]) -> bool:
    """Keep the draft in the session, unless it would not fit in the session cookie."""
    interface = cast(SecureCookieSessionInterface, current_app.session_interface)
    serialiseur = interface.get_signing_serializer(current_app)
    assert serialiseur is not None  # the portal always has a secret key
    if len(serialiseur.dumps({**session, CLE: etat})) > TAILLE_MAX:
        return False
    session[CLE] = etat
    return True


def _date_depot(texte: str, jour: date) -> date | None:
    try:
        return date.fromisoformat(texte) if texte else jour
    except ValueError:
        return None


@bp.get("")
@exige("enregistrer")
def debut() -> Response | str | Page:
    """Show a step of the draft (``?etape=a``…``i``), the check before numbering, or the result."""
    etape = request.args.get("etape", "a")
    if etape == RESULTAT and isinstance(session.get("saisie_resultat"), dict):
        return render_template("guichet/saisie_resultat.html", resultat=session["saisie_resultat"])
    etat = _etat()
    if etape == VERIFICATION:
        return _verification(etat)
    if etape not in _lettres(etat):
        etape = "a"
    return _page(etape, etat, {})


def _page(lettre: str, etat: dict[str, Any], erreurs: dict[str, str], code: int = 200) -> Page:
    """Render step ``lettre`` with the draft and ``erreurs``."""
    sections = cerfa.sections_pour(etat["brouillon"])
    rang = _lettres(etat).index(lettre)
    suivante = etapes.suivante(etat["brouillon"], lettre) or "Vérification"
    html = render_template(
        "guichet/saisie_etape.html",
        section=cerfa.PAR_LETTRE[lettre],
        numero=rang + 1,
        total=len(sections) + 1,
        suivante=suivante,
        sections=sections,
        b=etat["brouillon"],
        e=erreurs,
    )
    return html, code


def _verification(
    etat: dict[str, Any],
    *,
    candidats: list[Any] | None = None,
    erreurs: dict[str, str] | None = None,
    code: int = 200,
) -> Page:
    """Render the last step: every problem left, the summary, the filing date, the duplicates.

    The duplicate check runs as soon as the draft is complete, so the agent sees
    the candidates (and their reasons) before asking for a number.
    """
    jour = aujourd_hui()
    depot = _date_depot(etat.get("date_depot", ""), jour) or jour
    verifie = etapes.bilan(etat["brouillon"], depot)
    if verifie.document is not None and candidats is None:
        candidats = doublons.rechercher(acces.uow(), acces.acteur(), verifie.document)
    html = render_template(
        "guichet/saisie_verification.html",
        fautes=verifie.fautes,
        a_corriger=verifie.a_corriger,
        document=verifie.document,
        etat=etat,
        candidats=candidats,
        erreurs=erreurs or {},
        numero=len(_lettres(etat)) + 1,
        total=len(_lettres(etat)) + 1,
        jour=jour,
    )
    return html, code


@bp.post("")
@exige("enregistrer")
def avancer() -> Response | Page:
    """Save the step's fields, then add or remove a person, move, register or abandon."""
    etat = _etat()
    etape = request.form.get("etape", "a")
    if "abandonner" in request.form:
        session.pop(CLE, None)
        return redirect(url_for("accueil.index"))
    if etape == VERIFICATION:
        return _enregistrer(etat)
    etape = etapes.etape_valide(etat["brouillon"], etape)
    etat["brouillon"], pressee = etapes.lire(request.form, etat["brouillon"], etape)
    if not _garder(etat):
        return _page(etape, etat, TROP_LONG, 413)
    if pressee:
        return _page(etape, etat, {})
    suite = etapes.aller(request.form, etat["brouillon"], etape, aujourd_hui(), VERIFICATION)
    if suite.cible is None:
        return _page(etape, etat, suite.fautes, 422)
    return redirect(url_for("saisie.debut", etape=suite.cible))


def _enregistrer(etat: dict[str, Any]) -> Response | Page:
    """Number the demande, or show why not (problems, duplicates to confirm)."""
    jour = aujourd_hui()
    etat["date_depot"] = request.form.get("date_depot", "").strip()
    _garder(etat)
    depot = _date_depot(etat["date_depot"], jour)
    if depot is None:
        return _verification(etat, erreurs={"date_depot": "date illisible"}, code=422)
    forcer = request.form.get("justification", "").strip() if "forcer" in request.form else None
    try:
        faite = demandes.enregistrer(
            acces.uow(),
            acces.acteur(),
            cerfa.document(etat["brouillon"]),
            aujourd_hui=jour,
            date_depot=depot,
            forcer_doublon=forcer or None,
        )
    except DoublonProbable as doublon:
        erreurs = (
            {"justification": "indiquez pourquoi enregistrer malgré tout"} if forcer == "" else {}
        )
        return _verification(etat, candidats=doublon.candidats, erreurs=erreurs, code=409)
    except ValidationError as refus:
        return _verification(etat, erreurs=refus.problems, code=422)
    except SneError as refus:
        if isinstance(refus, NotFound | Forbidden):
            raise
        champ = "date_depot" if refus.code == "DATE_DEPOT_INVALIDE" else "enregistrement"
        return _verification(etat, erreurs={champ: refus.message}, code=422)
    session.pop(CLE, None)
    session["saisie_resultat"] = {
        "numero": faite.numero,
        "date_depot": faite.date_depot.isoformat(),
        "date_expiration": faite.date_expiration.isoformat(),
        "force": bool(forcer),
    }
    return redirect(url_for("saisie.debut", etape=RESULTAT))
