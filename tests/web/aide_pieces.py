"""Helpers shared by the pieces, envois and deposits tests: accounts, stored pieces, bad files."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pikepdf
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from sne.models import Demande, Piece, Utilisateur
from sne.services import referentiel
from sne.stockage import FileStore, local_store
from sne.uow import utcnow
from tests.factories import ADMIN, Referentiel, pdf_valide
from tests.web.conftest import MOT_DE_PASSE


def consultants(ref: Referentiel) -> None:
    """Add a consultant of each lower level to the territory (the referential has the highest)."""
    for login, role in (("liste13", "consultant_liste"), ("standard13", "consultant_standard")):
        referentiel.creer_utilisateur(
            ref.uow(),
            ADMIN,
            login=login,
            nom="Test",
            prenom=role,
            role=role,
            mot_de_passe=MOT_DE_PASSE,
            territoire=ref.territoire,
        )
    sans_changement(ref)


def sans_changement(ref: Referentiel) -> None:
    """Let every account sign in without the forced password change."""
    with ref.uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()


def store_de(tmp_var: Path) -> FileStore:
    """The file store of the test portal (its settings' folder)."""
    return local_store(tmp_var / "storage")


def piece_stockee(
    ref: Referentiel,
    store: FileStore,
    numero: str,
    type_piece: str,
    tmp_path: Path,
    *,
    sensible: bool,
) -> int:
    """Store a one-page PDF and record it as a piece of ``numero``; return its id."""
    fichier = pdf_valide(tmp_path / f"{type_piece}.pdf")
    stocke = store.put(fichier, folder="pieces", extension="pdf", shard=True)
    with ref.uow() as unit:
        demande = unit.session.scalar(select(Demande).where(Demande.numero == numero))
        assert demande is not None
        piece = Piece(
            demande_id=demande.id,
            type=type_piece,
            categorie=None,
            pages=1,
            taille=stocke.size,
            sha256=hashlib.sha256(fichier.read_bytes()).hexdigest(),
            canal="courrier_guichet",
            statut="classee",
            sensible=sensible,
            storage_key=stocke.key,
            created_at=utcnow(),
        )
        unit.session.add(piece)
        unit.session.flush()
        piece_id = piece.id
        unit.commit()
    return piece_id


def pdf_chiffre(path: Path) -> Path:
    """A PDF protected by a password."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path, encryption=pikepdf.Encryption(owner="proprietaire", user="secret"))
    return path


def pdf_tronque(path: Path, pages: int = 3) -> Path:
    """A PDF cut in the middle (as an interrupted copy leaves it)."""
    entier = pdf_valide(path.with_suffix(".entier.pdf"), pages).read_bytes()
    path.write_bytes(entier[: len(entier) // 2])
    return path


def poster_fichiers(client: FlaskClient, adresse: str, data: Mapping[str, object]) -> Any:
    """Post a multipart form from bytes in memory.

    The test client would spool a large body to a temporary file it never closes
    (a ``ResourceWarning``, an error under ``-W error``); encoded here, it stays in memory.
    """
    valeurs = {
        cle: FileStorage(stream=v[0], filename=v[1]) if isinstance(v, tuple) else v
        for cle, v in data.items()
    }
    limite, corps = encode_multipart(valeurs)
    return client.post(adresse, data=corps, content_type=f"multipart/form-data; boundary={limite}")
