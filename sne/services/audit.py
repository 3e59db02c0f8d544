"""The audit trail for managers: the history filtered by person, guichet and date, and its proof.

``journal`` lists history lines of the manager's territory; ``verifier`` walks
the hash chains (``sne.chainage``) and says where each one breaks. A manager
verifies the chains of the demandes of their territory; an administrator (and
``sne historique verifier``) every chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from sne import chainage
from sne.acteurs import Acteur
from sne.models import Demande, Guichet, Historique, Utilisateur
from sne.services.tableau_de_bord import ACTIONS
from sne.uow import UnitOfWork

#: Lines shown per page of the audit view.
PAR_PAGE = 50
NATIONAUX = {"administrateur", "systeme"}


@dataclass(frozen=True)
class Rupture:
    """Where a chain breaks, and why (in French)."""

    chaine: str
    historique_id: int
    at: datetime
    raison: str


@dataclass
class BilanChaines:
    """What a verification found."""

    lignes: int = 0
    chaines: int = 0
    ruptures: list[Rupture] = field(default_factory=list)

    @property
    def intacte(self) -> bool:
        return not self.ruptures


@dataclass(frozen=True)
class Filtres:
    """The audit view's filters (all optional)."""

    personne: str | None = None
    guichet: str | None = None
    du: date | None = None
    au: date | None = None


@dataclass(frozen=True)
class LigneAudit:
    """One history line as the audit view shows it."""

    id: int
    at: datetime
    action: str
    action_libelle: str
    personne: str | None
    guichet: str | None
    entite: str
    entite_id: str
    justification: str | None
    changements: dict[str, Any]


@dataclass(frozen=True)
class PageAudit:
    """One page of the audit view."""

    lignes: list[LigneAudit]
    total: int
    page: int
    pages: int


def _territoire(acteur: Acteur, action: str) -> str | None:
    """The territory the actor is limited to (None: national)."""
    acteur.exiger(action)
    return None if acteur.role in NATIONAUX else acteur.territoire_code


def journal(uow: UnitOfWork, acteur: Acteur, filtres: Filtres, page: int = 1) -> PageAudit:
    """History lines of the actor's territory matching ``filtres``, newest first."""
    territoire = _territoire(acteur, "auditer")
    ligne_guichet = aliased(Guichet)
    query: Select[Any] = (
        select(Historique, Utilisateur.prenom, Utilisateur.nom, ligne_guichet.code)
        .outerjoin(Utilisateur, Utilisateur.id == Historique.utilisateur_id)
        .outerjoin(ligne_guichet, ligne_guichet.id == Historique.guichet_id)
        .outerjoin(Demande, Demande.id == Historique.demande_id)
    )
    if territoire is not None:
        query = query.where(
            or_(Demande.territoire_code == territoire, ligne_guichet.territoire_code == territoire)
        )
    if filtres.personne:
        query = query.where(Utilisateur.login == filtres.personne.strip().lower())
    if filtres.guichet:
        query = query.where(ligne_guichet.code == filtres.guichet.strip().upper())
    if filtres.du:
        query = query.where(Historique.at >= datetime.combine(filtres.du, time.min))
    if filtres.au:
        query = query.where(
            Historique.at < datetime.combine(filtres.au + timedelta(days=1), time.min)
        )
    with uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        pages = max(1, -(-total // PAR_PAGE))
        page = min(max(page, 1), pages)
        rangees = uow.session.execute(
            query.order_by(Historique.id.desc()).offset((page - 1) * PAR_PAGE).limit(PAR_PAGE)
        )
        lignes = [
            LigneAudit(
                id=ligne.id,
                at=ligne.at,
                action=ligne.action,
                action_libelle=ACTIONS.get(
                    ligne.action, ligne.action.replace("_", " ").capitalize()
                ),
                personne=f"{prenom} {nom}" if nom is not None else None,
                guichet=guichet,
                entite=ligne.entite,
                entite_id=ligne.entite_id,
                justification=ligne.justification,
                changements=dict(ligne.changements or {}),
            )
            for ligne, prenom, nom, guichet in rangees
        ]
    return PageAudit(lignes, total, page, pages)


def verifier(uow: UnitOfWork, acteur: Acteur) -> BilanChaines:
    """Walk every chain the actor may audit and report each break."""
    territoire = _territoire(acteur, "auditer")
    query = (
        select(
            Historique.id,
            Historique.chaine,
            Historique.hash_precedent,
            Historique.hash,
            Historique.empreinte,
            Historique.changements,
            Historique.justification,
            Demande.statut,
            *(getattr(Historique, champ) for champ in chainage.CHAMPS),
        )
        .outerjoin(Demande, Demande.id == Historique.demande_id)
        .order_by(Historique.chaine, Historique.id)
    )
    if territoire is not None:
        query = query.where(Demande.territoire_code == territoire)
    with uow:
        lignes = uow.session.execute(query.execution_options(yield_per=2000)).mappings()
        return _parcourir(lignes)


def _parcourir(lignes: Iterable[Any]) -> BilanChaines:
    """Check each line against the one before it in its chain."""
    bilan = BilanChaines()
    chaine, precedent = None, chainage.GENESE
    for ligne in lignes:
        bilan.lignes += 1
        if ligne["chaine"] != chaine:
            chaine, precedent = ligne["chaine"], chainage.GENESE
            bilan.chaines += 1
        raison = _defaut(ligne, precedent)
        if raison:
            bilan.ruptures.append(Rupture(str(chaine), ligne["id"], ligne["at"], raison))
        precedent = ligne["hash"] or ""
    return bilan


def _defaut(ligne: Any, precedent: str) -> str | None:
    """Why ``ligne`` does not follow ``precedent``, or None when it does."""
    if ligne["hash"] is None or ligne["chaine"] is None:
        return "ligne sans empreinte : ajoutée hors de l'application"
    if ligne["hash_precedent"] != precedent:
        return "le maillon précédent a été supprimé, inséré ou modifié"
    if chainage.expurgee(ligne["changements"], ligne["justification"]):
        if ligne["statut"] != "purgee":
            return "contenu effacé alors que la demande n'a pas été purgée"
    elif chainage.empreinte(ligne["changements"], ligne["justification"]) != ligne["empreinte"]:
        return "le contenu de la ligne (changements ou justification) a été modifié"
    if chainage.hacher(ligne, ligne["hash_precedent"], ligne["empreinte"]) != ligne["hash"]:
        return "la ligne (date, auteur, guichet, objet ou action) a été modifiée"
    return None
