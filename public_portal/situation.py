"""Update the situation of a linked demande: one Cerfa section per page, a review, then save.

The draft lives in the session (one per numéro) until the applicant confirms on
the review page; ``sne.services.situation_demandeur`` checks it as a guichet
modification and keeps the identity locked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from guichet_portal import libelles
from portails import cerfa
from portails.sessions import aujourd_hui
from public_portal import acces
from public_portal.acces import connecte
from sne import codes
from sne.errors import SneError
from sne.services import espace_demandeur, situation_demandeur

bp = Blueprint("situation", __name__, url_prefix="/demandes")

#: The pages of the update, in order: address part, Cerfa letter, title in plain words.
PAGES = {
    "foyer": ("a", "Les personnes de mon foyer"),
    "famille": ("c", "Ma situation familiale"),
    "ressources": ("e", "Mes ressources"),
    "logement": ("f", "Mon logement actuel"),
    "recherche": ("h", "Le logement que je cherche"),
}
PAR_LETTRE = {lettre: page for page, (lettre, _) in PAGES.items()}


def _cle(numero: str) -> str:
    return f"situation:{numero}"


def _suivi(numero: str) -> espace_demandeur.Suivi:
    """The linked demande (404 otherwise); only an active one may be updated."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    if suivi.statut != "active":
        abort(404)
    return suivi


def _brouillon(suivi: espace_demandeur.Suivi) -> dict[str, Any]:
    """The draft being updated: kept in the session, else the demande as stored."""
    garde = session.get(_cle(suivi.numero))
    return dict(garde) if garde else cerfa.brouillon_de(suivi.document)


@bp.get("/<numero>/situation")
@connecte
def sommaire(numero: str) -> str:
    """The sections an applicant may update, and the way to the review."""
    suivi = _suivi(numero)
    return render_template(
        "public/situation.html", suivi=suivi, pages=PAGES, en_cours=_cle(suivi.numero) in session
    )


@bp.route("/<numero>/situation/<page>", methods=["GET", "POST"])
@connecte
def section(numero: str, page: str) -> Response | str:
    """One section of the situation; adding or removing a person stays on the page."""
    if page not in PAGES:
        abort(404)
    suivi = _suivi(numero)
    brouillon = _brouillon(suivi)
    lettre, titre = PAGES[page]
    if request.method == "POST":
        brouillon = cerfa.lire(request.form, brouillon, lettre)
        foyer_change = cerfa.changer_foyer(request.form, brouillon)
        session[_cle(suivi.numero)] = brouillon
        if not foyer_change:
            return redirect(url_for("situation.verifier", numero=suivi.numero))
    return render_template(
        "public/situation_section.html",
        suivi=suivi,
        page=page,
        lettre=lettre,
        titre=titre,
        b=brouillon,
        e={},
        titulaires=situation_demandeur.TITULAIRES,
    )


#: The code list each coded field of the situation is read from (the review shows words).
CODES = {
    "role": codes.ROLE_PERSONNE,
    "lien": codes.LIEN_PERSONNE_A_CHARGE,
    "situation_familiale": codes.SITUATION_FAMILIALE,
    "contrat_travail": codes.CONTRAT_TRAVAIL,
    "logement_actuel": codes.LOGEMENT_ACTUEL,
    "logement_actuel_type": codes.TYPE_LOGEMENT,
    "types_logement": codes.TYPE_LOGEMENT,
    "categorie_logement": codes.CATEGORIE_LOGEMENT,
}


#: A date as the forms send it (``2026-09-01``).
DATE_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _champ(cle: str) -> str:
    """The last name of a field path (``personnes[4].lien`` → ``lien``)."""
    return cle.rsplit(".", 1)[-1]


def _texte(valeur: Any, table: Mapping[str, str] | None = None) -> str:
    """A value of the demande in plain words for the review page."""
    if valeur in (None, "", [], False):
        return "non renseigné" if valeur is not False else "non"
    if table is not None and isinstance(valeur, str):
        return codes.libelle(table, valeur)
    if table is not None and isinstance(valeur, list):
        return ", ".join(codes.libelle(table, v) for v in valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, list):
        return ", ".join(_texte(v) for v in valeur)
    if isinstance(valeur, date) or (isinstance(valeur, str) and DATE_ISO.fullmatch(valeur)):
        return libelles.date_fr(valeur)
    if isinstance(valeur, dict):
        types = {**codes.RESSOURCE_RECUE, **codes.RESSOURCE_VERSEE}
        return f"{codes.libelle(types, valeur.get('type'))} : {valeur.get('montant_mensuel')} € par mois"
    return str(valeur)


@bp.route("/<numero>/situation/verifier", methods=["GET", "POST"])
@connecte
def verifier(numero: str) -> Response | str:
    """Show what changed before saving; confirming saves it and empties the draft."""
    suivi = _suivi(numero)
    document = cerfa.document(_brouillon(suivi))
    compte_id = acces.compte().id
    erreurs: dict[str, str] = {}
    changes: dict[str, list[Any]] = {}
    try:
        if request.method == "POST":
            changes = situation_demandeur.modifier_situation(
                acces.uow(), compte_id, suivi.numero, document, aujourd_hui=aujourd_hui()
            )
            session.pop(_cle(suivi.numero), None)
            flash("Votre situation est enregistrée." if changes else "Rien n'a changé.", "success")
            return redirect(url_for("espace.demande", numero=suivi.numero))
        changes = situation_demandeur.apercu(
            acces.uow(), compte_id, suivi.numero, document, aujourd_hui=aujourd_hui()
        )
    except SneError as refus:
        erreurs = {cle: str(texte) for cle, texte in refus.details.items()} or {
            "demande": refus.message
        }
    lignes = [
        (libelles.libelle(cle), _texte(avant, table), _texte(apres, table))
        for cle, (avant, apres) in changes.items()
        if (table := CODES.get(_champ(cle))) is not None or avant or apres
    ]
    a_corriger = [
        (libelles.libelle(cle), texte, PAR_LETTRE.get(cerfa.section_de(cle), "foyer"))
        for cle, texte in erreurs.items()
    ]
    return render_template(
        "public/situation_verifier.html", suivi=suivi, lignes=lignes, a_corriger=a_corriger
    )


@bp.post("/<numero>/situation/abandonner")
@connecte
def abandonner(numero: str) -> Response:
    """Forget the changes not saved yet."""
    suivi = _suivi(numero)
    session.pop(_cle(suivi.numero), None)
    flash("Vos changements non enregistrés sont effacés.", "info")
    return redirect(url_for("espace.demande", numero=suivi.numero))
