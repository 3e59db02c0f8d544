"""The generator of scanned batches: reproducible, scan-like, truthful about what it wrote."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from PIL import Image

from scanning.qr_payload import decode, keyring_from_secrets
from synth.batch import SECRET_TEST, BatchSpec, GroundTruth, generate_batch, truth_path
from synth.pieces import MODELES, rendre_piece

KEYRING = keyring_from_secrets(SECRET_TEST)
PETIT = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), pieces_par_dossier=(1, 2), dpi=150)


def test_same_seed_same_batch_and_truth(tmp_path: Path) -> None:
    a = generate_batch(tmp_path / "a.pdf", PETIT, seed=7)
    b = generate_batch(tmp_path / "b.pdf", PETIT, seed=7)
    assert a.pages == b.pages and a.dossiers == b.dossiers
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert GroundTruth.read(truth_path(tmp_path / "a.pdf")).pages == a.pages


def test_every_page_is_one_jpeg_at_the_scan_resolution(tmp_path: Path) -> None:
    verite = generate_batch(tmp_path / "lot.pdf", PETIT, seed=1)
    with pikepdf.open(tmp_path / "lot.pdf") as pdf:
        assert len(pdf.pages) == len(verite.pages)
        for page in pdf.pages:
            [image] = page.obj.Resources.XObject.values()
            assert image.Filter == "/DCTDecode"
            largeur_pouces = float(page.mediabox[2]) / 72
            assert abs(int(image.Width) / largeur_pouces - 150) < 1


def test_separators_are_real_signed_codes_and_the_foreign_one_is_not_ours(tmp_path: Path) -> None:
    spec = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), cas=frozenset({"qr_etranger"}))
    verite = generate_batch(tmp_path / "lot.pdf", spec, seed=3, keyring=KEYRING)
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    with pikepdf.open(tmp_path / "lot.pdf") as pdf:
        for index, page in enumerate(verite.pages):
            if page["role"] not in ("bordereau", "fiche", "attestation", "etranger"):
                continue
            [objet] = pdf.pages[index].obj.Resources.XObject.values()
            image = Image.open(io.BytesIO(objet.read_raw_bytes()))
            textes = [c.text for c in zxingcpp.read_barcodes(image, formats=formats)]
            statuts = [decode(t, KEYRING).status for t in textes]
            attendu = "etranger" if page["role"] == "etranger" else "ok"
            assert attendu in statuts, (index, page["role"], statuts)


def test_every_type_has_a_distinct_first_page_and_plain_continuations() -> None:
    for code, modele in MODELES.items():
        pages = rendre_piece(code, 100, 0)
        assert len(pages) == modele.pages
        assert pages[0].size == (827, 1169)


@pytest.mark.parametrize("suffixe,bilevel", [(".tif", False), (".tif", True), (".pdf", True)])
def test_tiff_and_bilevel_variants(tmp_path: Path, suffixe: str, bilevel: bool) -> None:
    spec = BatchSpec(envois=1, dossiers_par_envoi=(1, 1), demandeurs=0, bilevel=bilevel)
    verite = generate_batch(tmp_path / f"lot{suffixe}", spec, seed=2)
    if suffixe == ".tif":
        with Image.open(tmp_path / "lot.tif") as tiff:
            assert tiff.n_frames == len(verite.pages)
            assert tiff.mode == ("1" if bilevel else "L")
    else:
        with pikepdf.open(tmp_path / "lot.pdf") as pdf:
            [objet] = pdf.pages[0].obj.Resources.XObject.values()
            assert list(objet.Filter) == ["/CCITTFaxDecode"]


def test_unknown_case_is_refused() -> None:
    with pytest.raises(ValueError, match="cas inconnus"):
        BatchSpec(cas=frozenset({"inexistant"}))
