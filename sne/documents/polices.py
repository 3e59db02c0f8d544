"""The fonts embedded in every printed document: DejaVu Sans, registered once with reportlab.

PDF readers substitute the 14 built-in fonts as they like, and those cover
Windows-1252 only; embedding a TrueType font (subset by reportlab, so a fiche
stays small) prints the same everywhere and covers names written in Latin
Extended, Greek or Cyrillic letters. DejaVu comes from Debian's
``fonts-dejavu-core`` package, installed by ``bin/bootstrap`` and the Dockerfile.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Where Debian (and most distributions) install DejaVu.
DOSSIERS: Final = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)

#: Names used by the documents, and their files.
FICHIERS: Final = {
    "SNE-Regulier": "DejaVuSans.ttf",
    "SNE-Gras": "DejaVuSans-Bold.ttf",
    "SNE-Oblique": "DejaVuSans-Oblique.ttf",
    "SNE-Mono": "DejaVuSansMono.ttf",
    "SNE-MonoGras": "DejaVuSansMono-Bold.ttf",
}

_verrou = threading.Lock()
_glyphes: frozenset[int] = frozenset()


class PoliceIntrouvable(RuntimeError):
    """The DejaVu fonts are not installed."""


def _chemin(fichier: str) -> Path:
    for dossier in DOSSIERS:
        chemin = dossier / fichier
        if chemin.is_file():
            return chemin
    cherches = ", ".join(str(d) for d in DOSSIERS)
    raise PoliceIntrouvable(
        f"Police {fichier} introuvable (cherchée dans {cherches}) : installez le paquet "
        "Debian fonts-dejavu-core (bin/bootstrap le fait)."
    )


def enregistrer() -> frozenset[int]:
    """Register the fonts with reportlab (once per process); return the code points they cover."""
    global _glyphes
    if _glyphes:  # the common case: no lock on the drawing path
        return _glyphes
    with _verrou:
        if not _glyphes:
            couverts: set[int] | None = None
            for nom, fichier in FICHIERS.items():
                police = TTFont(nom, str(_chemin(fichier)))
                pdfmetrics.registerFont(police)
                points = set(police.face.charToGlyph)
                couverts = points if couverts is None else couverts & points
            _glyphes = frozenset(couverts or ())
    return _glyphes
