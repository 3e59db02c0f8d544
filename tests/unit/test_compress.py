"""The recompression ladder: pieces brought under their limit, or given up with a French reason."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageChops

from scanning import compress
from synth.pieces import rendre_piece
from tests.scans import scan_pdf


def _empreinte(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_small_piece_is_kept_as_scanned(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "d.pdf", ["quittance_loyer"])
    resultat = compress.recompresser(pdf, [0])
    assert resultat.etapes == ("conserver",)
    assert resultat.donnees is not None and resultat.taille == resultat.taille_originale


def test_large_piece_goes_down_the_ladder_until_it_fits(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "d.pdf", ["bail", "avis_imposition"], dpi=300, qualite=95)
    avant = _empreinte(pdf)
    limite = 800_000
    resultat = compress.recompresser(pdf, range(5), limite)
    assert resultat.taille_originale > limite
    assert resultat.donnees is not None and len(resultat.donnees) == resultat.taille <= limite
    assert resultat.etapes[0] == "jpeg_150dpi_q60" and len(resultat.etapes) >= 2
    with pikepdf.open(io.BytesIO(resultat.donnees)) as sortie:
        assert len(sortie.pages) == 5
        largeur_pt = float(sortie.pages[0].mediabox[2])
    assert largeur_pt == pytest.approx(595, abs=3)  # still A4
    assert _empreinte(pdf) == avant  # the original is untouched


def test_piece_that_cannot_fit_is_given_up_in_french(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "d.pdf", ["bulletin_salaire"])
    resultat = compress.recompresser(pdf, [0], 20_000)
    assert resultat.donnees is None
    assert resultat.etapes == tuple(e.nom for e in compress.ECHELLE)
    assert resultat.motif is not None and "dépasse la limite de 20 Ko" in resultat.motif
    assert "même compressée au maximum" in resultat.motif


def test_piece_that_would_become_unreadable_is_given_up(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "d.pdf", ["bulletin_salaire"], qualite=95)
    vues: list[float] = []

    def jamais_lisible(image: Image.Image, dpi: float) -> bool:
        vues.append(dpi)
        return False

    resultat = compress.recompresser(pdf, [0], 400_000, lisible=jamais_lisible)
    assert resultat.donnees is None and vues
    assert resultat.motif is not None and "illisible" in resultat.motif


def test_one_bit_step_keeps_text_black_on_white() -> None:
    page = rendre_piece("quittance_loyer", 200, 0)[0]
    encodee = compress.encoder_page(page, 200, compress.ECHELLE[-1])
    image = Image.open(io.BytesIO(encodee))
    assert image.mode == "1" and image.info["compression"] == "group4"
    assert image.width == round(page.width * 300 / 200)
    assert len(encodee) < 120_000


def test_upside_down_page_is_turned_when_reencoded(tmp_path: Path) -> None:
    vues: list[Image.Image] = []

    def garder(image: Image.Image, dpi: float) -> bool:
        vues.append(image)
        return True

    droit = scan_pdf(tmp_path / "droit.pdf", ["quittance_loyer"], qualite=95)
    envers = scan_pdf(
        tmp_path / "envers.pdf", ["quittance_loyer"], qualite=95, envers=frozenset({0})
    )
    compress.recompresser(droit, [0], 150_000, lisible=garder)
    compress.recompresser(envers, [0], 150_000, lisible=garder, rotations={0: 180})
    reference, tournee = vues

    def ecart(a: Image.Image, b: Image.Image) -> float:
        return float(np.asarray(ImageChops.difference(a, b), dtype=np.float64).mean())

    assert ecart(tournee, reference) < ecart(tournee.rotate(180), reference)


def test_a_rebuilt_piece_given_as_bytes_goes_down_the_ladder_too(tmp_path: Path) -> None:
    chemin = scan_pdf(tmp_path / "piece.pdf", ["bail", "avis_imposition"], dpi=300, qualite=95)
    pdf = chemin.read_bytes()
    assert compress.recompresser_octets(pdf, len(pdf)).donnees == pdf  # fits: kept as is
    resultat = compress.recompresser_octets(pdf, 800_000)
    assert len(pdf) > 800_000 and resultat.donnees is not None
    assert len(resultat.donnees) <= 800_000 and resultat.etapes[0] != "conserver"
