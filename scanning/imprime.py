"""Read what is printed on an attestation page whose QR code could not be decoded.

An applicant's mail starts with a copy of page 1 of the attestation; when its
QR code is damaged, the splitter reports the page as unreadable and the pieces
after it go astray. ``completer_attestations`` looks at those pages with
tesseract (French): if one is an attestation carrying a numéro unique, a dossier
is rebuilt from it with the applicant's name as printed (``Dossier.nom``), which
the workers check against the demande before attaching anything. Pure library:
a batch path and a manifest in, a manifest out.

``lire_fiches`` reads, the same way, the identity printed on each fiche
récapitulative (name and date of birth; the QR code carries no personal data),
so that the workers check it agrees with the demande the QR code names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PIL import Image

from scanning.manifest import Anomaly, Dossier, DossierStatus, Manifest, PageRecord, Role
from scanning.ocr import ocr_image, ocr_images
from scanning.orientation import redresser
from scanning.pages import BatchReader

#: A numéro unique as printed, spaces tolerated: territory, date, sequence, guichet.
#: OCR often reads the guichet's ``G`` as ``6``: accepted there, and put back.
_NUMERO = re.compile(r"([0-9]{2}[0-9AB])\s*([0-9]{4})\s*([0-9]{6})\s*[G6]([A-Z0-9]{4})")
#: The applicant as printed, ``Mme Claire NGUYEN`` (columns may share an OCR line).
_CIVILITE = re.compile(r"(?:\bMme|\bMlle|\bM\.|\bMadame|\bMonsieur)\s+([^\W\d][\w' -]{2,80})")
OCR_DPI = 200
#: Band of a fiche récapitulative holding the "Demandeur" rows (fractions of the page height).
BANDE_IDENTITE = (0.22, 0.46)
#: ``Nom PETIT`` (not ``Nombre de documents``): the name is printed in capitals.
_NOM_FICHE = re.compile(r"^\W*Nom\W+([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ' -]*[A-ZÀ-ÖØ-Þ])", re.MULTILINE)
_DATE = re.compile(r"(\d{2})\s*/\s*(\d{2})\s*/\s*(\d{4})")


@dataclass(frozen=True)
class LectureImprimee:
    """What OCR found on a page."""

    attestation: bool
    numero: str | None
    nom: str | None


def ocr(image: Image.Image) -> str:
    """Return the French text tesseract reads on the whole of ``image``."""
    return ocr_image(image).texte


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


@dataclass(frozen=True)
class IdentiteFiche:
    """The applicant's identity as printed on a fiche (what OCR could read of it)."""

    nom: str | None
    naissance: str | None  # ISO date


def analyser_fiche(texte: str, remplissage: str | None = None) -> IdentiteFiche:
    """Find the name and the date of birth in the OCR text of a fiche's identity band.

    The band holds two dates: the date of birth is the first one that is neither
    on the "Date de remplissage" line nor that date (``remplissage``, ISO, known
    from the QR code), however OCR spelt the labels.
    """
    nom = _NOM_FICHE.search(texte)
    iso = None
    for ligne in texte.splitlines():
        trouvee = _DATE.search(ligne)
        if trouvee is None or "emplis" in ligne.lower():
            continue
        jour, mois, annee = (int(g) for g in trouvee.groups())
        try:
            lue = date(annee, mois, jour).isoformat()
        except ValueError:
            continue  # misread digits: no date rather than a wrong one
        if remplissage is not None and lue >= remplissage:
            continue  # the filling date, or a misread one: a birth comes before the fiche
        iso = lue
        break
    return IdentiteFiche(nom.group(1).strip() if nom else None, iso)


def lire_fiches(path: Path, manifest: Manifest) -> Manifest:
    """Add to each fiche's dossier the name and date of birth printed on the fiche (one OCR run)."""
    rotations = {record.index: record.rotation for record in manifest.pages}
    fiches = [d for d in manifest.dossiers if d.kind is Role.FICHE and d.status is DossierStatus.OK]
    bandes: list[Image.Image] = []
    lues: list[Dossier] = []
    with BatchReader(path) as reader:
        for dossier in fiches:
            page = reader.page(dossier.separator_page, OCR_DPI)
            if page.image is None:
                continue
            image = redresser(page.image, rotations.get(dossier.separator_page, 0))
            haut, bas = (round(image.height * f) for f in BANDE_IDENTITE)
            bandes.append(image.crop((0, haut, image.width, bas)))
            lues.append(dossier)
    identites = {
        dossier.index: analyser_fiche(lecture.texte, dossier.date)
        for dossier, lecture in zip(lues, ocr_images(bandes, psm=6, dpi=OCR_DPI), strict=True)
    }
    dossiers = tuple(
        replace(d, nom=identites[d.index].nom, naissance=identites[d.index].naissance)
        if d.index in identites
        else d
        for d in manifest.dossiers
    )
    return replace(manifest, dossiers=dossiers)
