"""The plan de classement: categories and types of pieces justificatives, as data.

Each type has a stable code (stored with the piece), its French label, its
category, whether it is sensitive (medical or judicial: only the highest
consultant level may read its content) and whether it usually has a verso
printed on the back of the same sheet. The classifier and the scan generator
both read this table, so a new type is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Categorie:
    """A group of the plan de classement."""

    code: str
    libelle: str


@dataclass(frozen=True)
class TypePiece:
    """One kind of piece justificative."""

    code: str
    libelle: str
    categorie: str
    sensible: bool = False
    recto_verso: bool = False


CATEGORIES: Final = (
    Categorie("identite", "Identité et régularité du séjour"),
    Categorie("famille", "Situation familiale"),
    Categorie("professionnel", "Situation professionnelle"),
    Categorie("ressources", "Ressources"),
    Categorie("logement", "Logement actuel"),
    Categorie("motif", "Motif de la demande"),
    Categorie("handicap", "Handicap et perte d'autonomie"),
    Categorie("autre", "Autre"),
)

TYPES: Final = (
    TypePiece("carte_identite", "Carte nationale d'identité", "identite", recto_verso=True),
    TypePiece("passeport", "Passeport", "identite"),
    TypePiece("titre_sejour", "Titre de séjour", "identite", recto_verso=True),
    TypePiece("livret_famille", "Livret de famille", "famille"),
    TypePiece("acte_naissance", "Acte de naissance", "famille"),
    TypePiece("jugement_divorce", "Jugement de divorce ou de séparation", "famille", sensible=True),
    TypePiece("attestation_pacs", "Attestation d'enregistrement de PACS", "famille"),
    TypePiece("certificat_grossesse", "Certificat de grossesse", "famille", sensible=True),
    TypePiece("contrat_travail", "Contrat de travail", "professionnel"),
    TypePiece("attestation_employeur", "Attestation de l'employeur", "professionnel"),
    TypePiece(
        "attestation_france_travail",
        "Attestation France Travail (Pôle emploi)",
        "professionnel",
    ),
    TypePiece("carte_etudiant", "Carte d'étudiant", "professionnel"),
    TypePiece("avis_imposition", "Avis d'impôt sur le revenu", "ressources"),
    TypePiece("bulletin_salaire", "Bulletin de salaire", "ressources"),
    TypePiece("attestation_caf", "Attestation de paiement CAF", "ressources"),
    TypePiece("attestation_pension", "Attestation de pension de retraite", "ressources"),
    TypePiece("quittance_loyer", "Quittance de loyer", "logement"),
    TypePiece("bail", "Contrat de location (bail)", "logement"),
    TypePiece("certificat_hebergement", "Attestation d'hébergement", "logement"),
    TypePiece("jugement_expulsion", "Jugement d'expulsion", "motif", sensible=True),
    TypePiece("certificat_medical", "Certificat médical", "handicap", sensible=True),
    TypePiece("carte_mobilite_inclusion", "Carte mobilité inclusion", "handicap", sensible=True),
    TypePiece("decision_mdph", "Décision de la MDPH", "handicap", sensible=True),
    TypePiece("autre", "Autre pièce", "autre"),
)

CATEGORIES_PAR_CODE: Final = MappingProxyType({c.code: c for c in CATEGORIES})
TYPES_PAR_CODE: Final = MappingProxyType({t.code: t for t in TYPES})


def type_piece(code: str) -> TypePiece:
    """Return the type of that code; ``KeyError`` names the unknown code."""
    try:
        return TYPES_PAR_CODE[code]
    except KeyError:
        raise KeyError(f"type de pièce inconnu : {code!r}") from None


def _verifier() -> None:
    """Fail at import if the table is inconsistent (unknown category, duplicate code)."""
    if len(TYPES_PAR_CODE) != len(TYPES):
        raise AssertionError("plan de classement: duplicate type code")
    for t in TYPES:
        if t.categorie not in CATEGORIES_PAR_CODE:
            raise AssertionError(f"plan de classement: {t.code} has unknown category {t.categorie}")


_verifier()
