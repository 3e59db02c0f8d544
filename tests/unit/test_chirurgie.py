"""Rebuilding piece PDFs from pages and drawing thumbnails (scanning.chirurgie), on real files."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from scanning.chirurgie import LARGEURS, PageSource, nombre_de_pages, recomposer, vignette_jpeg


def _pdf(largeurs: list[int]) -> bytes:
    """A PDF whose pages are told apart by their width in points."""
    with pikepdf.new() as pdf:
        for largeur in largeurs:
            pdf.add_blank_page(page_size=(largeur, 842))
        tampon = io.BytesIO()
        pdf.save(tampon)
        return tampon.getvalue()


def _pages(contenu: bytes) -> list[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(contenu)) as pdf:
        return [(int(p.mediabox[2]), int(p.obj.get("/Rotate", 0)) % 360) for p in pdf.pages]


def test_pages_are_taken_from_several_sources_in_order_and_turned() -> None:
    a, b = _pdf([500, 501, 502]), _pdf([600])
    resultat = recomposer([a, b], [PageSource(0, 2), PageSource(1, 0, 90), PageSource(0, 0)])
    assert _pages(resultat) == [(502, 0), (600, 90), (500, 0)]
    assert nombre_de_pages(resultat) == 3
    # Turning adds to the page's own rotation.
    assert _pages(recomposer([resultat], [PageSource(0, 1, 270)])) == [(600, 0)]


def test_a_rotation_other_than_a_quarter_turn_is_refused() -> None:
    with pytest.raises(ValueError):
        recomposer([_pdf([500])], [PageSource(0, 0, 45)])


def test_thumbnails_are_small_jpegs_and_an_unreadable_page_is_a_grey_sheet() -> None:
    image = Image.new("L", (1654, 2339), 255)
    for taille, largeur in LARGEURS.items():
        with Image.open(io.BytesIO(vignette_jpeg(image, taille))) as vignette:
            assert vignette.format == "JPEG" and vignette.width == largeur
            assert abs(vignette.height - round(largeur * 2339 / 1654)) <= 1
    with Image.open(io.BytesIO(vignette_jpeg(None, "vignette"))) as grise:
        assert (
            grise.width == LARGEURS["vignette"] and abs(grise.getpixel((5, 5)) - 200) <= 3
        )  # JPEG
