"""Check a file uploaded one by one (public portal, guichet) before it becomes a piece.

The file must really be a PDF, JPEG or PNG by its content (its name and the
browser's type are not trusted), have a sensible number of pages and pixels,
fit in 2 MB (a too-large file goes down the same recompression ladder as
scanned pieces) and be readable (ink on the page and words OCR can read). Every
refusal is a ``ScanError`` with a French message for the person uploading; the
uploaded file itself is never modified: an accepted piece is written beside.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from scanning import blank, ocr
from scanning.compress import LIMITE_PIECE, recompresser
from scanning.errors import ScanError
from scanning.pages import BatchReader

#: Most pages an uploaded piece may have.
MAX_PAGES = 30
#: Most pixels of one uploaded image (a 48-megapixel phone photo passes).
MAX_PIXELS = 60_000_000
#: Least pixels of one uploaded image: below, no text can be read.
MIN_PIXELS = 300_000
#: Largest file accepted before any processing (the ladder then brings it under 2 MB).
MAX_OCTETS = 40_000_000
#: Least words OCR must read with a confidence above ``CONFIANCE_MOT`` for a page to be readable.
MIN_MOTS = 5
CONFIANCE_MIN = 45.0


@dataclass(frozen=True)
class Depot:
    """An accepted upload: its kind, pages, sizes, steps and the piece PDF written."""

    format: str  # "pdf", "jpeg", "png"
    pages: int
    taille_originale: int
    taille: int
    traitement: tuple[str, ...]
    fichier: Path
    #: The first page's reading that showed it legible (the classifier reuses it).
    lecture: ocr.Lecture | None = None


def format_par_contenu(debut: bytes) -> str:
    """Tell PDF, JPEG and PNG apart by their first bytes, or refuse in French."""
    if debut.startswith(b"%PDF-"):
        return "pdf"
    if debut.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if debut.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise ScanError(
        "format_refuse",
        "Ce fichier n'est ni un PDF, ni une image JPEG, ni une image PNG (d'après son contenu, "
        "quel que soit son nom). Enregistrez le document dans l'un de ces formats.",
    )


def _verifier_image(path: Path) -> tuple[int, int]:
    """Check an image's pixel count without decoding it; return its size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                largeur, hauteur = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ScanError("image_trop_grande", "L'image est beaucoup trop grande.") from None
    except OSError:
        raise ScanError("image_abimee", "L'image est abîmée et ne peut pas être lue.") from None
    if largeur * hauteur > MAX_PIXELS:
        raise ScanError(
            "image_trop_grande",
            f"L'image fait {largeur} × {hauteur} pixels, au-delà de la limite de "
            f"{MAX_PIXELS // 1_000_000} millions de pixels. Réduisez sa définition.",
        )
    if largeur * hauteur < MIN_PIXELS:
        raise ScanError(
            "image_trop_petite",
            f"L'image ne fait que {largeur} × {hauteur} pixels : le texte ne pourra pas être lu. "
            "Photographiez ou numérisez le document en plus grand.",
        )
    return largeur, hauteur


def _compter_pages(path: Path) -> int:
    """Open a PDF for reading and count its pages, or refuse in French."""
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise ScanError("pdf_protege", "Le PDF est protégé par un mot de passe.")
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise ScanError("pdf_protege", "Le PDF est protégé par un mot de passe.") from None
    except pikepdf.PdfError:
        raise ScanError("pdf_abime", "Le PDF est abîmé et ne peut pas être lu.") from None
    if pages == 0:
        raise ScanError("pdf_vide", "Le PDF ne contient aucune page.")
    if pages > MAX_PAGES:
        raise ScanError(
            "trop_de_pages",
            f"Le PDF a {pages} pages ; une pièce en compte au plus {MAX_PAGES}. "
            "Déposez chaque document séparément.",
        )
    return pages


def _lecture_lisible(pdf: Path) -> ocr.Lecture | None:
    """The reading showing the first page of ``pdf`` has words OCR can read, or None.

    The text layer when there is one; else the top third, which settles most pages at
    a quarter of the cost, and the whole page only when it does not (words starting
    lower, or an unreadable page).
    """
    couche = ocr.couche_texte(pdf, 0)
    if couche is not None:
        return couche
    with BatchReader(pdf) as reader:
        lue = reader.page(0, dpi=ocr.OCR_DPI)
    if lue.image is None:
        raise ScanError("page_illisible", lue.erreur or "La première page ne peut pas être lue.")
    if blank.mesurer(lue.image).blanche:
        return None
    for lire in (ocr.lire_haut, ocr.lire_page):
        lecture = lire(lue.image, lue.dpi)
        if lecture.mots >= MIN_MOTS and lecture.confiance >= CONFIANCE_MIN:
            return lecture
    return None


def verifier_depot(
    path: Path, out: Path, *, limite: int = LIMITE_PIECE, lisibilite: bool = True
) -> Depot:
    """Check the uploaded file ``path`` and write the accepted piece, as a PDF, to ``out``."""
    try:
        taille = path.stat().st_size
        with path.open("rb") as fichier:
            debut = fichier.read(16)
    except FileNotFoundError:
        raise ScanError("fichier_introuvable", "Le fichier déposé est introuvable.") from None
    if taille == 0:
        raise ScanError("fichier_vide", "Le fichier déposé est vide (0 octet).")
    if taille > MAX_OCTETS:
        raise ScanError(
            "fichier_trop_gros",
            f"Le fichier fait {taille / 1_000_000:.0f} Mo ; au-delà de "
            f"{MAX_OCTETS // 1_000_000} Mo il n'est pas accepté.",
        )
    genre = format_par_contenu(debut)
    out.parent.mkdir(parents=True, exist_ok=True)
    if genre == "pdf":
        pages = _compter_pages(path)
        source = path
    else:
        _verifier_image(path)
        pages = 1
        source = out.with_suffix(".source.pdf")
        source.write_bytes(_image_en_pdf(path, genre))
    lecture = None
    try:
        if lisibilite and (lecture := _lecture_lisible(source)) is None:
            raise ScanError(
                "illisible",
                "Le document semble blanc ou illisible : aucun texte n'a pu y être lu. "
                "Numérisez-le de nouveau, bien éclairé et net.",
            )
        resultat = recompresser(source, range(pages), limite)
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    if resultat.donnees is None:
        raise ScanError("trop_volumineux", resultat.motif or "Le document est trop volumineux.")
    out.write_bytes(resultat.donnees)
    return Depot(genre, pages, taille, resultat.taille, resultat.etapes, out, lecture)


def _image_en_pdf(path: Path, genre: str) -> bytes:
    """Wrap an uploaded image in a one-page PDF (a JPEG as is, a PNG as greyscale JPEG)."""
    try:
        if genre == "jpeg":
            with Image.open(path) as image:
                image.verify()
            donnees: bytes = img2pdf.convert(path.read_bytes(), nodate=True)
            return donnees
        with Image.open(path) as image:
            gris = image.convert("L")
            dpi = image.info.get("dpi", (150, 150))
        tampon = io.BytesIO()
        gris.save(tampon, "JPEG", quality=85, dpi=(round(dpi[0]), round(dpi[1])))
        donnees = img2pdf.convert(tampon.getvalue(), nodate=True)
        return donnees
    except (OSError, img2pdf.ImageOpenError, SyntaxError):
        raise ScanError("image_abimee", "L'image est abîmée et ne peut pas être lue.") from None
