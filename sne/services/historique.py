"""The history of one demande as the portals show it: who, when, what changed, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from sne.acteurs import Acteur
from sne.models import Demande, Guichet, Historique, Utilisateur
from sne.services.demandes import DemandeVue, vue_de
from sne.services.tableau_de_bord import ACTIONS
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class Evenement:
    """One line of a demande's history."""

    at: datetime
    action: str
    action_libelle: str
    #: "Prénom Nom" of the account, or None for the system.
    agent: str | None
    guichet: str | None
    #: Field path -> [old, new] for modifications; the action's data otherwise.
    changements: dict[str, Any]
    justification: str | None
    changement_identite: bool


def consulter_avec_historique(
    uow: UnitOfWork, acteur: Acteur, numero: str
) -> tuple[DemandeVue, list[Evenement]]:
    """The demande ``numero`` and its history, newest first, read in one transaction."""
    with uow:
        vue = vue_de(uow.session, acteur, numero)
        demande_id = select(Demande.id).where(Demande.numero == vue.numero).scalar_subquery()
        query = (
            select(Historique, Utilisateur.prenom, Utilisateur.nom, Guichet.code)
            .outerjoin(Utilisateur, Utilisateur.id == Historique.utilisateur_id)
            .outerjoin(Guichet, Guichet.id == Historique.guichet_id)
            .where(
                or_(
                    Historique.demande_id == demande_id,
                    (Historique.entite == "demande") & (Historique.entite_id == vue.numero),
                )
            )
            .order_by(Historique.at.desc(), Historique.id.desc())
        )
        evenements = [
            Evenement(
                at=ligne.at,
                action=ligne.action,
                action_libelle=ACTIONS.get(
                    ligne.action, ligne.action.replace("_", " ").capitalize()
                ),
                agent=f"{prenom} {nom}" if nom is not None else None,
                guichet=guichet,
                changements=dict(ligne.changements or {}),
                justification=ligne.justification,
                changement_identite=ligne.changement_identite,
            )
            for ligne, prenom, nom, guichet in uow.session.execute(query)
        ]
        return vue, evenements
