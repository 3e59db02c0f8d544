"""Scanned batches with their ground truth: sendings, dossiers, pieces, edge cases by name.

``generate_batch`` writes a PDF in which each page is one embedded image (JPEG,
or CCITT G4 for bilevel scans), exactly as a production scanner does, or a
multi-page TIFF, and ``<name>.truth.json`` beside it saying what a correct
splitter must report: each page's role (``scanning.manifest.Role`` values), the
dossiers with their pages and expected status, the sendings, and the pieces
with their types for the classifier.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import qrcode
from PIL import Image

from scanning.plan import TYPES, type_piece
from scanning.qr_payload import Keyring, keyring_from_secrets
from sne.documents.data import (
    AttestationData,
    BordereauData,
    FicheData,
    GuichetData,
    LigneBordereau,
)
from sne.numero import construire
from synth import degrade, pieces, separators

#: Edge cases a batch can be built around, each named after what it shows.
CASES = frozenset(
    {
        "lot_vide",  # a PDF with no page
        "sans_separateur",  # pieces only: every page is an orphan
        "orphelines",  # two piece pages before the first separator
        "separateurs_consecutifs",  # a fiche whose pieces are missing: two separators in a row
        "separateur_en_fin",  # the batch ends on a fiche whose pieces are missing
        "fiche_manquante",  # a fiche left out: its pieces run into the previous dossier
        "pages_en_trop",  # an undeclared page in a dossier
        "feuille_en_double",  # a fiche fed twice through the scanner
        "qr_degrade",  # a fiche whose QR code is faded and blurred, readable with care
        "qr_detruit",  # a fiche whose QR code is destroyed: seen but unreadable
        "qr_etranger",  # a piece carrying an invoice's payment QR code
        "envers",  # a fiche scanned upside down
    }
)

SECRET_TEST = "secret-des-lots-de-test"
GUICHET = GuichetData("G1301", "Office public de l'habitat — Agence Nord", ("2 rue du Port",))
EPC_QR = "BCD\n002\n1\nSCT\nBNPAFRPP\nEDF SA\nFR7630004000031234567890143\nEUR54.20\n\n\nFacture 2026-000451"
DESEQUILIBRANTS = frozenset(
    {
        "separateurs_consecutifs",
        "separateur_en_fin",
        "fiche_manquante",
        "pages_en_trop",
        "qr_detruit",
    }
)


@dataclass(frozen=True)
class BatchSpec:
    """What to put in a generated batch."""

    envois: int = 2
    dossiers_par_envoi: tuple[int, int] = (2, 4)
    pieces_par_dossier: tuple[int, int] = (1, 3)
    demandeurs: int = 1  # applicants' dossiers (a copy of attestation page 1, then pieces)
    dpi: int = 200
    duplex: bool = False
    niveau: degrade.Niveau = degrade.MOYEN
    envers: float = 0.03  # share of piece sheets fed upside down
    cas: frozenset[str] = frozenset()
    bilevel: bool = False  # 1-bit pages, CCITT G4 in a PDF or a TIFF

    def __post_init__(self) -> None:
        inconnus = set(self.cas) - CASES
        if inconnus:
            raise ValueError(f"cas inconnus : {sorted(inconnus)} (connus : {sorted(CASES)})")


@dataclass(frozen=True)
class DossierPlan:
    """One demande's dossier: its separator's data and its pieces' types."""

    separateur: FicheData | AttestationData
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class EnvoiPlan:
    """A guichet's sending (with its bordereau) or an applicant's mail (``bordereau`` None)."""

    bordereau: BordereauData | None
    dossiers: tuple[DossierPlan, ...]


@dataclass
class GroundTruth:
    """What a correct splitter reports for a generated batch."""

    seed: int
    dpi: int
    duplex: bool
    cas: list[str]
    pages: list[dict[str, Any]] = field(default_factory=list)
    dossiers: list[dict[str, Any]] = field(default_factory=list)
    sendings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        """The JSON written beside the batch."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def read(cls, path: Path) -> GroundTruth:
        """Read ``<batch>.truth.json``."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def roles(self) -> list[str]:
        """Expected role of each page, in order."""
        return [page["role"] for page in self.pages]


def truth_path(batch: Path) -> Path:
    """Where the ground truth of ``batch`` is written."""
    return batch.with_name(batch.stem + ".truth.json")


def nb_pages(types: Sequence[str]) -> int:
    """Pages of these pieces, as a fiche declares them (the fiche itself not counted)."""
    return sum(pieces.pages_de(code) for code in types)


def pieces_au_hasard(rng: random.Random, combien: int) -> tuple[str, ...]:
    """Draw piece types, identity and tax notice first as a guichet usually sends them."""
    usuelles = ["carte_identite", "avis_imposition", "bulletin_salaire", "attestation_caf"]
    autres = [t.code for t in TYPES if t.code not in usuelles]
    choix = [*usuelles[: min(combien, 2)]]
    while len(choix) < combien:
        choix.append(rng.choice(usuelles[2:] + autres))
    return tuple(choix)


def fiche_pour(
    numero: str, nom: str, prenoms: str, naissance: date, types: Sequence[str], jour: date
) -> FicheData:
    """The fiche a guichet fills for these pieces (counts consistent with them)."""
    return FicheData(
        nom=nom,
        prenoms=prenoms,
        date_naissance=naissance,
        numero=numero,
        nb_documents=len(types),
        nb_pages=1 + nb_pages(types),
        date_remplissage=jour,
        guichet=GUICHET,
    )


def bordereau_pour(
    envoi: str, fiches: Sequence[FicheData], jour: date, guichet: GuichetData = GUICHET
) -> BordereauData:
    """The bordereau of a sending of these fiches (its total counts itself)."""
    return BordereauData(
        envoi=envoi,
        guichet=guichet,
        departement=fiches[0].numero[:3] if fiches else "013",
        nb_dossiers=len(fiches),
        nb_pages=1 + sum(f.nb_pages for f in fiches),
        date_transmission=jour,
        lignes=tuple(LigneBordereau(f.numero, f.nom, f.nb_pages) for f in fiches),
    )


def plan_aleatoire(spec: BatchSpec, rng: random.Random) -> list[EnvoiPlan]:
    """Random but consistent sendings and applicants' mails for ``spec``."""
    jour = date(2026, 3, 16)
    sequence = iter(range(rng.randint(1, 5000), 999_999))
    envois: list[EnvoiPlan] = []
    for rang in range(spec.envois):
        fiches = []
        plans = []
        for _ in range(rng.randint(*spec.dossiers_par_envoi)):
            types = pieces_au_hasard(rng, rng.randint(*spec.pieces_par_dossier))
            fiche = fiche_pour(
                construire("013", jour, next(sequence), "G1301"),
                rng.choice(pieces.NOMS),
                rng.choice(pieces.PRENOMS),
                date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                types,
                jour,
            )
            fiches.append(fiche)
            plans.append(DossierPlan(fiche, types))
        envois.append(EnvoiPlan(bordereau_pour(f"E013-{rang + 1:05d}", fiches, jour), tuple(plans)))
    for _ in range(spec.demandeurs):
        types = pieces_au_hasard(rng, rng.randint(*spec.pieces_par_dossier))
        attestation = AttestationData(
            numero=construire("013", jour, next(sequence), "GDPUB"),
            renouvellement=False,
            civilite="Mme",
            nom=rng.choice(pieces.NOMS),
            prenoms=rng.choice(pieces.PRENOMS),
            date_naissance=date(1980, 5, 17),
            adresse=("12 rue des Lilas", "13013 Marseille"),
            guichet=GuichetData("GDPUB", "Portail grand public"),
            territoire="Bouches-du-Rhône (013)",
            date_depot=jour,
            date_renouvellement=None,
            date_expiration=date(2027, 3, 16),
            date_emission=jour,
        )
        envois.append(EnvoiPlan(None, (DossierPlan(attestation, types),)))
    return envois


@dataclass
class _Feuille:
    """One scanned side, before degradation, with what the truth says of it."""

    image: Image.Image
    role: str
    sending: int | None = None
    dossier_plan: tuple[int, int] | None = None  # (envoi, dossier) of the plan
    piece: tuple[str, int] | None = None  # (type, rank of the piece in its dossier)
    envers: bool = False
    qr: tuple[int, int, int, int] | None = None
    verso: bool = False  # back side of the previous sheet
    degradable: bool = True
    double: bool = False  # the same sheet fed through the scanner a second time


def _qr_etranger(page: Image.Image, dpi: int) -> Image.Image:
    code = qrcode.make(EPC_QR, box_size=max(2, dpi // 40), border=4).get_image().convert("L")
    copie = page.copy()
    copie.paste(code, (copie.width - code.width - dpi // 2, copie.height - code.height - dpi // 2))
    return copie


def _feuilles(
    plan: list[EnvoiPlan], spec: BatchSpec, rng: random.Random, keyring: Keyring
) -> Iterator[_Feuille]:
    """Every side in scanning order, with the edge cases applied."""
    cas = spec.cas
    if "sans_separateur" in cas or "orphelines" in cas:
        for code in ("quittance_loyer", "attestation_caf"):
            for page in pieces.rendre_piece(code, spec.dpi, rng.randrange(3)):
                yield _Feuille(page, "orpheline", piece=(code, 0))
        if "sans_separateur" in cas:
            for envoi in plan:
                for dossier in envoi.dossiers:
                    for code in dossier.pieces:
                        for page in pieces.rendre_piece(code, spec.dpi, rng.randrange(3)):
                            yield _Feuille(page, "orpheline", piece=(code, 0))
            return
    premiere_fiche = True
    for e, envoi in enumerate(plan):
        sending = e if envoi.bordereau is not None else None
        if envoi.bordereau is not None:
            f = separators.feuille(envoi.bordereau, keyring, spec.dpi)
            yield _Feuille(f.image, "bordereau", sending=sending, qr=f.qr)
        for d, dossier in enumerate(envoi.dossiers):
            f = separators.feuille(dossier.separateur, keyring, spec.dpi)
            kind = "fiche" if isinstance(dossier.separateur, FicheData) else "attestation"
            cible = premiere_fiche and kind == "fiche"
            if kind == "fiche":
                premiere_fiche = False
            seconde = kind == "fiche" and e == 0 and d == 1
            image = f.image
            degradable = True
            if cible and "qr_degrade" in cas:
                image = separators.abimer_qr(f, rng, detruire=False)
                degradable = False
            if seconde and "qr_detruit" in cas:
                image = separators.abimer_qr(f, rng, detruire=True)
                kind = "illisible"
            if not (seconde and "fiche_manquante" in cas):
                yield _Feuille(
                    image,
                    kind,
                    sending=sending,
                    dossier_plan=(e, d),
                    qr=f.qr,
                    envers=cible and "envers" in cas,
                    degradable=degradable,
                )
                if cible and "feuille_en_double" in cas:
                    yield _Feuille(
                        image, kind, sending=sending, dossier_plan=(e, d), qr=f.qr, double=True
                    )
            vider = (cible and "separateurs_consecutifs" in cas) or (
                "separateur_en_fin" in cas and e == len(plan) - 1 and d == len(envoi.dossiers) - 1
            )
            if vider:
                continue
            for rang, code in enumerate(dossier.pieces, start=1):
                variante = rng.randrange(pieces.VARIANTES)
                envers = rng.random() < spec.envers
                for numero, page in enumerate(pieces.rendre_piece(code, spec.dpi, variante)):
                    if cible and rang == 1 and numero == 0 and "qr_etranger" in cas:
                        yield _Feuille(
                            _qr_etranger(page, spec.dpi),
                            "etranger",
                            sending=sending,
                            dossier_plan=(e, d),
                            piece=(code, rang),
                            envers=envers,
                        )
                        continue
                    verso = numero % 2 == 1 and type_piece(code).recto_verso
                    yield _Feuille(
                        page,
                        "piece",
                        sending=sending,
                        dossier_plan=(e, d),
                        piece=(code, rang),
                        envers=envers,
                        verso=verso,
                    )
            if cible and "pages_en_trop" in cas:
                page = pieces.rendre_piece("autre", spec.dpi, 0)[0]
                yield _Feuille(
                    page, "piece", sending=sending, dossier_plan=(e, d), piece=("autre", 99)
                )


def _sides(feuilles: Iterator[_Feuille], spec: BatchSpec, rng: random.Random) -> Iterator[_Feuille]:
    """Interleave blank backs in duplex: every sheet has two sides, recto-verso pieces share one."""
    if not spec.duplex:
        for feuille in feuilles:
            yield replace(feuille, verso=False)
        return
    en_attente: _Feuille | None = None
    for feuille in feuilles:
        if en_attente is not None:
            if feuille.verso:
                yield en_attente
                yield feuille
                en_attente = None
                continue
            yield en_attente
            yield _Feuille(
                degrade.verso_blanc(en_attente.image.size, rng, en_attente.image),
                "blanche",
                verso=True,
            )
        en_attente = replace(feuille, verso=False)
    if en_attente is not None:
        yield en_attente
        yield _Feuille(
            degrade.verso_blanc(en_attente.image.size, rng, en_attente.image), "blanche", verso=True
        )


def _encoder(feuille: _Feuille, spec: BatchSpec, rng: random.Random) -> bytes:
    niveau = spec.niveau if feuille.degradable else degrade.DOUX
    epargner = feuille.qr if feuille.role in ("fiche", "bordereau", "attestation") else None
    if feuille.role == "blanche":
        image = feuille.image
    else:
        image = degrade.scanner(
            feuille.image, rng, niveau, envers=feuille.envers, epargner=epargner
        )
    if spec.bilevel:
        sortie = io.BytesIO()
        image.point(lambda v: 255 if v > 150 else 0).convert("1").save(
            sortie, "TIFF", compression="group4", dpi=(spec.dpi, spec.dpi)
        )
        return sortie.getvalue()
    return degrade.jpeg(image, rng.randint(*spec.niveau.qualite), spec.dpi)


def _verite(
    sides: list[_Feuille], plan: list[EnvoiPlan], spec: BatchSpec, seed: int
) -> GroundTruth:
    """What a correct splitter reports for these sides."""
    verite = GroundTruth(seed=seed, dpi=spec.dpi, duplex=spec.duplex, cas=sorted(spec.cas))
    dossier: dict[str, Any] | None = None
    recto = -1
    for index, side in enumerate(sides):
        if not side.verso:
            recto = index
        record: dict[str, Any] = {
            "role": side.role,
            "dossier": None,
            "sending": side.sending,
            "envers": side.envers,
            "verso_of": recto if side.verso else None,
            "piece": list(side.piece) if side.piece else None,
        }
        if side.role == "bordereau":
            envoi = plan[side.sending or 0]
            assert envoi.bordereau is not None
            verite.sendings.append(
                {
                    "envoi": envoi.bordereau.envoi,
                    "guichet": envoi.bordereau.guichet.code,
                    "departement": envoi.bordereau.departement,
                    "declared_dossiers": envoi.bordereau.nb_dossiers,
                    "declared_pages": envoi.bordereau.nb_pages,
                    "bordereau_page": index,
                    "dossiers": [],
                }
            )
            dossier = None
        elif side.role in ("fiche", "attestation") and not side.double:
            assert side.dossier_plan is not None
            e, d = side.dossier_plan
            separateur = plan[e].dossiers[d].separateur
            dossier = {
                "kind": side.role,
                "numero": separateur.numero,
                "sending": side.sending,
                "separator_page": index,
                "pages": [],
                "declared_pages": getattr(separateur, "nb_pages", None),
                "declared_documents": getattr(separateur, "nb_documents", None),
                "status": "ok",
                "pieces": [],
                "envers": side.envers,
            }
            verite.dossiers.append(dossier)
            if side.sending is not None:
                verite.sendings[-1]["dossiers"].append(len(verite.dossiers) - 1)
        if dossier is not None and side.role != "bordereau":
            record["dossier"] = len(verite.dossiers) - 1
            if side.role in ("piece", "etranger", "illisible"):
                dossier["pages"].append(index)
            if side.piece is not None:
                code, rang = side.piece
                if not dossier["pieces"] or dossier["pieces"][-1]["key"] != [
                    side.dossier_plan,
                    rang,
                ]:
                    dossier["pieces"].append(
                        {"type": code, "pages": [], "key": [side.dossier_plan, rang]}
                    )
                dossier["pieces"][-1]["pages"].append(index)
        verite.pages.append(record)
    # Statuses: a dossier whose page count does not match its fiche goes to manual review.
    for dossier in verite.dossiers:
        for piece in dossier["pieces"]:
            piece.pop("key")
        if (
            dossier["declared_pages"] is not None
            and 1 + sum(1 for p in dossier["pages"] if verite.pages[p]["role"] != "illisible")
            != dossier["declared_pages"]
        ):
            dossier["status"] = "revue_manuelle"
        if not dossier["pages"] or any(
            verite.pages[p]["role"] == "illisible" for p in dossier["pages"]
        ):
            dossier["status"] = "revue_manuelle"
    return verite


def generate_batch(
    path: Path,
    spec: BatchSpec = BatchSpec(),
    *,
    seed: int = 1,
    keyring: Keyring | None = None,
    plan: list[EnvoiPlan] | None = None,
) -> GroundTruth:
    """Write the batch at ``path`` (``.pdf``, or ``.tif``) and its ground truth beside it.

    ``plan`` gives the sendings to print (from real demandes, e.g. in the demo);
    without it a random consistent one is drawn from ``seed``.
    """
    rng = random.Random(seed)
    keyring = keyring or keyring_from_secrets(SECRET_TEST)
    plan = plan if plan is not None else plan_aleatoire(spec, rng)
    sides: list[_Feuille] = []
    if "lot_vide" not in spec.cas:
        sides = list(_sides(_feuilles(plan, spec, rng, keyring), spec, rng))
    verite = _verite(sides, plan, spec, seed)
    encodees = (_encoder(side, spec, rng) for side in sides)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".tif", ".tiff"):
        _ecrire_tiff(path, encodees, spec)
    elif not sides:
        with pikepdf.new() as vide:
            vide.save(path)
    else:
        path.write_bytes(img2pdf.convert(list(encodees)))
    truth_path(path).write_text(verite.to_json(), encoding="utf-8")
    return verite


def _ecrire_tiff(path: Path, encodees: Iterator[bytes], spec: BatchSpec) -> None:
    images = [Image.open(io.BytesIO(donnees)) for donnees in encodees]
    if not images:
        raise ValueError("un TIFF ne peut pas être vide")
    compression = "group4" if spec.bilevel else "jpeg"
    images[0].save(
        path,
        "TIFF",
        save_all=True,
        append_images=images[1:],
        compression=compression,
        dpi=(spec.dpi, spec.dpi),
    )
