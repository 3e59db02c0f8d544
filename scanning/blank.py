"""Tell blank pages (the backs of single-sided sheets in a duplex scan) from pages with content.

A page is blank when, inside its margins, almost no pixel is clearly darker
than the paper. The margins are left out because that is where scanners put
their dark lid edge and where punch holes are; "clearly darker" is measured
from the page's own paper tone, so grey recycled paper, scanner noise and the
faint mirror image of the recto bleeding through do not count as ink.

The same small image tells, for nearly nothing, whether a page of text lies
sideways: text lines leave empty rows between them, and on a page turned by a
quarter those empty lines become columns. A QR code seen through the paper is
judged by ``mesurer(image, hors=boxes)``: the page is blank once its codes are
left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

#: Share of each side cut off before looking for ink.
MARGE = 0.07
#: Grey levels below the paper tone for a pixel to count as ink.
ECART_ENCRE = 70
#: Largest share of ink pixels on a blank page (about 30 specks of dust at 50 dpi).
PART_ENCRE_MAX = 0.0015
#: A page lies sideways when its share of empty columns exceeds its share of empty rows by this.
ECART_TRAVERS = 0.02
#: Part of each code's box added around it when a code is left out (its quiet zone).
MARGE_CODE = 0.15

Boite = tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels


@dataclass(frozen=True)
class Mesure:
    """The blank test's figures for one page, kept in the manifest's notes when useful."""

    blanche: bool
    encre: float  # share of ink pixels inside the margins
    papier: int  # paper tone (median grey level)
    lignes_vides: float = 0.0  # share of rows without ink between the first and last inked one
    colonnes_vides: float = 0.0  # the same for columns

    @property
    def de_travers(self) -> bool:
        """Whether the page looks like text turned by a quarter (empty columns, not rows)."""
        return not self.blanche and self.colonnes_vides > self.lignes_vides + ECART_TRAVERS


def mesurer(image: Image.Image, hors: Sequence[Boite] = ()) -> Mesure:
    """Measure ``image`` (greyscale, any resolution) at about 50 dpi, leaving out the ``hors`` boxes."""
    facteur = max(1, min(image.size) // 420)  # an A4 page becomes about 420 pixels wide
    petite = image.reduce(facteur) if facteur > 1 else image
    largeur, hauteur = petite.size
    dx, dy = int(largeur * MARGE), int(hauteur * MARGE)
    pixels = np.asarray(petite)
    if pixels[dy : hauteur - dy, dx : largeur - dx].size == 0:
        return Mesure(True, 0.0, 255)
    # The paper tone from one pixel in sixteen: a median needs no more, and it is the
    # costliest step of the test.
    papier = int(np.median(pixels[dy : hauteur - dy : 4, dx : largeur - dx : 4]))
    if hors:
        pixels = pixels.copy()
        for gauche, haut, droite, bas in hors:
            marge = int(MARGE_CODE * max(droite - gauche, bas - haut))
            pixels[
                max(0, (haut - marge) // facteur) : (bas + marge) // facteur + 1,
                max(0, (gauche - marge) // facteur) : (droite + marge) // facteur + 1,
            ] = papier
    pixels = pixels[dy : hauteur - dy, dx : largeur - dx]
    seuil = papier - ECART_ENCRE
    if seuil <= 0:
        return Mesure(True, 0.0, papier)
    encre = pixels < seuil
    part = float(np.count_nonzero(encre)) / pixels.size
    if part <= PART_ENCRE_MAX:
        return Mesure(True, part, papier)
    lignes, colonnes = np.any(encre, axis=1), np.any(encre, axis=0)
    return Mesure(False, part, papier, _part_vide(lignes), _part_vide(colonnes))


def _part_vide(encrees: np.typing.NDArray[np.bool_]) -> float:
    """Share of False between the first and the last True of ``encrees``."""
    indices = np.flatnonzero(encrees)
    if indices.size < 2:
        return 0.0
    return 1.0 - indices.size / float(indices[-1] - indices[0] + 1)
