"""Page thumbnails of a lot: drawn once from the original, kept in the file store, then only read.

``generer`` draws every missing thumbnail of a lot (a job or the command line
runs it after processing); ``vignette`` returns one, drawing and storing it
first when nobody did, so a page is never drawn twice. ``apercu_piece`` shows a
page of a piece as its file now is (after a turn or a move), drawn once per file.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from scanning.chirurgie import LARGEURS, vignettes
from sne.acteurs import Acteur
from sne.errors import NotFound
from sne.models import Lot, Piece
from sne.services.lots import charger_lot
from sne.services.resolution.commun import lot_a_resoudre
from sne.stockage import FileStore
from sne.uow import UnitOfWork

TAILLES = tuple(LARGEURS)


def cle(sha256: str, taille: str, index: int) -> str:
    """Where the thumbnail of page ``index`` of the lot file ``sha256`` is stored."""
    return f"vignettes/{sha256[:2]}/{sha256}/{taille}-{index:05d}.jpg"


def _dessiner(store: FileStore, lot: Lot, taille: str, indices: list[int]) -> dict[int, bytes]:
    """Draw the thumbnails ``indices`` of the lot and store them; return them."""
    dessins: dict[int, bytes] = {}
    if not indices:
        return dessins
    with (
        tempfile.TemporaryDirectory(prefix="sne-vignettes-") as travail,
        store.local_copy(lot.storage_key, Path(travail)) as original,
    ):
        for index, jpeg in vignettes(original, taille, indices):
            store.backend.write(cle(lot.sha256, taille, index), io.BytesIO(jpeg))
            dessins[index] = jpeg
    return dessins


def generer(uow: UnitOfWork, store: FileStore, lot_id: int, taille: str = "vignette") -> int:
    """Draw and store every missing thumbnail of the lot's pages; return how many were drawn."""
    with uow:
        lot = charger_lot(uow.session, lot_id)
        uow.session.expunge(lot)
    nombre = lot.pages_total or 0
    manquantes = [i for i in range(nombre) if not store.exists(cle(lot.sha256, taille, i))]
    return len(_dessiner(store, lot, taille, manquantes))


def vignette(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, index: int, taille: str
) -> bytes:
    """The JPEG thumbnail of page ``index`` of the lot, drawn and stored on first request."""
    if taille not in TAILLES:
        raise NotFound(f"Taille de vignette inconnue : {taille}.")
    with uow:
        lot = lot_a_resoudre(uow.session, acteur, lot_id)
        uow.session.expunge(lot)
    if not 0 <= index < (lot.pages_total or 0):
        raise NotFound(f"Le lot n° {lot_id} n'a pas de page {index + 1}.")
    try:
        return store.read_bytes(cle(lot.sha256, taille, index))
    except FileNotFoundError:
        return _dessiner(store, lot, taille, [index])[index]


def cle_piece(sha256: str, position: int) -> str:
    """Where the preview of page ``position`` of the piece file ``sha256`` is stored."""
    return f"vignettes/pieces/{sha256[:2]}/{sha256}/apercu-{position:04d}.jpg"


def apercu_piece(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, piece_id: int, position: int
) -> bytes:
    """The preview of a page of a piece as its file now is (turned, moved), drawn once per file."""
    with uow:
        lot_a_resoudre(uow.session, acteur, lot_id)
        piece = uow.session.get(Piece, piece_id)
        if piece is None or piece.lot_id != lot_id or piece.storage_key is None:
            raise NotFound(f"Le lot n° {lot_id} n'a pas de pièce n° {piece_id}.")
        if not 0 <= position < piece.pages:
            raise NotFound(f"La pièce n'a pas de page {position + 1}.")
        sha256, storage_key = piece.sha256, piece.storage_key
    cle_apercu = cle_piece(sha256, position)
    try:
        return store.read_bytes(cle_apercu)
    except FileNotFoundError:
        pass
    with (
        tempfile.TemporaryDirectory(prefix="sne-vignettes-") as travail,
        store.local_copy(storage_key, Path(travail)) as fichier,
    ):
        ((_, jpeg),) = vignettes(fichier, "apercu", [position])
    store.backend.write(cle_apercu, io.BytesIO(jpeg))
    return jpeg
