"""Turn sideways pages upright: which quarter turn a page needs, asked of tesseract only when needed.

The splitter's blank test already says, for free, which pages look like text
lying sideways (``blank.Mesure.de_travers``); only those are shown to
tesseract's orientation detection (``--psm 0``), all in one run, on the middle
of the page at 150 dpi or more (well under a second a page, where OCR of a
sideways page took seven). Separators need none of this: their QR code
gives their orientation. A page whose detection is unsure keeps no rotation;
the piece reader still turns pages that read like text upside down.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PIL import Image

from scanning import ocr
from scanning.errors import ScanError

#: Least orientation confidence tesseract must give for a page to be turned.
CONFIANCE_MIN = 0.5
#: Least resolution pages are shown to the detection at: the same pages reduced from 150
#: to 100 dpi came out turned the wrong way, with confidence.
DPI_DETECTION = 150
#: Share of each side cut off before detection: first the middle fifth of the page (a
#: second a page where two thirds took four, as right on every page tried), then two
#: thirds for pages the middle could not settle (too few words there).
MARGES = (0.4, 1 / 6)
_RESULTAT = re.compile(
    r"Page number: (\d+)\s+Orientation in degrees: \d+\s+Rotate: (\d+)\s+"
    r"Orientation confidence: ([\d.]+)"
)


def redresser(image: Image.Image, rotation: int) -> Image.Image:
    """Return ``image`` turned clockwise by ``rotation`` degrees (as a PDF page's /Rotate)."""
    if rotation % 360 == 0:
        return image
    return image.rotate(-rotation, expand=True)


def rotations(images: Sequence[Image.Image], dpi: float) -> list[int]:
    """Clockwise quarter turns (0, 90, 180, 270) making each image upright; 0 when unsure.

    The middle of each page first, all in one tesseract run; pages it could not
    judge are shown again with more of the page. Without tesseract every page keeps 0.
    """
    resultat: list[int | None] = [None] * len(images)
    for marge in MARGES:
        a_faire = [i for i, r in enumerate(resultat) if r is None]
        if not a_faire:
            break
        milieux = [_milieu(images[i], marge) for i in a_faire]
        for i, rotation in zip(a_faire, _detecter(milieux, dpi), strict=True):
            resultat[i] = rotation
    return [r or 0 for r in resultat]


def _milieu(image: Image.Image, marge: float) -> Image.Image:
    """The page without ``marge`` of each side."""
    largeur, hauteur = image.size
    dx, dy = int(largeur * marge), int(hauteur * marge)
    return image.crop((dx, dy, largeur - dx, hauteur - dy))


def _detecter(images: Sequence[Image.Image], dpi: float) -> list[int | None]:
    """One tesseract orientation run; None for a page it could not judge with confidence.

    tesseract stops a whole run at a page with too few characters: after a failed
    run each page is asked alone.
    """
    if not images or not ocr.tesseract_disponible():
        return [None] * len(images)
    try:
        sortie = ocr.executer(images, ["--psm", "0", "--dpi", str(round(dpi))], round(dpi))
    except ScanError:
        if len(images) == 1:
            return [None]
        return [rotation for image in images for rotation in _detecter([image], dpi)]
    resultat: list[int | None] = [None] * len(images)
    for page, tourner, confiance in _RESULTAT.findall(sortie):
        if int(page) < len(images) and float(confiance) >= CONFIANCE_MIN:
            # tesseract's "Rotate" is, like a PDF's /Rotate, the clockwise turn that rights it.
            resultat[int(page)] = int(tourner) % 360
    return resultat
