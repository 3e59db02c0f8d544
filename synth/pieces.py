"""Synthetic French pieces justificatives, one template per type of the plan de classement.

Each type prints its usual heading and wording ("BULLETIN DE PAIE", "Avis
d'impôt…", "QUITTANCE DE LOYER"…) on an A4 page drawn with Pillow in
greyscale at the scan resolution; continuation pages carry no big heading
("Page 2/3") so that first pages can be told apart. Clean pages are cached per
(type, page, dpi, variant): the degradation, not the drawing, makes each scan
unique, and the generator stays fast enough for 1,000-page batches.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from scanning.plan import TYPES, type_piece

FONTS = Path("/usr/share/fonts/truetype/dejavu")
A4_MM = (210.0, 297.0)
VARIANTES = 3


@dataclass(frozen=True)
class Modele:
    """What a type prints: issuer, title lines, body lines, number of pages."""

    emetteur: str
    titres: tuple[str, ...]
    corps: tuple[str, ...]
    pages: int = 1


MODELES: dict[str, Modele] = {
    "carte_identite": Modele(
        "RÉPUBLIQUE FRANÇAISE",
        ("CARTE NATIONALE D'IDENTITÉ", "IDENTITY CARD"),
        ("Nom / Surname", "Prénoms / Given names", "Sexe  Nationalité FRA", "Date de naiss."),
        pages=2,
    ),
    "passeport": Modele(
        "RÉPUBLIQUE FRANÇAISE",
        ("PASSEPORT", "PASSPORT"),
        ("Type P  Code du pays FRA", "Nom / Surname", "Prénoms", "Date d'expiration"),
    ),
    "titre_sejour": Modele(
        "RÉPUBLIQUE FRANÇAISE",
        ("TITRE DE SÉJOUR", "RESIDENCE PERMIT"),
        ("Nom", "Prénoms", "Type de titre : carte de résident", "Valable jusqu'au"),
        pages=2,
    ),
    "livret_famille": Modele(
        "RÉPUBLIQUE FRANÇAISE",
        ("LIVRET DE FAMILLE",),
        ("Mariage célébré le", "Époux", "Épouse", "Officier de l'état civil"),
        pages=2,
    ),
    "acte_naissance": Modele(
        "Mairie",
        ("ACTE DE NAISSANCE", "Extrait avec filiation"),
        ("Le", "est né(e)", "fils / fille de", "Délivré par l'officier de l'état civil"),
    ),
    "jugement_divorce": Modele(
        "TRIBUNAL JUDICIAIRE",
        ("JUGEMENT DE DIVORCE", "Juge aux affaires familiales"),
        ("PAR CES MOTIFS", "Prononce le divorce", "Fixe la résidence des enfants"),
        pages=2,
    ),
    "attestation_pacs": Modele(
        "Mairie — Service de l'état civil",
        ("ATTESTATION D'ENREGISTREMENT", "DU PACTE CIVIL DE SOLIDARITÉ"),
        ("Partenaire 1", "Partenaire 2", "Date d'enregistrement du PACS"),
    ),
    "certificat_grossesse": Modele(
        "Docteur",
        ("CERTIFICAT DE GROSSESSE",),
        ("Je soussigné(e), docteur en médecine, certifie que", "date présumée d'accouchement"),
    ),
    "contrat_travail": Modele(
        "SAS",
        ("CONTRAT DE TRAVAIL À DURÉE INDÉTERMINÉE",),
        ("Entre les soussignés", "Article 1 — Engagement", "Article 2 — Rémunération"),
        pages=2,
    ),
    "attestation_employeur": Modele(
        "SARL",
        ("ATTESTATION DE L'EMPLOYEUR",),
        ("Je soussigné, directeur des ressources humaines, atteste que", "est employé(e)"),
    ),
    "attestation_france_travail": Modele(
        "France Travail",
        ("ATTESTATION DE PAIEMENT", "Allocation d'aide au retour à l'emploi"),
        ("Identifiant France Travail", "Période", "Montant brut", "Montant net versé"),
    ),
    "carte_etudiant": Modele(
        "Université d'Aix-Marseille",
        ("CARTE D'ÉTUDIANT", "Année universitaire 2025-2026"),
        ("Nom", "Prénom", "Numéro étudiant", "Inscrit(e) en"),
    ),
    "avis_imposition": Modele(
        "DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES",
        ("AVIS D'IMPÔT 2025", "SUR LES REVENUS DE L'ANNÉE 2024"),
        ("Revenu fiscal de référence", "Nombre de parts", "Impôt sur le revenu net"),
        pages=2,
    ),
    "bulletin_salaire": Modele(
        "SAS",
        ("BULLETIN DE PAIE",),
        ("Salaire de base", "Cotisations salariales", "Net à payer avant impôt", "Net payé"),
    ),
    "attestation_caf": Modele(
        "Caisse d'Allocations Familiales",
        ("ATTESTATION DE PAIEMENT", "Caisse d'Allocations Familiales"),
        ("Numéro allocataire", "Aide personnalisée au logement", "Allocations familiales"),
    ),
    "attestation_pension": Modele(
        "Assurance retraite — Carsat",
        ("ATTESTATION DE PAIEMENT DE PENSION DE RETRAITE",),
        ("Numéro de sécurité sociale", "Montant mensuel brut", "Montant net"),
    ),
    "quittance_loyer": Modele(
        "Bailleur",
        ("QUITTANCE DE LOYER",),
        ("Reçu de", "la somme de", "au titre du loyer et des charges du mois de"),
    ),
    "bail": Modele(
        "Bailleur",
        ("CONTRAT DE LOCATION", "Logement vide — loi du 6 juillet 1989"),
        ("I. Désignation des parties", "II. Objet du contrat", "III. Date de prise d'effet"),
        pages=3,
    ),
    "certificat_hebergement": Modele(
        "Hébergeant",
        ("ATTESTATION D'HÉBERGEMENT",),
        ("Je soussigné(e)", "certifie héberger à mon domicile", "depuis le"),
    ),
    "jugement_expulsion": Modele(
        "TRIBUNAL JUDICIAIRE — Juge des contentieux de la protection",
        ("JUGEMENT", "Résiliation du bail et expulsion"),
        ("PAR CES MOTIFS", "Ordonne l'expulsion", "Condamne au paiement de l'indemnité"),
        pages=2,
    ),
    "certificat_medical": Modele(
        "Docteur",
        ("CERTIFICAT MÉDICAL",),
        ("Je soussigné(e), docteur en médecine, certifie avoir examiné", "état de santé"),
    ),
    "carte_mobilite_inclusion": Modele(
        "MDPH",
        ("CARTE MOBILITÉ INCLUSION", "Mention invalidité"),
        ("Nom", "Prénom", "Date de fin de validité"),
    ),
    "decision_mdph": Modele(
        "Maison départementale des personnes handicapées",
        ("DÉCISION DE LA CDAPH", "Commission des droits et de l'autonomie"),
        ("La commission décide", "Taux d'incapacité", "Orientation"),
    ),
    "autre": Modele(
        "",
        ("Madame, Monsieur,",),
        ("Je vous écris au sujet de ma situation", "Veuillez agréer mes salutations"),
    ),
}


def _verifier() -> None:
    """Fail at import when a type of the plan has no template (or the reverse)."""
    manquants = {t.code for t in TYPES} ^ set(MODELES)
    if manquants:
        raise AssertionError(f"synth: types without template or unknown: {sorted(manquants)}")


_verifier()


def pages_de(code: str) -> int:
    """Number of pages a piece of that type has (recto and verso count as two)."""
    return MODELES[code].pages


def taille_page(dpi: int) -> tuple[int, int]:
    """Pixel size of an A4 page at ``dpi``."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


@functools.cache
def police(taille: int, gras: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at ``taille`` pixels."""
    fichier = "DejaVuSans-Bold.ttf" if gras else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / fichier), taille)


def _px(points: float, dpi: int) -> int:
    return max(6, round(points * dpi / 72))


NOMS = ("MARTIN", "BERNARD", "DUBOIS", "NGUYEN", "DA SILVA", "N'DIAYE", "LEFÈVRE", "GARCIA")
PRENOMS = ("Claire", "Karim", "Inès", "Jean", "Fatou", "Lucas", "Sofia", "Mehdi")


@functools.lru_cache(maxsize=48)  # about 190 MB of clean pages at 200 dpi
def page_propre(code: str, page: int, dpi: int, variante: int) -> Image.Image:
    """Draw page ``page`` (1-based) of a piece of type ``code``, clean, greyscale."""
    modele = MODELES[code]
    rng = random.Random(f"{code}:{page}:{variante}")
    largeur, hauteur = taille_page(dpi)
    image = Image.new("L", (largeur, hauteur), 255)
    dessin = ImageDraw.Draw(image)
    marge = round(dpi * 0.8)
    y = marge
    corps = police(_px(10, dpi))
    if page == 1:
        if modele.emetteur:
            dessin.text((marge, y), modele.emetteur, font=police(_px(11, dpi), True), fill=20)
            y += _px(24, dpi)
        for rang, titre in enumerate(modele.titres):
            taille = _px(18 if rang == 0 else 12, dpi)
            dessin.text((marge, y), titre, font=police(taille, rang == 0), fill=0)
            y += round(taille * 1.5)
        y += _px(14, dpi)
        nom = f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}"
        dessin.text((marge, y), f"Nom : {nom}", font=corps, fill=10)
        y += _px(16, dpi)
        for ligne in modele.corps:
            valeur = f"{rng.randint(10, 9999)},{rng.randint(10, 99)}"
            dessin.text((marge, y), f"{ligne} ........ {valeur}", font=corps, fill=15)
            y += _px(16, dpi)
    else:
        dessin.text(
            (largeur - marge - _px(60, dpi), marge // 2),
            f"Page {page}/{modele.pages}",
            font=corps,
            fill=40,
        )
    # Body text: lines of words of varied length, as on real documents.
    y += _px(10, dpi)
    mots = ("le", "montant", "de", "la", "période", "au", "titre", "du", "logement", "sous")
    while y < hauteur - marge * 1.5:
        ligne = " ".join(rng.choice(mots) for _ in range(rng.randint(6, 14)))
        dessin.text((marge, y), ligne, font=corps, fill=rng.randint(0, 50))
        y += _px(14, dpi)
        if rng.random() < 0.08:
            y += _px(14, dpi)
    return image


def rendre_piece(code: str, dpi: int, variante: int) -> list[Image.Image]:
    """Return the clean pages of one piece of type ``code`` (cached, do not modify them)."""
    type_piece(code)  # unknown codes fail loudly
    return [page_propre(code, n, dpi, variante % VARIANTES) for n in range(1, pages_de(code) + 1)]
