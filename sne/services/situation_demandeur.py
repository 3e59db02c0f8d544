"""An applicant updates the situation of a linked demande online: household, resources, housing.

The same validation and history as a guichet modification (``espace_demandeur.enregistrer``,
traced for the ``PORTAIL`` actor). Identity stays locked whatever is posted: the
titulaires' état civil, the contact details and every field outside the
situation are taken back from the stored demande (a guichet changes them, with a piece).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from sne.models import Demande
from sne.services import formulaire
from sne.services.demandes import exiger_active
from sne.services.espace_demandeur import demande_liee, enregistrer
from sne.uow import UnitOfWork

#: Fields of the demande an applicant may change online (sections c, e, f and h of the Cerfa).
CHAMPS_SITUATION = (
    "situation_familiale",
    "revenu_fiscal_n1",
    "revenu_fiscal_n2",
    "logement_actuel",
    "logement_actuel_bailleur",
    "logement_actuel_loyer",
    "logement_actuel_surface",
    "logement_actuel_type",
    "types_logement",
    "categorie_logement",
    "communes_souhaitees",
    "demande_elargie",
    "loyer_maximum",
)
#: Persons whose identity only a guichet changes (their resources may change online).
TITULAIRES = ("demandeur", "cotitulaire")
#: Persons an applicant may add, change or remove online.
PERSONNES_LIBRES = ("a_charge", "a_naitre", "garde_alternee")


def verrouiller(avant: Mapping[str, Any], propose: Mapping[str, Any]) -> dict[str, Any]:
    """The document to validate: ``propose``'s situation on ``avant``, identity kept from ``avant``."""
    document = dict(avant)
    document.update({c: propose[c] for c in CHAMPS_SITUATION if c in propose})
    proposes = list(propose.get("personnes") or [])
    titulaires = []
    for stocke in avant.get("personnes", []):
        if stocke["role"] not in TITULAIRES:
            continue
        meme = next((p for p in proposes if p.get("role") == stocke["role"]), None)
        ressources = meme.get("ressources", []) if meme else stocke.get("ressources", [])
        titulaires.append({**stocke, "ressources": ressources})
    libres = [dict(p) for p in proposes if p.get("role") in PERSONNES_LIBRES]
    document["personnes"] = titulaires + libres
    return document


def _document(
    session: Session, compte_id: int, numero: str, propose: Mapping[str, Any]
) -> tuple[Demande, dict[str, Any]]:
    demande = demande_liee(session, compte_id, numero)
    exiger_active(demande, "modifier la demande")
    return demande, verrouiller(formulaire.en_document(demande), propose)


def apercu(
    uow: UnitOfWork, compte_id: int, numero: str, propose: Mapping[str, Any], *, aujourd_hui: date
) -> dict[str, list[Any]]:
    """What ``modifier_situation`` would change, checked but not saved (the review page)."""
    with uow:
        demande, document = _document(uow.session, compte_id, numero, propose)
        propre = formulaire.valider(document, date_depot=demande.date_depot, modifie_le=aujourd_hui)
        return formulaire.differences(formulaire.en_document(demande), propre)


def modifier_situation(
    uow: UnitOfWork, compte_id: int, numero: str, propose: Mapping[str, Any], *, aujourd_hui: date
) -> dict[str, Any]:
    """Save the applicant's new situation on the linked, active demande; return the changes."""
    with uow:
        demande, document = _document(uow.session, compte_id, numero, propose)
        changes = enregistrer(uow.session, demande, document, aujourd_hui=aujourd_hui)
        if changes:
            uow.commit()
        return changes
