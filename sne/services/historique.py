"""The history of one demande as the portals show it: who, when, what changed, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from sne.acteurs import Acteur
from sne.errors import NotFound
from sne.models import Demande, Guichet, Historique, Utilisateur
from sne.numero import NumeroInvalide, analyser
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


def historique(uow: UnitOfWork, acteur: Acteur, numero: str) -> list[Evenement]:
    """The history of the demande ``numero``, newest first, if the actor may see the demande."""
    try:
        numero = str(analyser(numero))
    except NumeroInvalide as exc:
        raise NotFound(exc.message, code="NUMERO_INVALIDE") from exc
    with uow:
        # Only what the check needs: the household is not loaded for the history.
        demande = uow.session.execute(
            select(Demande.id, Demande.numero, Demande.territoire_code).where(
                Demande.numero == numero
            )
        ).first()
        if demande is None:
            raise NotFound(
                f"Aucune demande ne porte le numéro unique {numero}.", code="NUMERO_INCONNU"
            )
        acteur.exiger("consulter", demande.territoire_code)
        query = (
            select(Historique, Utilisateur.prenom, Utilisateur.nom, Guichet.code)
            .outerjoin(Utilisateur, Utilisateur.id == Historique.utilisateur_id)
            .outerjoin(Guichet, Guichet.id == Historique.guichet_id)
            .where(
                or_(
                    Historique.demande_id == demande.id,
                    (Historique.entite == "demande") & (Historique.entite_id == demande.numero),
                )
            )
            .order_by(Historique.at.desc(), Historique.id.desc())
        )
        return [
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
