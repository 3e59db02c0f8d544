"""Reading batches page by page, and every kind of bad file giving a precise French error."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import img2pdf
import pikepdf
import pytest
from PIL import Image

from scanning.errors import ScanError
from scanning.manifest import Role
from scanning.pages import BatchReader, format_de
from scanning.qr_payload import keyring_from_secrets
from scanning.split import split_batch
from sne.documents.data import FicheData, GuichetData
from sne.documents.fiche import render_fiche
from synth.batch import SECRET_TEST, BatchSpec, generate_batch

KEYRING = keyring_from_secrets(SECRET_TEST)
PETIT = BatchSpec(envois=1, dossiers_par_envoi=(1, 1), pieces_par_dossier=(1, 1), demandeurs=0)


@pytest.fixture(scope="module")
def lot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("lot") / "lot.pdf"
    generate_batch(chemin, PETIT, seed=11, keyring=KEYRING)
    return chemin


def _empreinte(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _split_inchange(path: Path):  # type: ignore[no-untyped-def]
    avant = _empreinte(path)
    manifest = split_batch(path, KEYRING)
    assert _empreinte(path) == avant, "the original file must never be modified"
    assert sum(manifest.role_counts().values()) == manifest.page_count
    return manifest


def test_jpeg_pages_are_read_at_reduced_scale(lot: Path) -> None:
    with BatchReader(lot) as reader:
        pages = list(reader.pages(100))
        complete = reader.page(0, None)
    assert all(p.methode == "jpeg" and p.image is not None for p in pages)
    assert all(abs(p.dpi - 100) < 1 for p in pages)
    assert complete.image is not None and complete.image.width == 1654


def test_corrupt_pdf(tmp_path: Path) -> None:
    chemin = tmp_path / "corrupt.pdf"
    chemin.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    manifest = _split_inchange(chemin)
    assert manifest.page_count == 0
    assert manifest.error is not None and "endommagé" in manifest.error


def test_truncated_pdf_accounts_for_every_page_it_can_see(tmp_path: Path, lot: Path) -> None:
    chemin = tmp_path / "truncated.pdf"
    donnees = lot.read_bytes()
    chemin.write_bytes(donnees[: len(donnees) * 2 // 3])
    manifest = _split_inchange(chemin)
    # qpdf rebuilds what it can: either the file is refused with a reason, or the pages
    # it lists are all accounted for, the lost ones as unreadable.
    if manifest.error is None:
        assert manifest.page_count >= 1
        assert any(r.role is Role.ILLISIBLE for r in manifest.pages) or any(
            a.code.startswith("pages_") or a.code.startswith("separateur")
            for a in manifest.anomalies
        )
    else:
        assert manifest.page_count == 0


def test_encrypted_pdf(tmp_path: Path, lot: Path) -> None:
    chemin = tmp_path / "encrypted.pdf"
    with pikepdf.open(lot) as pdf:
        pdf.save(chemin, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    manifest = _split_inchange(chemin)
    assert manifest.error is not None and "mot de passe" in manifest.error


def test_zero_page_pdf(tmp_path: Path) -> None:
    chemin = tmp_path / "zero_pages.pdf"
    generate_batch(chemin, BatchSpec(cas=frozenset({"lot_vide"})), seed=1)
    manifest = _split_inchange(chemin)
    assert manifest.page_count == 0 and manifest.error is None
    assert [a.code for a in manifest.anomalies] == ["lot_vide"]


def test_not_a_pdf_nor_a_tiff(tmp_path: Path) -> None:
    chemin = tmp_path / "lot.pdf"
    chemin.write_text("ceci n'est pas un PDF", encoding="utf-8")
    with pytest.raises(ScanError) as erreur:
        format_de(chemin)
    assert erreur.value.code == "format_inconnu"
    assert split_batch(chemin, KEYRING).error == erreur.value.message


def test_decompression_bomb_page_is_refused_before_decoding(tmp_path: Path, lot: Path) -> None:
    chemin = tmp_path / "bomb.pdf"
    with pikepdf.open(lot) as pdf:
        bombe = pikepdf.Stream(pdf, b"\x78\x9c" + b"\x00" * 64)
        bombe.Type, bombe.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        bombe.Width, bombe.Height = 200_000, 200_000
        bombe.ColorSpace, bombe.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        bombe.Filter = pikepdf.Name.FlateDecode
        page = pdf.pages[2]  # a piece page of the first dossier
        [nom] = list(page.obj.Resources.XObject.keys())
        page.obj.Resources.XObject[nom] = bombe
        pdf.save(chemin)
    manifest = _split_inchange(chemin)
    assert manifest.pages[2].role is Role.ILLISIBLE
    assert "millions de pixels" in manifest.pages[2].note
    assert manifest.dossiers[0].status.value == "revue_manuelle"


def test_born_digital_fiche_is_rendered_and_splits(tmp_path: Path, lot: Path) -> None:
    fiche = render_fiche(
        FicheData(
            "MARTIN",
            "Claire",
            date(1980, 1, 2),
            "0130326000042G1301",
            1,
            2,
            date(2026, 3, 16),
            GuichetData("G1301", "Agence Nord"),
        ),
        KEYRING,
    )
    chemin = tmp_path / "born_digital.pdf"
    with pikepdf.open(io.BytesIO(fiche)) as numerique, pikepdf.open(lot) as scan:
        numerique.pages.append(scan.pages[-1])
        numerique.save(chemin)
    manifest = _split_inchange(chemin)
    assert [r.role for r in manifest.pages] == [Role.FICHE, Role.PIECE]
    assert manifest.dossiers[0].numero == "0130326000042G1301"
    assert manifest.dossiers[0].status.value == "ok"


def test_mixed_page_sizes(tmp_path: Path, lot: Path) -> None:
    chemin = tmp_path / "mixed_sizes.pdf"
    with pikepdf.open(lot) as pdf:
        images = [pdf.pages[i].obj.Resources.XObject.values() for i in range(len(pdf.pages))]
        jpegs = [next(iter(v)).read_raw_bytes() for v in images]
    petite = io.BytesIO()
    Image.new("L", (874, 1240), 250).save(petite, "JPEG", dpi=(150, 150))  # an A5 receipt
    chemin.write_bytes(img2pdf.convert([*jpegs, petite.getvalue()]))
    manifest = _split_inchange(chemin)
    assert manifest.pages[-1].role is Role.BLANCHE
    assert manifest.dossiers[0].status.value == "ok"


@pytest.mark.parametrize("nom", ["ccitt.pdf", "lot.tif", "ccitt.tif"])
def test_ccitt_and_tiff_batches_split_like_jpeg_ones(tmp_path: Path, nom: str) -> None:
    spec = BatchSpec(
        envois=1,
        dossiers_par_envoi=(2, 2),
        pieces_par_dossier=(1, 1),
        demandeurs=0,
        bilevel=nom.startswith("ccitt"),
    )
    verite = generate_batch(tmp_path / nom, spec, seed=5, keyring=KEYRING)
    manifest = _split_inchange(tmp_path / nom)
    assert [r.role.value for r in manifest.pages] == verite.roles()
    assert [list(d.pages) for d in manifest.dossiers] == [d["pages"] for d in verite.dossiers]
