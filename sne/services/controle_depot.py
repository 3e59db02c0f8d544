"""Check a deposited file before anything is recorded, so that no lot is taken in that cannot be processed.

A batch must open as a PDF or a multi-page TIFF (``scanning.pages.BatchReader``:
by content, never by name), not be protected by a password, be whole (a PDF
cut in the middle, which a reader would silently repair into its first pages,
is refused) and have between one and ``MAX_PAGES_LOT`` pages. An applicant's
upload must be a PDF, JPEG or PNG by content (``scanning.upload``) within its
size limit; an uploaded PDF must open, whole and unprotected. Each refusal is
a ``DepotRefuse`` with a stable code and a French message; the file is only
read.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from scanning import upload
from scanning.errors import ScanError
from scanning.pages import BatchReader
from sne.errors import SneError

#: Most pages of one scanned batch (a day's mail of a large guichet is under 1,000).
MAX_PAGES_LOT = 3000
#: Largest batch file: 3,000 pages scanned at 300 dpi in colour stay under this.
MAX_OCTETS_LOT = 2_000_000_000


#: The scanning library's refusals whose message quotes a reader's own error text, and the
#: French sentence shown instead (the file name says which file).
SANS_DETAIL_TECHNIQUE = {
    "pdf_corrompu": "le PDF est endommagé et ne peut pas être ouvert.",
    "tiff_illisible": "le TIFF est endommagé et ne peut pas être lu.",
}


class LotInvalide(SneError):
    """A file or channel that cannot be taken in."""

    code = "LOT_INVALIDE"


class DepotRefuse(LotInvalide):
    """A deposited file refused at intake; ``code`` says why (``DEPOT_<reason>``)."""

    code = "DEPOT_REFUSE"


def _refus(code: str, message: str) -> DepotRefuse:
    return DepotRefuse(message, code=f"DEPOT_{code.upper()}")


def verifier_lot(fichier: Path) -> int:
    """Check a scanned batch (PDF or TIFF) and return its page count, or raise ``DepotRefuse``."""
    taille = _taille(fichier)
    if taille > MAX_OCTETS_LOT:
        raise _refus(
            "trop_volumineux",
            f"Le fichier {fichier.name} fait {taille / 1e9:.1f} Go ; un lot en fait au plus "
            f"{MAX_OCTETS_LOT / 1e9:.0f} : découpez-le en plusieurs lots.",
        )
    try:
        with BatchReader(fichier) as lecteur:
            pages = int(lecteur.page_count)
            genre = lecteur.format
    except ScanError as erreur:
        message = SANS_DETAIL_TECHNIQUE.get(erreur.code, erreur.message)
        raise _refus(erreur.code, f"Le fichier {fichier.name} est refusé : {message}") from None
    except (OSError, ValueError):
        raise _refus(
            "illisible", f"Le fichier {fichier.name} est refusé : il ne peut pas être lu."
        ) from None
    if genre == "pdf":
        _verifier_pdf_entier(fichier)
    if pages == 0:
        raise _refus("vide", f"Le fichier {fichier.name} ne contient aucune page : lot refusé.")
    if pages > MAX_PAGES_LOT:
        raise _refus(
            "trop_de_pages",
            f"Le fichier {fichier.name} compte {pages} pages ; un lot en compte au plus "
            f"{MAX_PAGES_LOT} : découpez-le en plusieurs lots.",
        )
    return pages


def verifier_televersement(fichier: Path) -> str:
    """Check an applicant's upload cheaply and return its kind ("pdf", "jpeg", "png")."""
    taille = _taille(fichier)
    if taille > upload.MAX_OCTETS:
        raise _refus(
            "trop_volumineux",
            f"Le fichier fait {taille / 1_000_000:.0f} Mo ; au-delà de "
            f"{upload.MAX_OCTETS // 1_000_000} Mo il n'est pas accepté.",
        )
    with fichier.open("rb") as entree:
        try:
            genre = upload.format_par_contenu(entree.read(16))
        except ScanError as erreur:
            raise _refus(erreur.code, erreur.message) from None
    if genre == "pdf":
        verifier_lot(fichier)  # opens whole and unprotected, with pages; their limit is the job's
    return genre


def _taille(fichier: Path) -> int:
    """The file's size in bytes; a missing or empty file is refused."""
    taille = fichier.stat().st_size if fichier.is_file() else 0
    if taille == 0:
        raise _refus("vide", f"Le fichier {fichier.name} est introuvable ou vide.")
    return taille


def _verifier_pdf_entier(fichier: Path) -> None:
    """Refuse a PDF protected by a password, or one that had to be repaired to open (cut short)."""
    with pikepdf.open(fichier) as pdf:
        if pdf.is_encrypted:
            raise _refus(
                "pdf_chiffre",
                f"Le PDF {fichier.name} est protégé par un mot de passe : demandez au déposant "
                "une version sans protection.",
            )
        if pdf.get_warnings():
            raise _refus(
                "pdf_incomplet",
                f"Le PDF {fichier.name} est endommagé ou incomplet (fichier tronqué ?) : seules "
                f"{len(pdf.pages)} pages ont pu être retrouvées. Déposez de nouveau le fichier "
                "complet ; rien n'a été enregistré.",
            )


def nombre_de_pages(fichier: Path) -> int:
    """Pages of a deposited file as reported to users: a PDF's or TIFF's own count, else 1."""
    try:
        with BatchReader(fichier) as lecteur:
            return max(1, int(lecteur.page_count))
    except (ScanError, OSError, ValueError):
        return 1
