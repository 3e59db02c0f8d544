"""Byte work an operator's fixes need: rebuild piece PDFs from pages, and draw page thumbnails.

``recomposer`` is the one PDF operation behind every fix of a wrong cut (move a
page, rotate it, split or join pieces): it copies page objects with pikepdf, so
scanned images are reused byte for byte and only ``/Rotate`` changes.
``vignettes`` reads a batch page by page at a low resolution (``BatchReader``)
and yields small JPEG images; nothing here knows the database.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

from scanning.pages import BatchReader

#: Thumbnail widths in pixels: the lot's page grid, and the page read while deciding.
LARGEURS = {"vignette": 120, "apercu": 560}
#: Resolution each size is read at (an A4 page is 8.27 inches wide), a little above the width.
DPI = {"vignette": 18.0, "apercu": 72.0}
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class PageSource:
    """One page of the result: page ``page`` of source ``source``, turned by ``rotation``."""

    source: int
    page: int
    rotation: int = 0  # clockwise degrees added to the page's own


def nombre_de_pages(pdf: bytes) -> int:
    """Count the pages of a PDF given as bytes."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def recomposer(sources: Sequence[bytes], pages: Iterable[PageSource]) -> bytes:
    """Build a PDF of ``pages`` taken from ``sources`` (PDF bytes), in order; return its bytes."""
    ouverts = [pikepdf.open(io.BytesIO(contenu)) for contenu in sources]
    try:
        with pikepdf.new() as sortie:
            for choix in pages:
                if choix.rotation not in ROTATIONS:
                    raise ValueError(f"rotation impossible : {choix.rotation}")
                sortie.pages.append(ouverts[choix.source].pages[choix.page])
                if choix.rotation:
                    sortie.pages[-1].rotate(choix.rotation, relative=True)
            tampon = io.BytesIO()
            sortie.save(tampon)
            return tampon.getvalue()
    finally:
        for document in ouverts:
            document.close()


def vignette_jpeg(image: Image.Image | None, taille: str) -> bytes:
    """A JPEG of ``image`` at most ``LARGEURS[taille]`` wide (a grey sheet for an unreadable page)."""
    largeur = LARGEURS[taille]
    if image is None:
        image = Image.new("L", (largeur, round(largeur * 1.414)), 200)
    image = image.convert("L")
    if image.width > largeur:
        image = image.resize((largeur, max(1, round(image.height * largeur / image.width))))
    tampon = io.BytesIO()
    image.save(tampon, "JPEG", quality=70, optimize=True)
    return tampon.getvalue()


def vignettes(
    batch: Path, taille: str = "vignette", indices: Iterable[int] | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(index, jpeg)`` for the pages ``indices`` of ``batch`` (all of them by default)."""
    with BatchReader(batch) as reader:
        for index in range(reader.page_count) if indices is None else indices:
            yield index, vignette_jpeg(reader.page(index, dpi=DPI[taille]).image, taille)
