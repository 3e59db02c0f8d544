"""What every resolution service shares: who may decide, loading a lot, tracing a decision."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanning.manifest import Manifest
from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, SneError
from sne.models import Lot, Piece
from sne.services.lots import charger_lot
from sne.services.rattachement import cle_piece
from sne.services.trace import tracer
from sne.stockage import FileStore, StoredFile
from sne.uow import utcnow

#: The piece statuses an operator may give instead of a type (never a deletion).
MARQUES = ("inexploitable", "hors_perimetre", "obsolete")


class ResolutionImpossible(SneError):
    """The decision cannot be applied to the lot as it stands (French message)."""

    code = "RESOLUTION_IMPOSSIBLE"


def exiger(acteur: Acteur) -> None:
    """Only the digitiser's operators (and administrators) resolve lots."""
    acteur.exiger("resoudre_numerisation")


def lot_a_resoudre(session: Session, acteur: Acteur, lot_id: int, *, verrou: bool = False) -> Lot:
    """Load a processed lot the operator may work on (``NotFound`` otherwise)."""
    exiger(acteur)
    lot = session.get(Lot, lot_id, with_for_update=True) if verrou else charger_lot(session, lot_id)
    if lot is None:
        raise NotFound(f"Aucun lot n° {lot_id}.", code="LOT_INCONNU")
    if lot.manifest is None:
        raise NotFound(f"Le lot n° {lot_id} n'a pas encore été découpé.", code="LOT_NON_DECOUPE")
    return lot


def modifiable(lot: Lot) -> None:
    """Refuse decisions on a lot whose review is closed, or that was closed by an operator."""
    if lot.statut not in ("a_revoir", "traite"):
        raise Conflict(
            f"Le lot n° {lot.id} n'est pas traité : il ne peut pas encore être corrigé.",
            code="LOT_NON_TRAITE",
        )


def manifeste(lot: Lot) -> Manifest:
    """The lot's stored split."""
    assert lot.manifest is not None
    return Manifest.from_dict(lot.manifest)


def tracer_decision(
    session: Session,
    acteur: Acteur,
    lot: Lot,
    action: str,
    demande_id: int | None = None,
    *,
    texte: str,
    **changements: Any,
) -> None:
    """Append the decision to the history of the lot (and of its demande, when there is one).

    ``texte`` is the French sentence the notification mail repeats for the decision.
    """
    tracer(
        session,
        acteur,
        entite="lot",
        entite_id=lot.id,
        action=action,
        demande_id=demande_id,
        changements={**changements, "texte": texte},
    )


def stocker_pdf(store: FileStore, contenu: bytes) -> StoredFile:
    """Put a rebuilt piece PDF in the store (by content hash, beside the pipeline's pieces)."""
    with tempfile.TemporaryDirectory(prefix="sne-resolution-") as dossier:
        chemin = Path(dossier) / "piece.pdf"
        chemin.write_bytes(contenu)
        return store.put(chemin, folder="pieces", extension="pdf", shard=True)


def ajouter_piece(
    session: Session,
    lot: Lot,
    dossier_index: int,
    demande_id: int,
    pages: list[int],
    fichier: StoredFile,
    etape: str,
) -> Piece:
    """Insert a piece to qualify cut by an operator, ranked after the dossier's others."""
    dernier = session.scalar(
        select(func.max(Piece.rang)).where(
            Piece.lot_id == lot.id, Piece.lot_dossier_index == dossier_index
        )
    )
    rang = (dernier or 0) + 1
    piece = Piece(
        demande_id=demande_id,
        type=None,
        categorie=None,
        pages=len(pages),
        taille=fichier.size,
        sha256=fichier.sha256,
        canal=lot.canal,
        statut="a_qualifier",
        sensible=False,
        storage_key=fichier.key,
        deposee_par_id=lot.depose_par_id,
        created_at=utcnow(),
        lot_id=lot.id,
        lot_dossier_index=dossier_index,
        rang=rang,
        cle=cle_piece(lot.id, dossier_index, rang),
        pages_lot=list(pages),
        taille_originale=fichier.size,
        traitement={"etapes": [etape]},
    )
    session.add(piece)
    session.flush()
    return piece
