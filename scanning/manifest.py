"""The manifest of a split batch: what became of every page, as plain data.

This is the contract between the splitter (which builds it), the workers (which
attach dossiers to demands from it) and operators (who read it as JSON). Every
page of the batch has exactly one ``PageRecord`` with one ``Role``; envois group
dossiers, dossiers group piece pages, anomalies say precisely what did not
reconcile. Everything is frozen and JSON round-trips through ``to_dict`` /
``from_dict``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Final

FORMAT_VERSION: Final = 2  # 2: "sendings" renamed "envois"


class Role(StrEnum):
    """The single role a page of a batch plays."""

    BORDEREAU = "bordereau"  # starts a sending
    FICHE = "fiche"  # starts a guichet's dossier
    ATTESTATION = "attestation"  # page 1 of an attestation: starts an applicant's dossier
    PIECE = "piece"  # a page of a piece justificative, inside a dossier
    BLANCHE = "blanche"  # blank page (usually a duplex back), removed
    ORPHELINE = "orpheline"  # content before any separator
    ILLISIBLE = "illisible"  # the page could not be read at all
    ETRANGER = "etranger"  # carries a QR code that is not ours; does not split


ROLE_LABELS: Final = {
    Role.BORDEREAU: "bordereau de transmission",
    Role.FICHE: "fiche récapitulative",
    Role.ATTESTATION: "attestation (page 1)",
    Role.PIECE: "page de pièce",
    Role.BLANCHE: "page blanche (retirée)",
    Role.ORPHELINE: "page orpheline (avant tout séparateur)",
    Role.ILLISIBLE: "page illisible",
    Role.ETRANGER: "QR code étranger (page de pièce)",
}


class DossierStatus(StrEnum):
    """Whether a dossier can be attached automatically."""

    OK = "ok"
    REVUE = "revue_manuelle"  # cannot be reconciled: an operator looks at it as a whole


@dataclass(frozen=True)
class PageRecord:
    """One input page: its role and where it went."""

    index: int  # 0-based position in the batch file
    role: Role
    dossier: int | None = None  # index into Manifest.dossiers
    sending: int | None = None  # index into Manifest.envois
    rotation: int = 0  # clockwise degrees (0, 90, 180, 270) that turn it upright (PDF /Rotate)
    verso_of: int | None = None  # index of the recto when this page is its back side
    qr: str | None = None  # decoded status ("ok", "signature_invalide", ...) when a code was seen
    note: str = ""  # French, for operators


@dataclass(frozen=True)
class Dossier:
    """One demand's pages: a fiche (guichet) or an attestation page 1 (applicant) and what follows."""

    index: int
    kind: Role  # Role.FICHE or Role.ATTESTATION
    numero: str
    separator_page: int
    pages: tuple[int, ...]  # piece pages in order (separator and blanks excluded)
    status: DossierStatus = DossierStatus.OK
    sending: int | None = None
    declared_pages: int | None = None  # fiche: pages including the fiche itself
    declared_documents: int | None = None  # fiche: number of documents
    date: str | None = None  # ISO date printed in the code (remplissage or émission)
    nom: str | None = None  # only when read from the page by OCR (never in a QR code)
    naissance: str | None = None  # ISO date of birth read on a fiche by OCR


@dataclass(frozen=True)
class Envoi:
    """A guichet's paper sending (envoi): one bordereau and the dossiers after it."""

    index: int
    bordereau_page: int
    envoi: str
    guichet: str
    departement: str
    declared_dossiers: int
    declared_pages: int  # fiches and bordereau included
    date: str  # ISO date of transmission
    dossiers: tuple[int, ...] = ()
    status: DossierStatus = DossierStatus.OK


@dataclass(frozen=True)
class Anomaly:
    """A precise, stable-coded problem, with a French message for operators."""

    code: str  # e.g. "fiche_manquante", "pages_en_trop", "separateur_manque_probable"
    message: str
    pages: tuple[int, ...] = ()
    dossier: int | None = None
    sending: int | None = None


@dataclass(frozen=True)
class Manifest:
    """The whole outcome of splitting one batch file."""

    source: str  # file name as received
    sha256: str
    page_count: int
    pages: tuple[PageRecord, ...]
    envois: tuple[Envoi, ...] = ()
    dossiers: tuple[Dossier, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    decoder: str = "zxing"
    error: str | None = None  # French message when the file itself could not be read
    stats: dict[str, float] = field(default_factory=dict)  # timings and counters
    version: int = FORMAT_VERSION

    def role_counts(self) -> dict[str, int]:
        """Return how many pages have each role (the values sum to ``page_count``)."""
        counts = Counter(record.role.value for record in self.pages)
        return {role.value: counts.get(role.value, 0) for role in Role}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Rebuild a manifest from ``to_dict``'s output (e.g. read back from JSON)."""
        return cls(
            source=data["source"],
            sha256=data["sha256"],
            page_count=data["page_count"],
            pages=tuple(
                PageRecord(**{**p, "role": Role(p["role"])}) for p in data.get("pages", ())
            ),
            envois=tuple(
                Envoi(
                    **{
                        **s,
                        "dossiers": tuple(s.get("dossiers", ())),
                        "status": DossierStatus(s.get("status", "ok")),
                    }
                )
                # "sendings": the key of manifests written before format 2
                for s in data.get("envois", data.get("sendings", ()))
            ),
            dossiers=tuple(
                Dossier(
                    **{
                        **d,
                        "kind": Role(d["kind"]),
                        "pages": tuple(d["pages"]),
                        "status": DossierStatus(d.get("status", "ok")),
                    }
                )
                for d in data.get("dossiers", ())
            ),
            anomalies=tuple(
                Anomaly(**{**a, "pages": tuple(a.get("pages", ()))})
                for a in data.get("anomalies", ())
            ),
            decoder=data.get("decoder", "zxing"),
            error=data.get("error"),
            stats=dict(data.get("stats", {})),
            version=data.get("version", FORMAT_VERSION),
        )
