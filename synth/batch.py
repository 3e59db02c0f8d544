"""Scanned batches with their ground truth: envois, dossiers, pieces, edge cases by name.

``generate_batch`` writes a PDF in which each page is one embedded image (JPEG,
or CCITT G4 for bilevel scans), exactly as a production scanner does, or a
multi-page TIFF, and ``<name>.truth.json`` beside it saying what a correct
splitter must report: each page's role (``scanning.manifest.Role`` values), the
dossiers with their pages and expected status, the envois, and the pieces
with their types for the classifier.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import zxingcpp
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

#: Edge cases a batch can be built around, each named after what it shows (French, for the truth).
CAS_DECRITS: dict[str, str] = {
    "lot_vide": "Lot sans aucune page (PDF valide de zéro page).",
    "sans_separateur": "Aucun séparateur : toutes les pages sont orphelines.",
    "orphelines": "Deux pages de pièces avant le premier séparateur : orphelines.",
    "separateurs_consecutifs": (
        "Deux séparateurs qui se suivent : la première fiche n'a aucune pièce "
        "(dossier vide, en revue manuelle)."
    ),
    "separateur_en_fin": "Le lot se termine par une fiche sans pièce (dossier vide, revue).",
    "fiche_manquante": (
        "La deuxième fiche de l'envoi est absente : ses pièces suivent celles du dossier "
        "précédent, dont le nombre de pages ne correspond plus (revue manuelle)."
    ),
    "fiche_manquante_equilibree": (
        "La deuxième fiche de l'envoi est absente et le premier dossier a perdu une pièce d'autant "
        "de pages que le deuxième en contient : les nombres de pages s'équilibrent, seule la "
        "composition enregistrée de l'envoi (vérité : « attendus ») montre que les pages de la "
        "deuxième demande sont dans le premier dossier (revue manuelle)."
    ),
    "pages_en_trop": "Une page non déclarée dans le premier dossier (revue manuelle).",
    "feuille_en_double": (
        "La première fiche est passée deux fois dans le scanner : la seconde image est une "
        "fiche du même dossier, qui n'ouvre pas de nouveau dossier."
    ),
    "qr_degrade": (
        "QR de la première fiche très pâle et flou : lisible seulement par une relecture "
        "soigneuse en pleine résolution ; attendu comme une fiche normale."
    ),
    "qr_detruit": (
        "QR de la deuxième fiche détruit (motifs de repérage visibles, contenu illisible) : "
        "page attendue avec le rôle « illisible », signalée, comptée dans le dossier en cours "
        "avec les pages qui la suivent ; ce dossier passe en revue manuelle et aucun dossier "
        "n'est ouvert pour la fiche détruite."
    ),
    "qr_etranger": (
        "Une facture portant un QR code de paiement (EPC/SEPA) dans le premier dossier : "
        "rôle « etranger », page du dossier, ne coupe rien."
    ),
    "envers": "La première fiche est numérisée à l'envers (180°) : lue retournée.",
    "versos_retires": (
        "Recto verso, le scanner a retiré une partie des versos blancs (celui de la première "
        "feuille toujours) : les fiches tombent à toutes les parités et le nombre de pages peut être "
        "impair ; le verso de chaque séparateur, gardé, montre son QR code par transparence "
        "(inversé, pâle, lisible) : page blanche, jamais un séparateur."
    ),
    "duplex_mixte": (
        "Le premier bordereau et le premier dossier sont numérisés recto seul, la suite recto "
        "verso ; le verso de chaque "
        "séparateur recto verso montre son QR code par transparence : page blanche."
    ),
    "transparence_etrangere": (
        "Une facture à QR code de paiement dans le premier dossier, numérisée recto verso : son "
        "verso montre le QR code étranger par transparence (inversé, pâle) : page blanche, "
        "qui ne compte pas dans le dossier."
    ),
    "de_travers": (
        "Feuilles passées de côté : la première fiche tournée d'un quart (90°), la première "
        "pièce de texte (pas une carte) du premier dossier de l'autre côté (270°), celle du "
        "deuxième dossier à 90° ; "
        "la vérité donne pour chaque page la rotation horaire qui la redresse."
    ),
}
#: Pieces that are cards photocopied on a page, not pages of text lines.
CARTES = frozenset(
    {"carte_identite", "passeport", "titre_sejour", "carte_etudiant", "carte_mobilite_inclusion"}
)
#: Cases whose sheets are scanned recto verso whatever the spec says.
CAS_DUPLEX = frozenset({"versos_retires", "duplex_mixte"})
CASES = frozenset(CAS_DECRITS)

SECRET_TEST = "secret-des-lots-de-test"
GUICHET = GuichetData("G1301", "Office public de l'habitat — Agence Nord", ("2 rue du Port",))
EPC_QR = pieces.EPC_QR
DESEQUILIBRANTS = frozenset(
    {
        "separateurs_consecutifs",
        "separateur_en_fin",
        "fiche_manquante",
        "fiche_manquante_equilibree",
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
    dossiers: int | None = None  # exact number of guichets' dossiers (overrides ``envois``)
    pages: int | None = None  # about this many pages (overrides ``envois`` and ``dossiers``)

    def __post_init__(self) -> None:
        """Refuse unknown cases and resolutions no scanner uses."""
        inconnus = set(self.cas) - CASES
        if inconnus:
            raise ValueError(f"cas inconnus : {sorted(inconnus)} (connus : {sorted(CASES)})")
        if not 100 <= self.dpi <= 600:
            raise ValueError(f"résolution {self.dpi} dpi hors de la plage 100–600")


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
    envois: list[dict[str, Any]] = field(default_factory=list)
    #: Each guichet's sending as recorded (``attendus_de``): what ``scanning.reconcile`` checks.
    attendus: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cas_decrits: dict[str, str] = field(default_factory=dict)  # French, for whoever reads it

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


def photo_piece(gabarit: str, graine: int = 1, dpi: int = 150) -> bytes:
    """A JPEG of a piece's first page as an applicant uploads it: a little skew, noise, blur."""
    page = degrade.scanner(
        pieces.rendre_piece(gabarit, dpi, 0)[0], random.Random(graine), degrade.DOUX
    )
    return degrade.jpeg(page, 80, dpi)


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


def cotes(plan: Sequence[EnvoiPlan], duplex: bool) -> int:
    """Number of scanned sides the plan gives without edge cases (duplex: blank backs too)."""
    total = 0
    for envoi in plan:
        feuilles = [1] if envoi.bordereau is not None else []
        for dossier in envoi.dossiers:
            feuilles.append(1)
            for code in dossier.pieces:
                recto_verso = type_piece(pieces.type_de(code)).recto_verso
                feuilles += (
                    [2] * (pieces.pages_de(code) // 2)
                    if recto_verso
                    else [1] * pieces.pages_de(code)
                )
        total += 2 * len(feuilles) if duplex else sum(feuilles)
    return total


def _encore(spec: BatchSpec, envois: list[EnvoiPlan], rang: int, restants: int | None) -> bool:
    """Whether another guichet's sending is needed to reach the spec's size."""
    if spec.pages is not None:
        reserve = spec.demandeurs * (6 if spec.duplex else 4)
        return cotes(envois, spec.duplex) < spec.pages - reserve
    if restants is not None:
        return restants > 0
    return rang < spec.envois


def plan_aleatoire(spec: BatchSpec, rng: random.Random) -> list[EnvoiPlan]:
    """Random but consistent envois and applicants' mails for ``spec``."""
    jour = date(2026, 3, 16)
    sequence = iter(range(rng.randint(1, 5000), 999_999))
    envois: list[EnvoiPlan] = []
    restants = spec.dossiers
    rang = 0
    while _encore(spec, envois, rang, restants):
        combien = rng.randint(*spec.dossiers_par_envoi)
        if restants is not None and spec.pages is None:
            combien = min(combien, restants)
            restants -= combien
        rang += 1
        fiches = []
        plans = []
        for _ in range(combien):
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
            if spec.pages is not None and not _encore(
                spec, [*envois, EnvoiPlan(None, tuple(plans))], rang, None
            ):
                break
        envois.append(EnvoiPlan(bordereau_pour(f"E013-{rang:05d}", fiches, jour), tuple(plans)))
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


_VIDE = Image.new("L", (1, 1), 255)  # stands for a page already encoded


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
    quart: int = 0  # fed sideways: clockwise degrees (90, 270) that turn the scan upright
    simplex: bool = False  # scanned recto only, even in a duplex batch
    transparence: bool = False  # a blank back showing its recto's QR code through the paper


def _avec_dossiers(
    plan: list[EnvoiPlan], rang: int, dossiers: Sequence[DossierPlan]
) -> list[EnvoiPlan]:
    """Replace the dossiers of sending ``rang``: fiches' counts follow their pieces, and the bordereau."""
    envoi = plan[rang]
    assert envoi.bordereau is not None
    refaits = []
    for dossier in dossiers:
        fiche = dossier.separateur
        assert isinstance(fiche, FicheData)
        fiche = replace(
            fiche, nb_documents=len(dossier.pieces), nb_pages=1 + nb_pages(dossier.pieces)
        )
        refaits.append(DossierPlan(fiche, dossier.pieces))
    fiches = [d.separateur for d in refaits if isinstance(d.separateur, FicheData)]
    bordereau = bordereau_pour(
        envoi.bordereau.envoi, fiches, envoi.bordereau.date_transmission, envoi.bordereau.guichet
    )
    return [*plan[:rang], EnvoiPlan(bordereau, tuple(refaits)), *plan[rang + 1 :]]


def _premier_envoi(plan: list[EnvoiPlan], dossiers: int) -> int | None:
    """Rank of the first guichet's sending with at least ``dossiers`` dossiers."""
    for rang, envoi in enumerate(plan):
        if envoi.bordereau is not None and len(envoi.dossiers) >= dossiers:
            return rang
    return None


def avec_facture(plan: list[EnvoiPlan]) -> list[EnvoiPlan]:
    """Add an invoice with a payment QR code to the first fiche's pieces, counts updated."""
    rang = _premier_envoi(plan, 1)
    if rang is None:
        return plan
    premier, *autres = plan[rang].dossiers
    return _avec_dossiers(
        plan, rang, [replace(premier, pieces=("facture", *premier.pieces)), *autres]
    )


#: The piece declared on the first fiche but missing from the batch in ``fiche_manquante_equilibree``.
PIECE_PERDUE = "quittance_loyer"


def avec_fiche_equilibree(plan: list[EnvoiPlan]) -> list[EnvoiPlan]:
    """First sending: the second demande has one one-page piece, the first one more declared.

    With the second fiche and the first demande's last piece left out of the
    batch, the first dossier's page count balances exactly.
    """
    rang = 0  # the generator leaves out the second fiche of the first sending only
    if _premier_envoi(plan, 2) != rang:
        return plan
    premier, second, *autres = plan[rang].dossiers
    dossiers = [
        replace(premier, pieces=(*premier.pieces, PIECE_PERDUE)),
        replace(second, pieces=("bulletin_salaire",)),
        *autres,
    ]
    return _avec_dossiers(plan, rang, dossiers)


def avec_pieces_de_texte(plan: list[EnvoiPlan]) -> list[EnvoiPlan]:
    """First sending: its first two demandes get a page of text if they only have cards."""
    rang = _premier_envoi(plan, 1)
    if rang != 0:
        return plan
    dossiers = [
        replace(d, pieces=(*d.pieces, "bulletin_salaire"))
        if i < 2 and all(code in CARTES for code in d.pieces)
        else d
        for i, d in enumerate(plan[rang].dossiers)
    ]
    return _avec_dossiers(plan, rang, dossiers)


def attendus_de(plan: Sequence[EnvoiPlan]) -> dict[str, list[dict[str, Any]]]:
    """Each guichet's sending as recorded: its demandes in order with their declared counts."""
    return {
        envoi.bordereau.envoi: [
            {
                "numero": d.separateur.numero,
                "documents": d.separateur.nb_documents,
                "pages": d.separateur.nb_pages,
            }
            for d in envoi.dossiers
            if isinstance(d.separateur, FicheData)
        ]
        for envoi in plan
        if envoi.bordereau is not None
    }


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
        # duplex_mixte: the first bordereau and the first dossier go through recto only.
        simplex = e == 0 and "duplex_mixte" in cas
        if envoi.bordereau is not None:
            f = separators.feuille(envoi.bordereau, keyring, spec.dpi)
            yield _Feuille(f.image, "bordereau", sending=sending, qr=f.qr, simplex=simplex)
        for d, dossier in enumerate(envoi.dossiers):
            simplex = simplex and d == 0
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
            manquante = "fiche_manquante" in cas or "fiche_manquante_equilibree" in cas
            if not (seconde and manquante):
                yield _Feuille(
                    image,
                    kind,
                    sending=sending,
                    dossier_plan=(e, d),
                    qr=f.qr,
                    envers=cible and "envers" in cas,
                    degradable=degradable,
                    quart=90 if cible and "de_travers" in cas else 0,
                    simplex=simplex,
                )
                if cible and "feuille_en_double" in cas:
                    yield _Feuille(
                        image,
                        kind,
                        sending=sending,
                        dossier_plan=(e, d),
                        qr=f.qr,
                        double=True,
                        simplex=simplex,
                    )
            vider = (cible and "separateurs_consecutifs" in cas) or (
                "separateur_en_fin" in cas and e == len(plan) - 1 and d == len(envoi.dossiers) - 1
            )
            if vider:
                continue
            for rang, code in enumerate(dossier.pieces, start=1):
                perdue = e == 0 and d == 0 and rang == len(dossier.pieces) and code == PIECE_PERDUE
                if perdue and "fiche_manquante_equilibree" in cas:
                    continue
                variante = rng.randrange(pieces.VARIANTES)
                envers = rng.random() < spec.envers
                quart = 0
                # Sideways: the first piece that is a page of text (cards show no text lines).
                texte = [c for c in dossier.pieces if c not in CARTES]
                if "de_travers" in cas and e == 0 and d in (0, 1) and texte and code == texte[0]:
                    quart, envers = (270 if d == 0 else 90), False
                for numero, page in enumerate(pieces.rendre_piece(code, spec.dpi, variante)):
                    verso = numero % 2 == 1 and type_piece(pieces.type_de(code)).recto_verso
                    yield _Feuille(
                        page,
                        "etranger" if code == "facture" else "piece",
                        sending=sending,
                        dossier_plan=(e, d),
                        piece=(code, rang),
                        envers=envers,
                        verso=verso,
                        quart=quart,
                        simplex=simplex,
                    )
            if cible and "pages_en_trop" in cas:
                page = pieces.rendre_piece("autre", spec.dpi, 0)[0]
                yield _Feuille(
                    page, "piece", sending=sending, dossier_plan=(e, d), piece=("autre", 99)
                )


def _sides(feuilles: Iterator[_Feuille], spec: BatchSpec, rng: random.Random) -> Iterator[_Feuille]:
    """Interleave blank backs in duplex: every sheet has two sides, recto-verso pieces share one.

    The cases decide which backs show a QR code through the paper, which the
    scanner removed (``versos_retires``) and which sheets went through recto only.
    """
    duplex = spec.duplex or bool(spec.cas & CAS_DUPLEX)
    en_attente: _Feuille | None = None
    premiere = True
    for feuille in [*feuilles, None]:
        if en_attente is not None:
            if feuille is not None and feuille.verso and duplex:
                yield en_attente
                yield feuille
                en_attente = None
                continue
            yield en_attente
            dos = _dos(en_attente, spec, duplex, rng, premiere)
            premiere = False
            if dos is not None:
                yield dos
        en_attente = None if feuille is None else replace(feuille, verso=False)


def _dos(
    recto: _Feuille, spec: BatchSpec, duplex: bool, rng: random.Random, premiere: bool
) -> _Feuille | None:
    """The blank back of ``recto`` as scanned, or None when there is none in the batch."""
    transparente = None
    if recto.simplex:
        return None
    retires = "versos_retires" in spec.cas
    if recto.qr is not None and spec.cas & CAS_DUPLEX and not (retires and premiere):
        transparente = recto.qr
    elif recto.role == "etranger" and "transparence_etrangere" in spec.cas:
        transparente = _boite_qr_etranger(recto.image)
    if transparente is None:
        if not duplex:
            return None
        if retires and (premiere or rng.random() < 0.5):
            return None  # the scanner's blank-page removal
        return _Feuille(
            degrade.verso_blanc(recto.image.size, rng, recto.image), "blanche", verso=True
        )
    image = degrade.verso_transparent(recto.image, transparente, rng)
    return _Feuille(image, "blanche", verso=True, transparence=True)


def _boite_qr_etranger(image: Image.Image) -> tuple[int, int, int, int]:
    """Where the payment QR code is on a clean invoice page."""
    [code] = zxingcpp.read_barcodes(image, formats=separators.QR)
    coins = (code.position.top_left, code.position.bottom_right)
    return coins[0].x, coins[0].y, coins[1].x, coins[1].y


def _encoder(feuille: _Feuille, spec: BatchSpec, rng: random.Random) -> bytes:
    """Degrade one side and encode it as the scanner would (JPEG, or CCITT G4 when bilevel)."""
    niveau = spec.niveau if feuille.degradable else degrade.DOUX
    epargner = feuille.qr if feuille.role in ("fiche", "bordereau", "attestation") else None
    if feuille.role == "blanche":
        image = feuille.image
    else:
        image = degrade.scanner(
            feuille.image,
            rng,
            niveau,
            envers=feuille.envers,
            epargner=epargner,
            quart=feuille.quart,
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
    verite = GroundTruth(
        seed=seed,
        dpi=spec.dpi,
        duplex=spec.duplex or bool(spec.cas & CAS_DUPLEX),
        cas=sorted(spec.cas),
        cas_decrits={nom: CAS_DECRITS[nom] for nom in sorted(spec.cas)},
        attendus=attendus_de(plan),
    )
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
            # Clockwise degrees that turn the scanned page upright (a PDF page's /Rotate).
            "rotation": ((180 if side.envers else 0) + side.quart) % 360,
            "transparence": side.transparence,
            "verso_of": recto if side.verso else None,
            "piece": [pieces.type_de(side.piece[0]), side.piece[1]] if side.piece else None,
            # The demande the page truly belongs to (None: bordereau, orphan, blank back).
            "numero": (
                plan[side.dossier_plan[0]].dossiers[side.dossier_plan[1]].separateur.numero
                if side.dossier_plan is not None
                else None
            ),
        }
        if side.role == "bordereau":
            envoi = plan[side.sending or 0]
            assert envoi.bordereau is not None
            verite.envois.append(
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
                "nom": getattr(separateur, "nom", None),
                "naissance": (
                    separateur.date_naissance.isoformat()
                    if isinstance(separateur, FicheData)
                    else None
                ),
                "status": "ok",
                "pieces": [],
                "envers": side.envers,
            }
            verite.dossiers.append(dossier)
            if side.sending is not None:
                verite.envois[-1]["dossiers"].append(len(verite.dossiers) - 1)
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
                        {
                            "type": pieces.type_de(code),
                            "gabarit": code,
                            "pages": [],
                            "key": [side.dossier_plan, rang],
                        }
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
            verite.pages[p]["role"] == "illisible"
            or verite.pages[p]["numero"] not in (None, dossier["numero"])
            for p in dossier["pages"]
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

    ``plan`` gives the envois to print (from real demandes, e.g. in the demo);
    without it a random consistent one is drawn from ``seed``.
    """
    rng = random.Random(seed)
    keyring = keyring or keyring_from_secrets(SECRET_TEST)
    plan = plan if plan is not None else plan_aleatoire(spec, rng)
    if "qr_etranger" in spec.cas or "transparence_etrangere" in spec.cas:
        plan = avec_facture(plan)
    if "fiche_manquante_equilibree" in spec.cas:
        plan = avec_fiche_equilibree(plan)
    if "de_travers" in spec.cas:
        plan = avec_pieces_de_texte(plan)
    path.parent.mkdir(parents=True, exist_ok=True)
    tiff = path.suffix.lower() in (".tif", ".tiff")
    sides: list[_Feuille] = []
    with tempfile.TemporaryDirectory(prefix="synth-") as dossier_temporaire:
        # Pages are degraded and encoded as they come, and written by slices of
        # TRANCHE pages: neither decoded images nor a whole batch's JPEGs are held.
        ecrivain = _EcrivainPdf(path, Path(dossier_temporaire))
        encodees: list[bytes] = []
        if "lot_vide" not in spec.cas:
            for side in _sides(_feuilles(plan, spec, rng, keyring), spec, rng):
                page = _encoder(side, spec, rng)
                if tiff:
                    encodees.append(page)
                else:
                    ecrivain.ajouter(page)
                sides.append(replace(side, image=_VIDE))
        if tiff:
            _ecrire_tiff(path, encodees, spec)
        else:
            ecrivain.terminer()
    verite = _verite(sides, plan, spec, seed)
    truth_path(path).write_text(verite.to_json(), encoding="utf-8")
    return verite


TRANCHE = 100  # pages per img2pdf call; slices are then joined by pikepdf


class _EcrivainPdf:
    """Write scanned pages into one PDF with img2pdf, a slice at a time, in bounded memory."""

    def __init__(self, path: Path, temporaire: Path) -> None:
        """Write to ``path``, keeping slices in ``temporaire``."""
        self.path = path
        self.temporaire = temporaire
        self.en_cours: list[bytes] = []
        self.tranches: list[Path] = []

    def ajouter(self, page: bytes) -> None:
        """Add one encoded page (JPEG, or TIFF G4 for bilevel pages)."""
        self.en_cours.append(page)
        if len(self.en_cours) == TRANCHE:
            self._vider()

    def _vider(self) -> None:
        """Write the pages held so far as one slice."""
        tranche = self.temporaire / f"{len(self.tranches):05d}.pdf"
        with tranche.open("wb") as sortie:
            img2pdf.convert(
                self.en_cours, nodate=True, outputstream=sortie, engine=img2pdf.Engine.internal
            )
        self.tranches.append(tranche)
        self.en_cours = []

    def terminer(self) -> None:
        """Write the PDF: one slice as img2pdf wrote it, or the slices joined (images untouched)."""
        if self.en_cours:
            self._vider()
        if not self.tranches:  # img2pdf refuses zero pages: a valid empty PDF
            with pikepdf.new() as vide:
                vide.save(self.path)
            return
        if len(self.tranches) == 1:
            shutil.move(self.tranches[0], self.path)
            return
        _joindre(self.tranches, self.path)


def _joindre(tranches: Sequence[Path], path: Path) -> None:
    """Join img2pdf's slices into one PDF, page by page, copying each image's bytes as is.

    pikepdf (qpdf) would hold every image in memory while saving; this writes the
    same objects img2pdf wrote (page, content stream, one image XObject) as it reads them.
    """
    with path.open("wb") as sortie:
        sortie.write(b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n")
        positions: dict[int, int] = {}
        pages: list[int] = []

        def objet(numero: int, corps: bytes, flux: bytes | None = None) -> None:
            positions[numero] = sortie.tell()
            sortie.write(b"%d 0 obj\n" % numero + corps)
            if flux is not None:
                sortie.write(b"\nstream\n" + flux + b"\nendstream")
            sortie.write(b"\nendobj\n")

        suivant = 3  # 1: the page tree, 2: the catalogue
        for tranche in tranches:
            with pikepdf.open(tranche, access_mode=pikepdf.AccessMode.stream) as source:
                for page in source.pages:
                    [image] = page.obj.Resources.XObject.values()
                    donnees = image.read_raw_bytes()
                    entetes = pikepdf.Dictionary(
                        {
                            cle: valeur
                            for cle, valeur in image.stream_dict.items()
                            if cle != "/Length"
                        }
                    )
                    entetes.Length = len(donnees)
                    objet(suivant, entetes.unparse(), donnees)
                    contenu = page.obj.Contents.read_bytes()
                    objet(suivant + 1, b"<< /Length %d >>" % len(contenu), contenu)
                    objet(
                        suivant + 2,
                        b"<< /Type /Page /Parent 1 0 R /MediaBox %s /Contents %d 0 R "
                        b"/Resources << /XObject << /Im0 %d 0 R >> >> >>"
                        % (pikepdf.Array(page.mediabox).unparse(), suivant + 1, suivant),
                    )
                    pages.append(suivant + 2)
                    suivant += 3
        enfants = b" ".join(b"%d 0 R" % n for n in pages)
        objet(1, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(pages), enfants))
        objet(2, b"<< /Type /Catalog /Pages 1 0 R >>")
        xref = sortie.tell()
        sortie.write(b"xref\n0 %d\n0000000000 65535 f \n" % suivant)
        for numero in range(1, suivant):
            sortie.write(b"%010d 00000 n \n" % positions[numero])
        sortie.write(
            b"trailer\n<< /Size %d /Root 2 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (suivant, xref)
        )


def _ecrire_tiff(path: Path, encodees: list[bytes], spec: BatchSpec) -> None:
    """Write the pages as one multi-page TIFF (JPEG, or CCITT G4 when bilevel)."""
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
