"""Read the words of a page: the PDF's own text layer when it has one, else tesseract (French).

Tesseract runs as a child process with ``OMP_THREAD_LIMIT=1``: its OpenMP threads
made it five times slower on two cores; parallelism belongs to the caller
(several pages or processes). The cheap read is the top third of the page at
about 150 dpi in page segmentation mode 4 (one column of text of variable
sizes); the whole page in mode 3 (automatic layout) is the fallback. Mode 6
(one uniform block) was tried first, as the issue's measurement suggested: on
letters whose 20-point heading comes after the address block (payslip, rent
receipt, medical certificate, livret de famille) it dropped the heading line
entirely, while modes 3, 4 and 11 kept every heading at the same cost.
Both come from one ``tsv`` run, which gives the words and their confidence.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from scanning.errors import ScanError

#: Resolution pages are OCR'd at: headings and body text stay readable, cost is a quarter of 300.
OCR_DPI = 150
#: Share of the page height read first: issuer block and heading of every template.
HAUT_DE_PAGE = 0.36
#: Fewest characters for a PDF page's text layer to be used instead of OCR.
MIN_TEXTE = 40
#: Page segmentation mode of the top-of-page read (see the module docstring).
PSM_HAUT = 4
#: Longest a tesseract run may take on one image, in seconds.
DELAI_S = 60


@dataclass(frozen=True)
class Lecture:
    """What was read on a page: the text, mean word confidence (0..100) and how."""

    texte: str
    confiance: float
    mots: int
    source: str  # "texte" (PDF text layer), "ocr_haut", "ocr_page"


def tesseract_disponible() -> bool:
    """Tell whether the tesseract executable is installed."""
    return shutil.which("tesseract") is not None


def _environnement() -> dict[str, str]:
    """Return the child environment: one OpenMP thread per tesseract."""
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def ocr_image(
    image: Image.Image,
    *,
    psm: int = 3,
    dpi: int = OCR_DPI,
    langue: str = "fra",
    source: str = "ocr_page",
) -> Lecture:
    """OCR ``image`` with tesseract and return its words and mean confidence."""
    return ocr_images([image], psm=psm, dpi=dpi, langue=langue, source=source)[0]


def ocr_images(
    images: Sequence[Image.Image],
    *,
    psm: int = 3,
    dpi: int = OCR_DPI,
    langue: str = "fra",
    source: str = "ocr_page",
) -> list[Lecture]:
    """OCR several images in one tesseract run (a multi-page TIFF): its start-up is paid once."""
    if not images:
        return []
    sortie = executer(images, ["-l", langue, "--psm", str(psm), "--dpi", str(dpi), "tsv"], dpi)
    return _lire_tsv_pages(sortie, len(images), source)


def executer(images: Sequence[Image.Image], arguments: Sequence[str], dpi: int) -> str:
    """Run tesseract once on ``images`` (one page, or a multi-page TIFF) and return its output."""
    if not tesseract_disponible():
        raise ScanError(
            "ocr_absent", "Le logiciel de reconnaissance de texte (tesseract) est absent."
        )
    tampon = io.BytesIO()
    grises = [image.convert("L") for image in images]
    if len(grises) == 1:
        grises[0].save(tampon, "PNG", compress_level=1, dpi=(dpi, dpi))
    else:
        grises[0].save(tampon, "TIFF", save_all=True, append_images=grises[1:], dpi=(dpi, dpi))
    delai = DELAI_S * len(grises)
    try:
        fini = subprocess.run(
            ["tesseract", "stdin", "stdout", *arguments],
            input=tampon.getvalue(),
            capture_output=True,
            env=_environnement(),
            timeout=delai,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ScanError(
            "ocr_trop_long", f"La reconnaissance de texte a dépassé {delai} secondes."
        ) from None
    if fini.returncode != 0:
        erreur = fini.stderr.decode("utf-8", "replace").strip()[-300:]
        raise ScanError("ocr_echec", f"La reconnaissance de texte a échoué : {erreur}")
    return fini.stdout.decode("utf-8", "replace")


def _lire_tsv_pages(tsv: str, pages: int, source: str) -> list[Lecture]:
    """Split tesseract's TSV output by page number and read each page."""
    par_page: list[list[str]] = [[] for _ in range(pages)]
    for ligne in tsv.splitlines()[1:]:
        champs = ligne.split("\t", 2)
        if len(champs) == 3 and champs[1].isdigit() and 1 <= int(champs[1]) <= pages:
            par_page[int(champs[1]) - 1].append(ligne)
    return [_lire_tsv("\n".join(["entete", *lignes]), source) for lignes in par_page]


def _lire_tsv(tsv: str, source: str) -> Lecture:
    """Rebuild the lines of text and the mean confidence from tesseract's TSV output."""
    lignes: dict[tuple[int, int, int, int], list[str]] = {}
    confiances: list[float] = []
    for rang, ligne in enumerate(tsv.splitlines()):
        champs = ligne.split("\t")
        if rang == 0 or len(champs) < 12 or champs[0] != "5":
            continue
        mot = champs[11].strip()
        if not mot:
            continue
        cle = (int(champs[1]), int(champs[2]), int(champs[3]), int(champs[4]))
        lignes.setdefault(cle, []).append(mot)
        confiances.append(max(0.0, float(champs[10])))
    texte = "\n".join(" ".join(mots) for _, mots in sorted(lignes.items()))
    moyenne = sum(confiances) / len(confiances) if confiances else 0.0
    return Lecture(texte, moyenne, len(confiances), source)


def a_ocr_dpi(image: Image.Image, dpi: float, cible: int = OCR_DPI) -> Image.Image:
    """Return ``image`` scaled down to about ``cible`` dpi (never up)."""
    if dpi <= cible * 1.05:
        return image
    echelle = cible / dpi
    taille = (max(1, round(image.width * echelle)), max(1, round(image.height * echelle)))
    return image.resize(taille, Image.Resampling.BILINEAR)


def haut_de_page(image: Image.Image, part: float = HAUT_DE_PAGE) -> Image.Image:
    """Return the top ``part`` of the page."""
    return image.crop((0, 0, image.width, max(1, round(image.height * part))))


def lire_haut(image: Image.Image, dpi: float) -> Lecture:
    """OCR the top third of a page at about 150 dpi, page segmentation mode 4."""
    petite = a_ocr_dpi(image, dpi)
    return ocr_image(
        haut_de_page(petite), psm=PSM_HAUT, dpi=min(OCR_DPI, round(dpi)), source="ocr_haut"
    )


def lire_hauts(pages: Sequence[tuple[Image.Image, float]]) -> list[Lecture]:
    """OCR the top third of several pages in one tesseract run."""
    dpi = min((round(d) for _, d in pages), default=OCR_DPI)
    hauts = [haut_de_page(a_ocr_dpi(image, d)) for image, d in pages]
    return ocr_images(hauts, psm=PSM_HAUT, dpi=min(OCR_DPI, dpi), source="ocr_haut")


def lire_pages_entieres(pages: Sequence[tuple[Image.Image, float]]) -> list[Lecture]:
    """OCR several whole pages in one tesseract run."""
    dpi = min((round(d) for _, d in pages), default=OCR_DPI)
    entieres = [a_ocr_dpi(image, d) for image, d in pages]
    return ocr_images(entieres, psm=3, dpi=min(OCR_DPI, dpi), source="ocr_page")


def lire_page(image: Image.Image, dpi: float) -> Lecture:
    """OCR a whole page at about 150 dpi, page segmentation mode 3."""
    return ocr_image(a_ocr_dpi(image, dpi), psm=3, dpi=min(OCR_DPI, round(dpi)))


def couche_texte(pdf: Path, index: int) -> Lecture | None:
    """Return page ``index``'s text layer, or None when it has (almost) none."""
    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError:
        raise ScanError("pdf_illisible", "Le PDF ne peut pas être lu (fichier abîmé).") from None
    try:
        page = document[index]
        textes = page.get_textpage()
        texte: str = textes.get_text_range()
        textes.close()
        page.close()
    finally:
        document.close()
    texte = texte.replace("\r\n", "\n").strip()
    if len(texte) < MIN_TEXTE:
        return None
    return Lecture(texte, 100.0, len(texte.split()), "texte")


def couches_texte(pdf: Path) -> list[Lecture | None]:
    """Return every page's text layer (None for a page without one), opening the file once."""
    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError:
        raise ScanError("pdf_illisible", "Le PDF ne peut pas être lu (fichier abîmé).") from None
    resultats: list[Lecture | None] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textes = page.get_textpage()
            texte = str(textes.get_text_range()).replace("\r\n", "\n").strip()
            textes.close()
            page.close()
            resultats.append(
                Lecture(texte, 100.0, len(texte.split()), "texte")
                if len(texte) >= MIN_TEXTE
                else None
            )
    finally:
        document.close()
    return resultats
