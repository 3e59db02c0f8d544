"""Give a piece a type of the plan de classement from the words read on it, with a confidence.

Each type has weighted patterns (its heading weighs most, then its issuer and
typical fields), matched on the text folded to lower case without accents.
The best-scoring type wins; the confidence grows with its score and with its
lead over the runner-up. Below ``SEUIL`` the piece is "a_qualifier": the best
type is only a suggestion for the person who qualifies it, never passed off as
certain. The same patterns tell first pages (a heading is found) from
continuation pages ("Page 2/3", the back of a card, a blank page).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from scanning.plan import TYPES_PAR_CODE

#: Least confidence for a piece to be filed without a person looking at it.
SEUIL: Final = 0.6
#: Score at which one type's evidence is full (a heading alone weighs 3).
SCORE_PLEIN: Final = 3.0

_MOTIFS_BRUTS: dict[str, tuple[tuple[str, float], ...]] = {
    "carte_identite": (
        (r"carte nationale d.?identite", 3),
        (r"identity card", 2),
        (r"nationale d.?identite", 1),
    ),
    "passeport": ((r"passeport", 3), (r"passport", 2)),
    "titre_sejour": (
        (r"titre de sejour", 3),
        (r"residence permit", 2),
        (r"carte de resident", 1),
    ),
    "livret_famille": ((r"livret de famille", 3), (r"acte de mariage", 1.5)),
    "acte_naissance": ((r"acte de naissance", 3), (r"filiation", 1)),
    "jugement_divorce": (
        (r"divorce", 3),
        (r"chambre de la famille", 1.5),
        (r"\bjaf\b", 1),
        (r"separation de corps", 2),
    ),
    "attestation_pacs": (
        (r"pacte civil de solidarite", 3),
        (r"\bpacs\b", 2),
        (r"partenaire", 1),
    ),
    "certificat_grossesse": (
        (r"certificat de grossesse", 3),
        (r"grossesse", 1.5),
        (r"accouchement", 1),
    ),
    "contrat_travail": (
        (r"contrat de travail", 3),
        (r"duree (in)?determinee", 1),
        (r"date d.?entree", 0.5),
    ),
    "attestation_employeur": (
        (r"attestation de l.?employeur", 3),
        (r"attestation employeur", 3),
        (r"date d.?embauche", 1),
        (r"emploi occupe", 1),
    ),
    "attestation_france_travail": (
        (r"france travail", 2.5),
        (r"pole emploi", 2.5),
        (r"retour a l.?emploi", 2),
        (r"\bare\b", 0.5),
    ),
    "carte_etudiant": (
        (r"carte d.?etudiant", 3),
        (r"annee universitaire", 1.5),
        (r"universite", 1),
        (r"n.? etudiant", 1),
    ),
    "avis_imposition": (
        (r"avis d.?impot", 3),
        (r"revenu fiscal de reference", 2),
        (r"finances publiques", 1.5),
        (r"numero fiscal", 1),
    ),
    "bulletin_salaire": (
        (r"bulletin de (paie|paye|salaire)", 3),
        (r"net a payer", 1.5),
        (r"salaire de base", 1.5),
        (r"net paye", 1),
        (r"convention collective", 1),
    ),
    "attestation_caf": (
        (r"allocations familiales", 2.5),
        (r"\bcaf\b", 1.5),
        (r"numero allocataire", 1.5),
        (r"aide personnalisee au logement", 1),
    ),
    "attestation_pension": (
        (r"assurance retraite", 2.5),
        (r"de votre retraite", 2),
        (r"pension de (retraite|vieillesse|reversion|invalidite)", 3),
        (r"carsat", 1.5),
        (r"retraite de base", 1),
    ),
    "quittance_loyer": ((r"quittance", 3), (r"\bloyer\b", 1), (r"provision pour charges", 1)),
    "bail": (
        (r"contrat de location", 3),
        (r"\bbail\b", 1),
        (r"89.?462", 1.5),
        (r"prise d.?effet", 0.5),
    ),
    "certificat_hebergement": (
        (r"(attestation|certificat) d.?hebergement", 3),
        (r"certifie heberger", 2),
        (r"\bheberge", 1),
    ),
    "jugement_expulsion": (
        (r"expulsion", 3),
        (r"resiliation du bail", 2),
        (r"contentieux de la protection", 1.5),
        (r"commandement de quitter", 2),
    ),
    "certificat_medical": ((r"certificat medical", 3), (r"medecine generale", 1)),
    "carte_mobilite_inclusion": (
        (r"mobilite inclusion", 3),
        (r"invalidite", 1),
        (r"\bcmi\b", 1),
    ),
    "decision_mdph": (
        (r"\bmdph\b", 2.5),
        (r"personnes handicapees", 2),
        (r"cdaph", 2),
        (r"droits et de l.?autonomie", 1.5),
        (r"taux d.?incapacite", 1),
    ),
    "autre": (),
}


def _verifier_motifs() -> None:
    """Fail at import when a type of the plan has no patterns entry, or an entry no type."""
    if set(_MOTIFS_BRUTS) != set(TYPES_PAR_CODE):
        raise AssertionError("classify: patterns and plan de classement disagree")


_verifier_motifs()

MOTIFS: Final = MappingProxyType(
    {
        code: tuple((re.compile(motif), poids) for motif, poids in motifs)
        for code, motifs in _MOTIFS_BRUTS.items()
    }
)

#: A continuation page's running footer or header: "Page 2/3", "page 2 sur 3".
_SUITE = re.compile(r"\bpage\s*([2-9]|\d\d)\s*(/|sur)\s*\d+")
#: The back of an identity card or residence permit: machine-readable zone, address box.
_VERSO = re.compile(r"<<<<|adresse\s*/\s*address|idfra")


@dataclass(frozen=True)
class Classement:
    """The decision for a piece: best type (or None), confidence, status and the scores."""

    type: str | None
    confiance: float
    statut: str  # "classee" or "a_qualifier"
    score: float  # best type's score, the readability reference of the piece
    scores: tuple[tuple[str, float], ...]  # every type with a positive score, best first


def normaliser(texte: str) -> str:
    """Fold ``texte`` to lower case without accents, one space between words."""
    sans = unicodedata.normalize("NFKD", texte.lower())
    sans = "".join(c for c in sans if not unicodedata.combining(c))
    sans = sans.replace("’", "'")
    return re.sub(r"\s+", " ", sans)


def scores(texte: str) -> dict[str, float]:
    """Score every type on ``texte``; each pattern counts once."""
    plat = normaliser(texte)
    resultat: dict[str, float] = {}
    for code, motifs in MOTIFS.items():
        total = sum(poids for motif, poids in motifs if motif.search(plat))
        if total > 0:
            resultat[code] = total
    return resultat


def classer(texte: str, *, seuil: float = SEUIL) -> Classement:
    """Classify the words read on a piece; below ``seuil`` the piece is "a_qualifier"."""
    tries = sorted(scores(texte).items(), key=lambda kv: (-kv[1], kv[0]))
    if not tries:
        return Classement(None, 0.0, "a_qualifier", 0.0, ())
    meilleur, premier = tries[0]
    second = tries[1][1] if len(tries) > 1 else 0.0
    force = min(1.0, premier / SCORE_PLEIN)
    avance = (premier - second) / premier
    confiance = round(force * (0.4 + 0.6 * avance), 3)
    statut = "classee" if confiance >= seuil else "a_qualifier"
    return Classement(meilleur, confiance, statut, premier, tuple(tries))


def est_suite(texte: str) -> bool:
    """Tell whether the words read look like a continuation page or the back of a card."""
    plat = normaliser(texte)
    return bool(_SUITE.search(plat) or _VERSO.search(plat))


def probabilite_debut(texte: str | None, *, blanche: bool = False) -> float:
    """Return how likely a page is the first page of a new piece (0..1)."""
    if blanche:
        return 0.02
    if texte is None:
        return 0.4
    if est_suite(texte):
        return 0.05
    meilleur = max(scores(texte).values(), default=0.0)
    if meilleur >= SCORE_PLEIN:
        return 0.95
    if meilleur >= 2:
        return 0.8
    if meilleur > 0:
        return 0.55
    return 0.4
