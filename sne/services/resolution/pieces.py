"""Decisions on the pieces cut from a lot: qualify or mark them, and fix a wrong cut.

A piece's file holds its pages in the order of ``Piece.pages_lot`` (the lot's
page indices), so every fix rebuilds the files concerned with
``scanning.chirurgie.recomposer`` and moves the indices with them: each page of
the lot stays in exactly one piece. A piece left without pages by a move or a
join is removed (traced); its pages live on in the other piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from scanning.chirurgie import ROTATIONS, PageSource, recomposer
from scanning.compress import recompresser_octets
from scanning.plan import TYPES_PAR_CODE
from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound
from sne.models import Lot, Piece
from sne.services.resolution.commun import (
    MARQUES,
    ResolutionImpossible,
    ajouter_piece,
    lot_a_resoudre,
    modifiable,
    stocker_pdf,
    tracer_decision,
)
from sne.stockage import FileStore
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class Cible:
    """A piece of a lot, loaded with its lot for a decision."""

    lot: Lot
    piece: Piece


def _cible(session: Session, acteur: Acteur, lot_id: int, piece_id: int) -> Cible:
    lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
    modifiable(lot)
    piece = session.get(Piece, piece_id)
    if piece is None or piece.lot_id != lot.id:
        raise NotFound(f"Le lot n° {lot_id} n'a pas de pièce n° {piece_id}.")
    return Cible(lot, piece)


def _avec_fichier(piece: Piece) -> list[int]:
    """The piece's lot pages; a rejected piece (no file) cannot be cut again."""
    if piece.storage_key is None or not piece.pages_lot:
        raise Conflict(
            "Cette pièce a été rejetée sans fichier : elle ne peut pas être recoupée.",
            code="PIECE_SANS_FICHIER",
        )
    return list(piece.pages_lot)


def _position(pages: list[int], position: int) -> int:
    if not 0 <= position < len(pages):
        raise ResolutionImpossible(
            f"La pièce n'a pas de page {position + 1}.",
            code="PAGE_INCONNUE",
            details={"position": "page inexistante"},
        )
    return position


def _reecrire(
    store: FileStore, piece: Piece, sources: list[bytes], pages: list[tuple[int, PageSource]]
) -> None:
    """Give ``piece`` the rebuilt file of ``pages`` ((lot page, where it comes from) pairs).

    Like the pipeline's pieces, a rebuilt one goes down the recompression ladder past 2 MB.
    """
    compression = recompresser_octets(recomposer(sources, [source for _, source in pages]))
    if compression.donnees is None:
        raise ResolutionImpossible(compression.motif or "Pièce trop volumineuse.", code="TAILLE")
    fichier = stocker_pdf(store, compression.donnees)
    piece.storage_key, piece.sha256, piece.taille = fichier.key, fichier.sha256, fichier.size
    piece.pages_lot = [index for index, _ in pages]
    piece.pages = len(pages)


def _sources(store: FileStore, *pieces: Piece) -> list[bytes]:
    return [store.read_bytes(p.storage_key or "") for p in pieces]


def _autre_piece(session: Session, cible: Cible, autre_id: int, champ: str) -> Piece:
    """Another piece of the same dossier of the lot, chosen in the field ``champ``."""
    autre = session.get(Piece, autre_id) if autre_id >= 0 else None
    if (
        autre is None
        or autre.lot_id != cible.lot.id
        or autre.id == cible.piece.id
        or autre.lot_dossier_index != cible.piece.lot_dossier_index
    ):
        raise ResolutionImpossible(
            "Choisissez une autre pièce du même dossier.",
            code="PIECE_CIBLE",
            details={champ: "autre pièce du même dossier à choisir"},
        )
    return autre


def qualifier(uow: UnitOfWork, acteur: Acteur, lot_id: int, piece_id: int, type_code: str) -> None:
    """Give the piece its type from the plan de classement: it becomes ``classee``."""
    type_ = TYPES_PAR_CODE.get(type_code)
    if type_ is None:
        raise ResolutionImpossible(
            "Choisissez un type du plan de classement.",
            code="TYPE_INCONNU",
            details={"type": "type à choisir"},
        )
    with uow:
        cible = _cible(uow.session, acteur, lot_id, piece_id)
        piece = cible.piece
        ancien = (piece.type, piece.statut)
        piece.type, piece.categorie, piece.sensible = type_.code, type_.categorie, type_.sensible
        piece.statut, piece.motif_rejet = "classee", None
        tracer_decision(
            uow.session,
            acteur,
            cible.lot,
            "piece_qualifiee",
            piece.demande_id,
            texte=f"Pièce qualifiée : {type_.libelle}.",
            piece=piece.id,
            type=type_.code,
            avant={"type": ancien[0], "statut": ancien[1]},
        )
        uow.commit()


def marquer(
    uow: UnitOfWork, acteur: Acteur, lot_id: int, piece_id: int, statut: str, motif: str
) -> None:
    """Mark the piece inexploitable, hors périmètre or obsolète with a reason (kept, not deleted)."""
    if statut not in MARQUES:
        raise ResolutionImpossible(
            "Choisissez inexploitable, hors périmètre ou obsolète.",
            code="STATUT_INCONNU",
            details={"statut": "statut à choisir"},
        )
    texte = " ".join(motif.split())
    if not texte:
        raise ResolutionImpossible(
            "Indiquez le motif.", code="MOTIF_REQUIS", details={"motif": "motif obligatoire"}
        )
    with uow:
        cible = _cible(uow.session, acteur, lot_id, piece_id)
        piece = cible.piece
        ancien = piece.statut
        piece.statut, piece.motif_rejet = statut, texte[:2000]
        tracer_decision(
            uow.session,
            acteur,
            cible.lot,
            "piece_marquee",
            piece.demande_id,
            texte=f"Pièce marquée {codes.libelle(codes.STATUT_PIECE, statut).lower()} : {texte}.",
            piece=piece.id,
            statut=codes.libelle(codes.STATUT_PIECE, statut),
            motif=piece.motif_rejet,
            avant=ancien,
        )
        uow.commit()


def _retirer_si_vide(session: Session, piece: Piece, pages: list[Any]) -> bool:
    """Remove a piece left without pages (they went to another piece); tell whether it was."""
    if pages:
        return False
    session.delete(piece)
    return True


def deplacer_page(
    uow: UnitOfWork,
    acteur: Acteur,
    store: FileStore,
    lot_id: int,
    piece_id: int,
    position: int,
    vers_id: int,
) -> None:
    """Move page ``position`` of a piece to the end of another piece of the same dossier."""
    with uow:
        session = uow.session
        cible = _cible(session, acteur, lot_id, piece_id)
        source = cible.piece
        vers = _autre_piece(session, cible, vers_id, "vers")
        pages, pages_vers = _avec_fichier(source), _avec_fichier(vers)
        k = _position(pages, position)
        sources = _sources(store, source, vers)
        reste = [(p, PageSource(0, i)) for i, p in enumerate(pages) if i != k]
        arrivee = [(p, PageSource(1, i)) for i, p in enumerate(pages_vers)]
        _reecrire(store, vers, sources, [*arrivee, (pages[k], PageSource(0, k))])
        retiree = _retirer_si_vide(session, source, reste)
        if not retiree:
            _reecrire(store, source, sources, reste)
        tracer_decision(
            session,
            acteur,
            cible.lot,
            "page_deplacee",
            source.demande_id,
            texte=f"Page {pages[k] + 1} du lot déplacée dans une autre pièce.",
            page=pages[k] + 1,
            de=piece_id,
            vers=vers_id,
            piece_retiree=retiree,
        )
        uow.commit()


def tourner(
    uow: UnitOfWork,
    acteur: Acteur,
    store: FileStore,
    lot_id: int,
    piece_id: int,
    position: int,
    rotation: int,
) -> None:
    """Turn page ``position`` of a piece clockwise by ``rotation`` degrees (90, 180 or 270)."""
    if rotation not in ROTATIONS[1:]:
        raise ResolutionImpossible(
            "Choisissez 90, 180 ou 270 degrés.",
            code="ROTATION_INCONNUE",
            details={"rotation": "angle à choisir"},
        )
    with uow:
        cible = _cible(uow.session, acteur, lot_id, piece_id)
        piece = cible.piece
        pages = _avec_fichier(piece)
        k = _position(pages, position)
        nouvelles = [(p, PageSource(0, i, rotation if i == k else 0)) for i, p in enumerate(pages)]
        _reecrire(store, piece, _sources(store, piece), nouvelles)
        tracer_decision(
            uow.session,
            acteur,
            cible.lot,
            "page_tournee",
            piece.demande_id,
            texte=f"Page {pages[k] + 1} du lot redressée.",
            piece=piece.id,
            page=pages[k] + 1,
            rotation=rotation,
        )
        uow.commit()


def scinder(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, piece_id: int, position: int
) -> int:
    """Split the piece before page ``position``: those pages become a new piece to qualify."""
    with uow:
        session = uow.session
        cible = _cible(session, acteur, lot_id, piece_id)
        piece = cible.piece
        pages = _avec_fichier(piece)
        k = _position(pages, position)
        if k == 0:
            raise ResolutionImpossible(
                "Une pièce se coupe avant sa deuxième page au plus tôt.",
                code="COUPE_IMPOSSIBLE",
                details={"position": "choisir une page après la première"},
            )
        sources = _sources(store, piece)
        suite = [(p, PageSource(0, i)) for i, p in enumerate(pages) if i >= k]
        fichier = stocker_pdf(store, recomposer(sources, [s for _, s in suite]))
        assert piece.lot_dossier_index is not None
        nouvelle = ajouter_piece(
            session,
            cible.lot,
            piece.lot_dossier_index,
            piece.demande_id,
            [p for p, _ in suite],
            fichier,
            "scission",
        )
        _reecrire(store, piece, sources, [(p, PageSource(0, i)) for i, p in enumerate(pages[:k])])
        tracer_decision(
            session,
            acteur,
            cible.lot,
            "piece_scindee",
            piece.demande_id,
            texte="Pièce coupée en deux.",
            piece=piece.id,
            nouvelle=nouvelle.id,
            pages=[p + 1 for p, _ in suite],
        )
        uow.commit()
        return nouvelle.id


def joindre(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, piece_id: int, autre_id: int
) -> None:
    """Append the pages of another piece of the same dossier to this one; the other is removed."""
    with uow:
        session = uow.session
        cible = _cible(session, acteur, lot_id, piece_id)
        piece = cible.piece
        autre = _autre_piece(session, cible, autre_id, "autre")
        pages, pages_autre = _avec_fichier(piece), _avec_fichier(autre)
        sources = _sources(store, piece, autre)
        _reecrire(
            store,
            piece,
            sources,
            [
                *((p, PageSource(0, i)) for i, p in enumerate(pages)),
                *((p, PageSource(1, i)) for i, p in enumerate(pages_autre)),
            ],
        )
        session.delete(autre)
        tracer_decision(
            session,
            acteur,
            cible.lot,
            "pieces_jointes",
            piece.demande_id,
            texte="Deux pièces réunies en une seule.",
            piece=piece.id,
            piece_retiree=autre_id,
            pages=[p + 1 for p in pages_autre],
        )
        uow.commit()
