"""Turn sideways pages upright: which quarter turn a page needs, asked of tesseract only when needed.

The splitter's blank test already says, for free, which pages look like text
lying sideways (``blank.Mesure.de_travers``); only those are shown to
tesseract's orientation detection (``--psm 0``), all in one run, on the middle
of the page at the first pass's resolution (about half a second a page, where
OCR of a sideways page took seven). Separators need none of this: their QR code
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
#: Share of each side cut off before detection (margins, lid shadow, punch holes).
MARGE = 1 / 6
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

    One tesseract run for all; tesseract stops a whole run at a page with too few
    characters, so after a failed run each page is asked alone. Without tesseract
    every page keeps 0.
    """
    if not images:
        return []
    milieux = []
    for image in images:
        largeur, hauteur = image.size
        dx, dy = int(largeur * MARGE), int(hauteur * MARGE)
        milieux.append(image.crop((dx, dy, largeur - dx, hauteur - dy)))
    try:
        sortie = ocr.executer(milieux, ["--psm", "0", "--dpi", str(round(dpi))], round(dpi))
    except ScanError:
        if len(images) == 1 or not ocr.tesseract_disponible():
            return [0] * len(images)
        return [rotation for image in images for rotation in rotations([image], dpi)]
    resultat = [0] * len(images)  # a page tesseract could not judge keeps 0
    for page, tourner, confiance in _RESULTAT.findall(sortie):
        if int(page) < len(images) and float(confiance) >= CONFIANCE_MIN:
            # tesseract's "Rotate" turns counter-clockwise; a PDF's /Rotate turns clockwise.
            resultat[int(page)] = (360 - int(tourner)) % 360
    return resultat
