"""The file store on both backends: a local folder and a real S3-compatible server (SeaweedFS)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from sne.config import Settings
from sne.models import Lot, Piece
from sne.stockage import CHUNK, FileStore, LocalBackend, S3Backend, local_store, store_for
from tests.factories import deposer_envoi, nouvelle_chaine
from workers.jobs import traiter_lot


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    """The store on each backend, empty."""
    if request.param == "local":
        return local_store(tmp_path / "storage")
    settings: Settings = request.getfixturevalue("s3_settings")
    return store_for(settings)


class BrokenSource(io.RawIOBase):
    """A source that fails after a first chunk, as a dropped upload or a full disk would."""

    def __init__(self) -> None:
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.sent:
            raise OSError("lecture interrompue")
        self.sent = True
        buffer[:4] = b"%PDF"
        return 4


def test_put_stores_once_by_content_and_reads_back(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "Lot.PDF"
    source.write_bytes(b"%PDF-1.7 contenu du lot")
    first = store.put(source, folder="lots", extension="PDF")
    assert first.key == f"lots/{first.sha256}.pdf" and first.size == source.stat().st_size
    again = tmp_path / "copie.pdf"
    again.write_bytes(source.read_bytes())
    assert store.put(again, folder="lots", extension="pdf") == first
    assert store.exists(first.key)
    assert store.read_bytes(first.key) == source.read_bytes()


def test_sharded_keys_and_streamed_reads(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "piece.pdf"
    source.write_bytes(os.urandom(2 * CHUNK + 123))
    stored = store.put(source, folder="pieces", extension=".pdf", shard=True)
    assert stored.key == f"pieces/{stored.sha256[:2]}/{stored.sha256}.pdf"
    chunks = list(store.stream(stored.key))
    assert len(chunks) >= 2 and all(len(c) <= CHUNK for c in chunks)
    assert b"".join(chunks) == source.read_bytes()


def test_local_copy_hands_a_file_to_the_scanning_library(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "lot.pdf"
    source.write_bytes(b"%PDF-1.4 original")
    stored = store.put(source, folder="lots", extension="pdf")
    with store.local_copy(stored.key, tmp_path / "travail") as path:
        assert path.read_bytes() == source.read_bytes()
    # A downloaded copy is removed afterwards; the local backend hands its own file.
    assert path.exists() is isinstance(store.backend, LocalBackend)


def test_missing_keys(store: FileStore) -> None:
    assert not store.exists("pieces/00/absent.pdf")
    with pytest.raises(FileNotFoundError):
        store.read_bytes("pieces/00/absent.pdf")
    with pytest.raises(FileNotFoundError), store.local_copy("pieces/00/absent.pdf"):
        pass
    store.delete("pieces/00/absent.pdf")  # nothing to delete is not an error


def test_delete(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "piece.jpg"
    source.write_bytes(b"\xff\xd8\xff photo")
    stored = store.put(source, folder="pieces", extension="jpg", shard=True)
    store.delete(stored.key)
    assert not store.exists(stored.key)


def test_a_failed_write_leaves_nothing_behind(store: FileStore, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="lecture interrompue"):
        store.backend.write("lots/interrompu.pdf", io.BufferedReader(BrokenSource()))
    assert not store.exists("lots/interrompu.pdf")
    backend = store.backend
    if isinstance(backend, LocalBackend):
        assert [p for p in backend.root.rglob("*") if p.is_file()] == []  # no temporary file
    else:
        assert isinstance(backend, S3Backend)
        uploads = backend.client.list_multipart_uploads(Bucket=backend.bucket)
        assert uploads.get("Uploads", []) == []
        listed = backend.client.list_objects_v2(Bucket=backend.bucket, Prefix=backend.prefix)
        assert listed.get("KeyCount", 0) == 0


def test_stored_local_files_are_read_only(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    source = tmp_path / "lot.pdf"
    source.write_bytes(b"%PDF original")
    stored = store.put(source, folder="lots", extension="pdf")
    assert (tmp_path / stored.key).stat().st_mode & 0o222 == 0


def test_keys_cannot_leave_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="clé de stockage invalide"):
        local_store(tmp_path / "storage").exists("../secret_key")


@pytest.mark.s3
def test_a_batch_is_processed_with_every_file_in_the_object_store(
    s3_settings: Settings, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        s3_settings, database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}"
    )
    chaine = nouvelle_chaine(settings)
    store = chaine.ctx.store
    assert isinstance(store.backend, S3Backend)
    lot_id = deposer_envoi(chaine, tmp_path)
    assert traiter_lot(chaine.ctx, lot_id)["rattaches"] == 2
    with chaine.uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.statut == "traite"
        assert store.read_bytes(lot.storage_key).startswith(b"%PDF")
        pieces = unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all()
        assert len(pieces) == 3  # identity card, tax notice; pay slip
        for piece in pieces:
            assert piece.storage_key is not None
            contenu = store.read_bytes(piece.storage_key)
            assert hashlib.sha256(contenu).hexdigest() == piece.sha256
            assert len(contenu) == piece.taille
    # Nothing was written to the local folder but the (removed) working files.
    assert [p for p in settings.storage.rglob("*") if p.is_file()] == []
