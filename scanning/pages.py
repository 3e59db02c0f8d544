"""Read a scanned batch page by page, as small greyscale images, without holding the file in memory.

A PDF page that is one scanned image is read from that image directly: a JPEG
is decoded at reduced scale by Pillow's draft mode (the DCT itself skips the
detail), other images (CCITT fax, Flate) through pikepdf. Only a page that is
not a single image (born-digital, or with text) is rendered with pypdfium2.
Multi-page TIFFs are read frame by frame with Pillow. Every pixel count is
checked before anything is decoded, so a page claiming billions of pixels is an
error, not an exhausted machine. The original file is only ever opened for
reading.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from scanning.errors import ScanError

#: Largest page image decoded: an A4 page at 1,200 dpi is 140 million pixels.
MAX_PIXELS = 150_000_000
#: Least resolution the separator pass reads pages at: JPEG draft decoding halves a scan's
#: resolution while it stays above this, so 300 dpi scans are read at 150 dpi and 200 dpi
#: ones at 100 dpi (a QR module of the separators is then 3.1 pixels; every separator of the
#: generated degraded batches was found, and a page that looks like a separator but does not
#: decode is read again at full resolution).
LECTURE_DPI = 100


@dataclass(frozen=True)
class PageImage:
    """One page, decoded: the image (None if unreadable), its resolution and how it was read."""

    index: int
    image: Image.Image | None
    dpi: float
    methode: str  # "jpeg", "image", "rendu", "tiff"
    erreur: str | None = None


def format_de(path: Path) -> str:
    """Tell a PDF from a TIFF by content, never by name."""
    try:
        with path.open("rb") as fichier:
            debut = fichier.read(1024)
    except FileNotFoundError:
        raise ScanError("fichier_introuvable", f"Fichier introuvable : {path}") from None
    if not debut:
        raise ScanError("fichier_vide", "Le fichier est vide (0 octet).")
    if b"%PDF-" in debut:
        return "pdf"
    if debut[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    raise ScanError(
        "format_inconnu",
        "Ce fichier n'est ni un PDF ni un TIFF (son contenu ne correspond à aucun des deux).",
    )


class BatchReader:
    """A scanned batch opened for reading; use as a context manager."""

    def __init__(self, path: Path, *, max_pixels: int = MAX_PIXELS) -> None:
        self.path = path
        self.max_pixels = max_pixels
        self.format = format_de(path)
        self._pdf: pikepdf.Pdf | None = None
        self._pdfium: pdfium.PdfDocument | None = None
        self._tiff: Image.Image | None = None
        if self.format == "pdf":
            self._pdf = _ouvrir_pdf(path)
            self.page_count = len(self._pdf.pages)
        else:
            self._tiff = _ouvrir_tiff(path)
            self.page_count = getattr(self._tiff, "n_frames", 1)

    def __enter__(self) -> BatchReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the file handles."""
        if self._pdfium is not None:
            self._pdfium.close()
        if self._pdf is not None:
            self._pdf.close()
        if self._tiff is not None:
            self._tiff.close()

    def pages(self, dpi: float = LECTURE_DPI) -> Iterator[PageImage]:
        """Yield every page in order, read at about ``dpi`` (never above the scan's own)."""
        for index in range(self.page_count):
            yield self.page(index, dpi)

    def page(self, index: int, dpi: float | None = LECTURE_DPI) -> PageImage:
        """Read page ``index``; ``dpi`` None reads it at full resolution. Never raises."""
        try:
            if self._pdf is not None:
                return self._page_pdf(index, dpi)
            return self._page_tiff(index, dpi)
        except ScanError as error:
            return PageImage(index, None, 0, "erreur", error.message)
        except Exception as error:  # noqa: BLE001 - a damaged page must not stop the batch
            return PageImage(index, None, 0, "erreur", f"Page illisible : {error}")

    # PDF ---------------------------------------------------------------------------------

    def _page_pdf(self, index: int, dpi: float | None) -> PageImage:
        assert self._pdf is not None
        page = self._pdf.pages[index]
        largeur_pt, hauteur_pt = _taille_pt(page)
        rotation = int(page.obj.get("/Rotate", 0)) % 360
        image_obj = _image_seule(page)
        if image_obj is not None:
            largeur, hauteur = int(image_obj.Width), int(image_obj.Height)
            self._verifier_pixels(largeur, hauteur, index)
            dpi_scan = largeur / (largeur_pt / 72) if largeur_pt else 200.0
            image, methode = _decoder_image(image_obj, largeur, hauteur, dpi_scan, dpi)
            dpi_lu = dpi_scan * image.width / largeur
            return PageImage(index, _tourner(image, rotation), dpi_lu, methode)
        cible = dpi or 200.0
        self._verifier_pixels(int(largeur_pt / 72 * cible), int(hauteur_pt / 72 * cible), index)
        if self._pdfium is None:
            self._pdfium = pdfium.PdfDocument(str(self.path))
        bitmap = self._pdfium[index].render(scale=cible / 72, grayscale=True)
        rendu: Image.Image = bitmap.to_pil().convert("L")
        return PageImage(index, rendu, cible, "rendu")

    def _verifier_pixels(self, largeur: int, hauteur: int, index: int) -> None:
        if largeur * hauteur > self.max_pixels:
            raise ScanError(
                "image_trop_grande",
                f"Page {index + 1} : image de {largeur} × {hauteur} pixels, au-delà de la limite "
                f"de {self.max_pixels // 1_000_000} millions de pixels ; elle n'a pas été décodée.",
            )

    # TIFF --------------------------------------------------------------------------------

    def _page_tiff(self, index: int, dpi: float | None) -> PageImage:
        assert self._tiff is not None
        self._tiff.seek(index)
        largeur, hauteur = self._tiff.size
        self._verifier_pixels(largeur, hauteur, index)
        dpi_scan = float(self._tiff.info.get("dpi", (200, 200))[0] or 200)
        image = self._tiff.convert("L")
        facteur = int(dpi_scan // dpi) if dpi else 1
        if facteur >= 2:
            image = image.reduce(facteur)
        return PageImage(index, image, dpi_scan * image.width / largeur, "tiff")

    def tiff_frames(self) -> Iterator[Image.Image]:
        """The TIFF's frames as stored (for writing dossier PDFs)."""
        assert self._tiff is not None
        yield from ImageSequence.Iterator(self._tiff)


def _ouvrir_pdf(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise ScanError(
            "pdf_chiffre",
            "Le PDF est protégé par un mot de passe : il ne peut pas être lu. Demandez au "
            "déposant une version sans protection.",
        ) from None
    except pikepdf.PdfError as error:
        raise ScanError(
            "pdf_corrompu", f"Le PDF est endommagé et ne peut pas être ouvert ({error})."
        ) from None


def _ouvrir_tiff(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ScanError("tiff_illisible", f"Le TIFF ne peut pas être lu ({error}).") from None


def _taille_pt(page: pikepdf.Page) -> tuple[float, float]:
    boite = [float(v) for v in page.mediabox]
    return abs(boite[2] - boite[0]), abs(boite[3] - boite[1])


def _image_seule(page: pikepdf.Page) -> Any | None:
    """The page's only image XObject when the page is a plain scan, else None."""
    ressources = page.obj.get("/Resources")
    if ressources is None or "/Font" in ressources:
        return None
    objets = ressources.get("/XObject")
    if objets is None or len(objets) != 1:
        return None
    [objet] = list(objets.values())
    if objet.get("/Subtype") != "/Image":
        return None
    return objet


def _filtres(image_obj: Any) -> list[str]:
    filtre = image_obj.get("/Filter")
    if filtre is None:
        return []
    if isinstance(filtre, pikepdf.Array):
        return [str(f) for f in filtre]
    return [str(filtre)]


def _decoder_image(
    image_obj: Any, largeur: int, hauteur: int, dpi_scan: float, dpi: float | None
) -> tuple[Image.Image, str]:
    """Decode a page's image, at reduced scale when it is a JPEG."""
    if _filtres(image_obj) == ["/DCTDecode"]:
        jpeg = Image.open(io.BytesIO(image_obj.read_raw_bytes()))
        if dpi:
            echelle = min(1.0, dpi / dpi_scan)
            jpeg.draft("L", (int(largeur * echelle), int(hauteur * echelle)))
        return jpeg.convert("L"), "jpeg"
    image: Image.Image = pikepdf.PdfImage(image_obj).as_pil_image().convert("L")
    if dpi:
        facteur = int(dpi_scan // dpi)
        if facteur >= 2:
            image = image.reduce(facteur)
    return image, "image"


def _tourner(image: Image.Image, rotation: int) -> Image.Image:
    """Apply the page's /Rotate so the image is as a reader sees the page."""
    if rotation == 0:
        return image
    return image.rotate(-rotation, expand=True)
