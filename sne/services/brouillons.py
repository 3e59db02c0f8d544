"""Drafts of demandes filed online, saved between steps so they can be resumed on any device.

One draft per applicant's account (``BrouillonDemande``): the form as typed
(``portails.cerfa``), the step reached, and the identity piece's storage key
once sent. A draft untouched for ``DUREE`` is purged by the daily run
(``sne.services.cycle``), its piece with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sne.models import BrouillonDemande
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow

#: A draft left untouched this long is deleted by the daily run.
DUREE = timedelta(days=90)
#: Where a draft's piece waits before the demande exists (one folder per account).
DOSSIER = "brouillons"
#: The draft's key holding the identity piece (``_``: not a Cerfa field, see ``portails.cerfa``).
PIECE_BROUILLON = "_piece"


@dataclass(frozen=True)
class Brouillon:
    """A saved draft: the form as typed, the step reached, when it was last saved."""

    contenu: dict[str, Any]
    etape: str
    updated_at: datetime

    @property
    def expire_le(self) -> date:
        """The day the draft is deleted if nothing changes before."""
        return (self.updated_at + DUREE).date()


def ligne_de(session: Session, compte_id: int, maintenant: datetime) -> BrouillonDemande | None:
    """The account's draft, unless it has expired."""
    ligne = session.scalar(select(BrouillonDemande).where(BrouillonDemande.compte_id == compte_id))
    if ligne is None or ligne.updated_at < maintenant - DUREE:
        return None
    return ligne


def reprendre(uow: UnitOfWork, compte_id: int) -> Brouillon | None:
    """The account's draft (None when it has none, or it expired)."""
    with uow:
        ligne = ligne_de(uow.session, compte_id, utcnow())
        if ligne is None:
            return None
        return Brouillon(dict(ligne.contenu), ligne.etape, ligne.updated_at)


def garder(uow: UnitOfWork, compte_id: int, contenu: dict[str, Any], etape: str) -> None:
    """Save the draft as typed and the step reached (created on the first save)."""
    with uow:
        session = uow.session
        maintenant = utcnow()
        ligne = session.scalar(
            select(BrouillonDemande).where(BrouillonDemande.compte_id == compte_id)
        )
        if ligne is None:
            ligne = BrouillonDemande(compte_id=compte_id, created_at=maintenant)
            session.add(ligne)
        ligne.contenu = contenu
        ligne.etape = etape
        ligne.updated_at = maintenant
        uow.commit()


def supprimer(uow: UnitOfWork, compte_id: int, store: FileStore) -> None:
    """Delete the account's draft and the piece it holds."""
    with uow:
        ligne = uow.session.scalar(
            select(BrouillonDemande).where(BrouillonDemande.compte_id == compte_id)
        )
        if ligne is None:
            return
        cle = (ligne.contenu.get(PIECE_BROUILLON) or {}).get("cle")
        uow.session.delete(ligne)
        uow.commit()
    if cle:
        store.delete(cle)


def purger(uow: UnitOfWork, maintenant: datetime, store: FileStore) -> int:
    """Delete the drafts untouched for ``DUREE`` and their pieces (the daily run); return how many."""
    with uow:
        session = uow.session
        vieux = session.scalars(
            select(BrouillonDemande).where(BrouillonDemande.updated_at < maintenant - DUREE)
        ).all()
        cles = [c for b in vieux if (c := (b.contenu.get(PIECE_BROUILLON) or {}).get("cle"))]
        session.execute(
            delete(BrouillonDemande).where(BrouillonDemande.id.in_([b.id for b in vieux]))
        )
        uow.commit()
    for cle in cles:
        store.delete(cle)
    return len(vieux)
