"""Read what is printed on an attestation page whose QR code could not be decoded.

An applicant's mail starts with a copy of page 1 of the attestation; when its
QR code is damaged, the splitter reports the page as unreadable and the pieces
after it go astray. ``completer_attestations`` looks at those pages with
tesseract (French): if one is an attestation carrying a numéro unique, a dossier
is rebuilt from it with the applicant's name as printed (``Dossier.nom``), which
the workers check against the demande before attaching anything. Pure library:
a batch path and a manifest in, a manifest out.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from scanning.manifest import Anomaly, Dossier, DossierStatus, Manifest, PageRecord, Role
from scanning.pages import BatchReader

#: A numéro unique as printed, spaces tolerated: territory, date, sequence, guichet.
#: OCR often reads the guichet's ``G`` as ``6``: accepted there, and put back.
_NUMERO = re.compile(r"([0-9]{2}[0-9AB])\s*([0-9]{4})\s*([0-9]{6})\s*[G6]([A-Z0-9]{4})")
#: The applicant as printed, ``Mme Claire NGUYEN`` (columns may share an OCR line).
_CIVILITE = re.compile(r"(?:\bMme|\bMlle|\bM\.|\bMadame|\bMonsieur)\s+([^\W\d][\w' -]{2,80})")
OCR_DPI = 200


@dataclass(frozen=True)
class LectureImprimee:
    """What OCR found on a page."""

    attestation: bool
    numero: str | None
    nom: str | None


def ocr(image: Image.Image, *, timeout: float = 60) -> str:
    """Return the French text read on ``image``: with ``scanning.ocr`` when present, else tesseract."""
    try:
        partage = importlib.import_module("scanning.ocr")
        return str(partage.ocr_image(image).texte)
    except (ImportError, AttributeError):
        pass  # the shared OCR module is not there (yet): call tesseract ourselves
    return _tesseract(image, timeout=timeout)


def _tesseract(image: Image.Image, *, timeout: float) -> str:
    """Run tesseract (French, one thread) on ``image``; empty text if it fails."""
    with tempfile.TemporaryDirectory(prefix="ocr-") as dossier:
        chemin = Path(dossier) / "page.png"
        image.convert("L").save(chemin)
        try:
            sortie = subprocess.run(
                ["tesseract", str(chemin), "stdout", "-l", "fra", "--psm", "3"],
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core: pages run in parallel
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return sortie.stdout.decode("utf-8", errors="replace")


def analyser(texte: str) -> LectureImprimee:
    """Find the attestation title, the numéro unique and the applicant's name in ``texte``."""
    attestation = "attestation" in texte.lower()
    numero = _NUMERO.search(texte.upper())
    noms = [m.group(1).strip() for m in _CIVILITE.finditer(texte)]
    return LectureImprimee(
        attestation=attestation,
        numero="{}{}{}G{}".format(*numero.groups()) if numero else None,
        nom=noms[-1] if noms else None,  # the "Demandeur" block comes after the address
    )


def lire_page(path: Path, index: int) -> LectureImprimee:
    """OCR page ``index`` of the batch ``path`` (both orientations when needed)."""
    with BatchReader(path) as reader:
        page = reader.page(index, OCR_DPI)
    if page.image is None:
        return LectureImprimee(False, None, None)
    lecture = analyser(ocr(page.image))
    if lecture.numero is None:
        lecture = analyser(ocr(page.image.rotate(180)))
    return lecture


def completer_attestations(path: Path, manifest: Manifest) -> Manifest:
    """Rebuild the dossiers of attestation pages whose QR code was unreadable, from their print."""
    candidates = [r for r in manifest.pages if r.role is Role.ILLISIBLE and r.qr == "illisible"]
    for record in candidates:
        lecture = lire_page(path, record.index)
        if not lecture.attestation or lecture.numero is None:
            continue
        manifest = _scinder(manifest, record, lecture)
    return manifest


def _scinder(manifest: Manifest, record: PageRecord, lecture: LectureImprimee) -> Manifest:
    """Start a new applicant's dossier at ``record``, taking the pages that follow it."""
    assert lecture.numero is not None
    suivantes: list[int] = []
    for autre in manifest.pages[record.index + 1 :]:
        if autre.role in (Role.BORDEREAU, Role.FICHE, Role.ATTESTATION):
            break
        if autre.role in (Role.PIECE, Role.ORPHELINE, Role.ETRANGER):
            suivantes.append(autre.index)
    index = len(manifest.dossiers)
    nouveau = Dossier(
        index=index,
        kind=Role.ATTESTATION,
        numero=lecture.numero,
        separator_page=record.index,
        pages=tuple(suivantes),
        status=DossierStatus.OK if suivantes else DossierStatus.REVUE,
        nom=lecture.nom,
    )
    dossiers = []
    for dossier in manifest.dossiers:
        if record.index in dossier.pages or set(suivantes) & set(dossier.pages):
            reste = tuple(p for p in dossier.pages if p < record.index)
            statut = dossier.status
            if dossier.declared_pages is not None:
                statut = (
                    DossierStatus.OK
                    if 1 + len(reste) == dossier.declared_pages
                    else DossierStatus.REVUE
                )
            dossier = replace(dossier, pages=reste, status=statut)
        dossiers.append(dossier)
    dossiers.append(nouveau)
    pris = set(suivantes)
    pages = tuple(
        replace(p, role=Role.ATTESTATION, dossier=index, note="attestation lue à l'écran (OCR)")
        if p.index == record.index
        else replace(p, role=Role.PIECE if p.role is Role.ORPHELINE else p.role, dossier=index)
        if p.index in pris
        else p
        for p in manifest.pages
    )
    gardees = [
        a for a in manifest.anomalies if record.index not in a.pages and not pris & set(a.pages)
    ]
    lue = Anomaly(
        "attestation_lue_par_ocr",
        f"Page {record.index + 1} : QR code illisible, attestation {lecture.numero} "
        f"reconnue par la lecture du texte imprimé ({lecture.nom or 'nom non lu'}).",
        pages=(record.index,),
        dossier=index,
    )
    anomalies = (*gardees, lue)
    return replace(manifest, pages=pages, dossiers=tuple(dossiers), anomalies=anomalies)
