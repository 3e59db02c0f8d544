"""Bring a piece under its size limit by recompressing its pages down a ladder of settings.

The first step keeps the scanned pages as they are (copied, not decoded). When
the piece is too large, each following step re-encodes every page, smaller
each time: JPEG at 150 dpi quality 60, then 45, 120 dpi quality 45, 100 dpi
quality 40, and last 1-bit CCITT G4 at 300 dpi (text pages compress best that
way, photos worst). Pages are decoded with Pillow's draft mode (the JPEG
decoder itself skips the detail) and wrapped in a PDF by img2pdf, which embeds
the encoded frames as they are: about 25 ms a page. After each step the
assembled size is checked, then readability on the first page (a callback,
usually OCR: the heading's keywords or the OCR confidence must not collapse).
The first step that fits and stays readable wins; when none does, the piece is
given up with a French reason. Pages found upside down are turned (by ``/Rotate`` when kept, in the pixels
when re-encoded). The source PDF is only read.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from scanning.errors import ScanError
from scanning.pages import BatchReader

#: Size limit of one piece (public portal and storage): 2 MB.
LIMITE_PIECE = 2_000_000
#: Size limit of a dossier deposited by a guichet: 18 MB.
LIMITE_DOSSIER = 18_000_000
#: Grey level under which a pixel is ink when a page is made 1-bit.
SEUIL_NOIR = 150

#: Tells whether a recompressed first page (image, dpi) can still be read.
Lisibilite = Callable[[Image.Image, float], bool]


@dataclass(frozen=True)
class Etape:
    """One rung of the ladder: name, target resolution and JPEG quality (None: 1-bit G4)."""

    nom: str
    dpi: int
    qualite: int | None


ECHELLE: tuple[Etape, ...] = (
    Etape("jpeg_150dpi_q60", 150, 60),
    Etape("jpeg_150dpi_q45", 150, 45),
    Etape("jpeg_120dpi_q45", 120, 45),
    Etape("jpeg_100dpi_q40", 100, 40),
    Etape("g4_300dpi", 300, None),
)


@dataclass(frozen=True)
class Compression:
    """Outcome for a piece: the PDF bytes (None when given up), sizes, steps and reason."""

    donnees: bytes | None
    taille_originale: int
    taille: int
    etapes: tuple[str, ...]  # every step tried, the last one is the one kept when it fits
    motif: str | None = None  # French, when given up


def copier_pages(
    pdf: Path, pages: Sequence[int], rotations: Mapping[int, int] | None = None
) -> bytes:
    """Return a PDF made of ``pages`` of ``pdf``, copied untouched (only turned if asked)."""
    rotations = rotations or {}
    with pikepdf.open(pdf) as source, pikepdf.new() as sortie:
        for index in pages:
            sortie.pages.append(source.pages[index])
            if rotations.get(index):
                sortie.pages[-1].rotate(rotations[index], relative=True)
        tampon = io.BytesIO()
        sortie.save(tampon, compress_streams=True)
    return tampon.getvalue()


def encoder_page(image: Image.Image, dpi: float, etape: Etape) -> bytes:
    """Encode one greyscale page at ``etape``'s resolution and quality (JPEG or TIFF G4)."""
    cible = etape.dpi if etape.qualite is None else min(float(etape.dpi), dpi)
    if abs(cible - dpi) > 1:
        echelle = cible / dpi
        taille = (max(1, round(image.width * echelle)), max(1, round(image.height * echelle)))
        image = image.resize(taille, Image.Resampling.BILINEAR)
    tampon = io.BytesIO()
    resolution = (round(cible), round(cible))
    if etape.qualite is None:
        noir_blanc = image.point(lambda v: 255 if v > SEUIL_NOIR else 0).convert("1")
        noir_blanc.save(tampon, "TIFF", compression="group4", dpi=resolution)
    else:
        image.save(tampon, "JPEG", quality=etape.qualite, optimize=True, dpi=resolution)
    return tampon.getvalue()


def decoder_encodee(donnees: bytes) -> Image.Image:
    """Decode an encoded page back to greyscale, as a reader of the PDF would see it."""
    with Image.open(io.BytesIO(donnees)) as image:
        return image.convert("L")


def _appliquer(
    reader: BatchReader, pages: Sequence[int], etape: Etape, rotations: Mapping[int, int]
) -> tuple[bytes, Image.Image, float]:
    """Re-encode ``pages`` at ``etape``; return the PDF, its first page decoded and its dpi."""
    encodees: list[bytes] = []
    premiere: tuple[Image.Image, float] | None = None
    for index in pages:
        lue = reader.page(index, dpi=None if etape.qualite is None else etape.dpi)
        if lue.image is None:
            raise ScanError("page_illisible", lue.erreur or f"Page {index + 1} illisible.")
        image = lue.image.rotate(rotations[index]) if rotations.get(index) else lue.image
        encodee = encoder_page(image, lue.dpi, etape)
        encodees.append(encodee)
        if premiere is None:
            dpi = float(etape.dpi) if etape.qualite is None else min(float(etape.dpi), lue.dpi)
            premiere = (decoder_encodee(encodee), dpi)
    assert premiere is not None
    pdf: bytes = img2pdf.convert(encodees, nodate=True, engine=img2pdf.Engine.internal)
    return pdf, premiere[0], premiere[1]


def recompresser(
    pdf: Path,
    pages: Sequence[int],
    limite: int = LIMITE_PIECE,
    *,
    lisible: Lisibilite | None = None,
    depuis: int = 0,
    rotations: Mapping[int, int] | None = None,
) -> Compression:
    """Make the piece of ``pages`` of ``pdf`` fit in ``limite`` bytes, down the ladder."""
    if not pages:
        raise ScanError("piece_vide", "La pièce ne contient aucune page.")
    rotations = rotations or {}
    original = copier_pages(pdf, pages, rotations)
    taille_originale = len(original)
    if depuis == 0 and taille_originale <= limite:
        return Compression(original, taille_originale, taille_originale, ("conserver",))
    etapes: list[str] = []
    illisible = False
    with BatchReader(pdf) as reader:
        for etape in ECHELLE[depuis:]:
            etapes.append(etape.nom)
            donnees, premiere, dpi = _appliquer(reader, pages, etape, rotations)
            if len(donnees) > limite:
                continue
            if lisible is not None and not lisible(premiere, dpi):
                illisible = True
                continue
            return Compression(donnees, taille_originale, len(donnees), tuple(etapes))
    if illisible:
        motif = (
            f"Pièce de {taille_lisible(taille_originale)} : pour passer sous "
            f"{taille_lisible(limite)} "
            "il faudrait la compresser au point de la rendre illisible. L'original reste "
            "disponible pour un opérateur."
        )
    else:
        motif = (
            f"Pièce de {taille_lisible(taille_originale)} : même compressée au maximum "
            f"({len(pages)} page(s)), elle dépasse la limite de {taille_lisible(limite)}. "
            "L'original reste "
            "disponible pour un opérateur."
        )
    return Compression(None, taille_originale, taille_originale, tuple(etapes), motif)


def recompresser_octets(pdf: bytes, limite: int = LIMITE_PIECE) -> Compression:
    """Make the whole PDF ``pdf`` fit in ``limite`` bytes (a piece rebuilt by an operator)."""
    if len(pdf) <= limite:
        return Compression(pdf, len(pdf), len(pdf), ("conserver",))
    with tempfile.TemporaryDirectory(prefix="sne-piece-") as dossier:
        chemin = Path(dossier) / "piece.pdf"
        chemin.write_bytes(pdf)
        with pikepdf.open(chemin) as document:
            pages = range(len(document.pages))
        return recompresser(chemin, pages, limite)


def taille_lisible(octets: int) -> str:
    """Write a size in French units: "1,8 Mo", "640 Ko"."""
    if octets >= 1_000_000:
        return f"{octets / 1_000_000:.1f} Mo".replace(".", ",")
    return f"{max(1, round(octets / 1000))} Ko"


def rang_etape(nom: str) -> int:
    """Return the index in the ladder of step ``nom`` (-1 for "conserver")."""
    for rang, etape in enumerate(ECHELLE):
        if etape.nom == nom:
            return rang
    return -1
