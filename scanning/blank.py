"""Tell blank pages (the backs of single-sided sheets in a duplex scan) from pages with content.

A page is blank when, inside its margins, almost no pixel is clearly darker
than the paper. The margins are left out because that is where scanners put
their dark lid edge and where punch holes are; "clearly darker" is measured
from the page's own paper tone, so grey recycled paper, scanner noise and the
faint mirror image of the recto bleeding through do not count as ink.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

#: Share of each side cut off before looking for ink.
MARGE = 0.07
#: Grey levels below the paper tone for a pixel to count as ink.
ECART_ENCRE = 70
#: Largest share of ink pixels on a blank page (about 30 specks of dust at 50 dpi).
PART_ENCRE_MAX = 0.0015


@dataclass(frozen=True)
class Mesure:
    """The blank test's figures for one page, kept in the manifest's notes when useful."""

    blanche: bool
    encre: float  # share of ink pixels inside the margins
    papier: int  # paper tone (median grey level)


def mesurer(image: Image.Image) -> Mesure:
    """Measure ``image`` (greyscale, any resolution) at about 50 dpi."""
    facteur = max(1, image.width // 420)  # an A4 page becomes about 420 pixels wide
    petite = image.reduce(facteur) if facteur > 1 else image
    largeur, hauteur = petite.size
    dx, dy = int(largeur * MARGE), int(hauteur * MARGE)
    pixels = np.asarray(petite)[dy : hauteur - dy, dx : largeur - dx]
    if pixels.size == 0:
        return Mesure(True, 0.0, 255)
    # The paper tone from one pixel in sixteen: a median needs no more, and it is the
    # costliest step of the test.
    papier = int(np.median(pixels[::4, ::4]))
    seuil = papier - ECART_ENCRE
    encre = float(np.count_nonzero(pixels < seuil)) / pixels.size if seuil > 0 else 0.0
    return Mesure(encre <= PART_ENCRE_MAX, encre, papier)
