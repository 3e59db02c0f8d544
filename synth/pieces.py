"""Synthetic French pieces justificatives, one template per type of the plan de classement.

Each template prints what the real document prints: its issuer block, heading
("BULLETIN DE PAIE", "Avis d'impôt 2025 sur les revenus de l'année 2024",
"QUITTANCE DE LOYER"…), fake names, addresses and amounts, tables and body
text, drawn with Pillow in greyscale on an A4 page at the scan resolution.
Cards (identity card, residence permit, CMI…) are drawn at their real size on
an A4 page, as a photocopy shows them; ``recto_verso`` types give a recto and a
verso page. Continuation pages carry no big heading, only a running header
and "Page 2/3", so that first pages can be told apart. Two templates have no
type of their own: ``facture`` (an invoice carrying a foreign payment QR code)
and the handwritten-like letter of type ``autre``.

Clean pages are cached per (template, page, dpi, variant): the degradation,
not the drawing, makes each scan unique, and 1,000-page batches stay fast.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from scanning.plan import TYPES, type_piece
from sne.documents.layout import MOIS

FONTS = Path("/usr/share/fonts/truetype/dejavu")
A4_MM = (210.0, 297.0)
VARIANTES = 3

#: The payment code an invoice carries (EPC/SEPA credit transfer): a QR code that is not ours.
EPC_QR = (
    "BCD\n002\n1\nSCT\nBNPAFRPP\nENERGIE DE PROVENCE SA\nFR7630004000031234567890143\n"
    "EUR54.20\n\n\nFacture 2026-000451"
)

NOMS = (
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "NGUYEN",
    "DA SILVA",
    "N'DIAYE",
    "LEFÈVRE",
    "GARCIA",
    "BENALI",
    "ROUSSEAU",
    "OUEDRAOGO",
    "MOREAU",
)
PRENOMS = ("Claire", "Karim", "Inès", "Jean", "Fatou", "Lucas", "Sofia", "Mehdi", "Aïcha", "Hugo")
RUES = (
    "12 rue des Tanneurs",
    "4 boulevard National",
    "27 avenue de la Capelette",
    "8 impasse des Lilas",
    "115 chemin de Saint-Joseph",
    "3 place Jean Jaurès",
)
COMMUNES = (
    "13002 Marseille",
    "13013 Marseille",
    "13100 Aix-en-Provence",
    "13300 Salon-de-Provence",
    "13500 Martigues",
    "13200 Arles",
)
MOTS = (
    "le",
    "la",
    "de",
    "des",
    "au",
    "titre",
    "du",
    "montant",
    "période",
    "logement",
    "conformément",
    "dispositions",
    "article",
    "présent",
    "contrat",
    "somme",
    "versée",
    "bénéficiaire",
    "prestations",
    "ressources",
    "déclarées",
    "charges",
    "locataire",
    "bailleur",
    "en",
    "application",
    "sous",
    "réserve",
    "droits",
    "compte",
)


@dataclass(frozen=True)
class Modele:
    """What a template prints: issuer, headings, fields, table, pages, and how it is laid out."""

    code: str  # type of the plan de classement (ground truth for the classifier)
    emetteur: tuple[str, ...]
    titres: tuple[str, ...]
    champs: tuple[str, ...] = ()
    tableau: tuple[str, ...] = ()  # row labels of an amounts table
    pages: int = 1
    forme: str = "document"  # document, carte, manuscrit, facture
    courant: str = ""  # running header of continuation pages


RF = ("RÉPUBLIQUE FRANÇAISE",)
MODELES: dict[str, Modele] = {
    "carte_identite": Modele(
        "carte_identite",
        RF,
        ("CARTE NATIONALE D'IDENTITÉ", "IDENTITY CARD"),
        champs=("Nom / Surname", "Prénoms / Given names", "Sexe / Sex", "Date de naissance"),
        pages=2,
        forme="carte",
    ),
    "passeport": Modele(
        "passeport",
        RF,
        ("PASSEPORT", "PASSPORT"),
        champs=("Type / Type  P", "Nom / Surname", "Prénoms / Given names", "Date d'expiration"),
        forme="carte",
    ),
    "titre_sejour": Modele(
        "titre_sejour",
        RF,
        ("TITRE DE SÉJOUR", "RESIDENCE PERMIT"),
        champs=("Nom", "Prénoms", "Type de titre : CARTE DE RÉSIDENT", "Valable jusqu'au"),
        pages=2,
        forme="carte",
    ),
    "livret_famille": Modele(
        "livret_famille",
        (*RF, "Mairie de Marseille"),
        ("LIVRET DE FAMILLE", "Extrait de l'acte de mariage"),
        champs=("Mariage célébré le", "Époux", "Épouse", "Officier de l'état civil"),
        pages=2,
        courant="Livret de famille — Enfants",
    ),
    "acte_naissance": Modele(
        "acte_naissance",
        (*RF, "Mairie de Marseille", "Service de l'état civil"),
        ("EXTRAIT D'ACTE DE NAISSANCE", "avec filiation"),
        champs=("Acte n°", "Né(e) le", "à", "Fils / fille de", "Délivré le"),
    ),
    "jugement_divorce": Modele(
        "jugement_divorce",
        ("Tribunal judiciaire de Marseille", "Chambre de la famille — JAF"),
        ("JUGEMENT", "Divorce par consentement accepté"),
        champs=("Minute n°", "RG n°", "Demandeur", "Défendeur", "Audience du"),
        pages=2,
        courant="Tribunal judiciaire de Marseille — RG 24/0",
    ),
    "attestation_pacs": Modele(
        "attestation_pacs",
        (*RF, "Mairie de Marseille", "Service de l'état civil"),
        (
            "ATTESTATION D'ENREGISTREMENT",
            "de la déclaration conjointe de pacte civil de solidarité",
        ),
        champs=("Partenaire 1", "Partenaire 2", "Date d'enregistrement", "Numéro"),
    ),
    "certificat_grossesse": Modele(
        "certificat_grossesse",
        ("Docteur Hélène ROCHE", "Gynécologue-obstétricienne", "RPPS 10003456789"),
        ("CERTIFICAT DE GROSSESSE",),
        champs=("Patiente", "Date présumée de début de grossesse", "Date présumée d'accouchement"),
    ),
    "contrat_travail": Modele(
        "contrat_travail",
        ("SAS Provence Services", "SIRET 812 345 678 00021"),
        ("CONTRAT DE TRAVAIL À DURÉE INDÉTERMINÉE",),
        champs=("Salarié(e)", "Emploi", "Date d'entrée", "Rémunération mensuelle brute"),
        pages=2,
        courant="Contrat de travail — SAS Provence Services",
    ),
    "attestation_employeur": Modele(
        "attestation_employeur",
        ("SARL Bâtiment du Midi", "SIRET 501 234 987 00034"),
        ("ATTESTATION DE L'EMPLOYEUR",),
        champs=("Salarié(e)", "Emploi occupé", "Date d'embauche", "Salaire mensuel net"),
    ),
    "attestation_france_travail": Modele(
        "attestation_france_travail",
        ("France Travail", "Agence de Marseille Canebière"),
        ("ATTESTATION DE PAIEMENT", "Allocation d'aide au retour à l'emploi (ARE)"),
        champs=("Identifiant France Travail", "Allocataire", "Période"),
        tableau=("Mois 1", "Mois 2", "Mois 3"),
    ),
    "carte_etudiant": Modele(
        "carte_etudiant",
        ("Aix-Marseille Université",),
        ("CARTE D'ÉTUDIANT", "Année universitaire 2025-2026"),
        champs=("Nom", "Prénom", "N° étudiant", "Inscrit(e) en"),
        forme="carte",
    ),
    "avis_imposition": Modele(
        "avis_imposition",
        ("Direction générale des Finances publiques", "Centre des Finances publiques"),
        ("Avis d'impôt 2025", "sur les revenus de l'année 2024"),
        champs=("Numéro fiscal", "Référence de l'avis", "Nombre de parts", "Situation de famille"),
        tableau=(
            "Revenu brut global",
            "Revenu imposable",
            "Revenu fiscal de référence",
            "Impôt sur le revenu net",
        ),
        pages=2,
        courant="Avis d'impôt 2025 — détail",
    ),
    "bulletin_salaire": Modele(
        "bulletin_salaire",
        ("SAS Provence Services", "Convention collective : propreté", "SIRET 812 345 678 00021"),
        ("BULLETIN DE PAIE",),
        champs=("Salarié(e)", "Emploi", "Période", "N° de sécurité sociale"),
        tableau=(
            "Salaire de base",
            "Heures supplémentaires",
            "Sécurité sociale plafonnée",
            "Complémentaire retraite",
            "CSG déductible",
            "Net à payer avant impôt",
            "Impôt sur le revenu prélevé",
            "Net payé",
        ),
    ),
    "attestation_caf": Modele(
        "attestation_caf",
        ("Caisse d'Allocations Familiales", "des Bouches-du-Rhône"),
        ("Caisse d'Allocations Familiales — Attestation de paiement",),
        champs=("Numéro allocataire", "Allocataire", "Période"),
        tableau=("Aide personnalisée au logement", "Allocations familiales", "Prime d'activité"),
    ),
    "attestation_pension": Modele(
        "attestation_pension",
        ("L'Assurance retraite", "Carsat Sud-Est"),
        ("ATTESTATION DE PAIEMENT", "de votre retraite"),
        champs=("Numéro de sécurité sociale", "Retraité(e)", "Année"),
        tableau=("Retraite de base brute", "Retraite complémentaire", "Montant net mensuel"),
    ),
    "quittance_loyer": Modele(
        "quittance_loyer",
        ("Cabinet Immobilier du Vieux-Port", "Gestion locative"),
        ("QUITTANCE DE LOYER",),
        champs=("Locataire", "Adresse du logement", "Période"),
        tableau=("Loyer", "Provision pour charges", "Total reçu"),
    ),
    "bail": Modele(
        "bail",
        ("Cabinet Immobilier du Vieux-Port",),
        ("CONTRAT DE LOCATION", "Logement vide — loi n° 89-462 du 6 juillet 1989"),
        champs=("Bailleur", "Locataire", "Adresse du logement", "Date de prise d'effet"),
        pages=3,
        courant="Contrat de location — paraphes :",
    ),
    "certificat_hebergement": Modele(
        "certificat_hebergement",
        (),
        ("ATTESTATION D'HÉBERGEMENT",),
        champs=("Je soussigné(e)", "demeurant", "certifie héberger", "depuis le"),
    ),
    "jugement_expulsion": Modele(
        "jugement_expulsion",
        ("Tribunal judiciaire de Marseille", "Juge des contentieux de la protection"),
        ("JUGEMENT", "Résiliation du bail — expulsion"),
        champs=("Minute n°", "RG n°", "Demandeur", "Défendeur", "Audience du"),
        pages=3,
        courant="Tribunal judiciaire de Marseille — RG 25/0",
    ),
    "certificat_medical": Modele(
        "certificat_medical",
        ("Docteur Paul AUBERT", "Médecine générale", "RPPS 10001234567"),
        ("CERTIFICAT MÉDICAL",),
        champs=("Patient(e)", "Né(e) le", "Fait à Marseille le"),
    ),
    "carte_mobilite_inclusion": Modele(
        "carte_mobilite_inclusion",
        RF,
        ("Carte mobilité inclusion", "INVALIDITÉ"),
        champs=("Nom", "Prénom", "Date de fin de validité", "N°"),
        forme="carte",
    ),
    "decision_mdph": Modele(
        "decision_mdph",
        ("Maison départementale des personnes handicapées", "des Bouches-du-Rhône"),
        ("NOTIFICATION DE DÉCISION", "Commission des droits et de l'autonomie (CDAPH)"),
        champs=("Bénéficiaire", "N° de dossier", "Séance du", "Taux d'incapacité"),
    ),
    "autre": Modele("autre", (), ("Madame, Monsieur,",), forme="manuscrit"),
    "facture": Modele(
        "autre",
        ("Énergie de Provence SA", "Service clients — 09 70 00 00 00"),
        ("FACTURE", "Électricité — facture n° 2026-000451"),
        champs=("Titulaire du contrat", "Adresse de consommation", "Période"),
        tableau=("Abonnement", "Consommation", "Taxes et contributions", "Total TTC à payer"),
        forme="facture",
    ),
}


def _verifier() -> None:
    """Fail at import when a type of the plan has no template or a template no known type."""
    codes = {t.code for t in TYPES}
    sans = codes - set(MODELES)
    inconnus = {m.code for m in MODELES.values()} - codes
    if sans or inconnus:
        raise AssertionError(f"synth: types without template {sorted(sans)}, unknown {inconnus}")


_verifier()


def pages_de(gabarit: str) -> int:
    """Number of pages a piece of that template has (recto and verso count as two)."""
    return MODELES[gabarit].pages


def type_de(gabarit: str) -> str:
    """The plan de classement type a template's pieces have."""
    return MODELES[gabarit].code


def taille_page(dpi: int) -> tuple[int, int]:
    """Pixel size of an A4 page at ``dpi``."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


@functools.cache
def police(taille: int, gras: bool = False, style: str = "Sans") -> ImageFont.FreeTypeFont:
    """A DejaVu face (``Sans``, ``Serif-Italic``, ``SansMono``…) at ``taille`` pixels."""
    fichier = f"DejaVu{style}-Bold.ttf" if gras else f"DejaVu{style}.ttf"
    if style.endswith("Italic") and gras:
        fichier = f"DejaVu{style.removesuffix('-Italic')}-BoldItalic.ttf"
    return ImageFont.truetype(str(FONTS / fichier), taille)


def _px(points: float, dpi: int) -> int:
    """Pixels of ``points`` typographic points at ``dpi``."""
    return max(6, round(points * dpi / 72))


class _Crayon:
    """Draw text in points at a resolution, keeping a vertical cursor."""

    def __init__(self, image: Image.Image, dpi: int, rng: random.Random) -> None:
        """Start at the top margin of ``image``."""
        self.image = image
        self.dessin = ImageDraw.Draw(image)
        self.dpi = dpi
        self.rng = rng
        self.largeur, self.hauteur = image.size
        self.marge = round(dpi * 0.7)
        self.y = self.marge

    def mm(self, valeur: float) -> int:
        """Pixels of ``valeur`` millimetres."""
        return round(valeur * self.dpi / 25.4)

    def texte(
        self,
        x: int,
        texte: str,
        points: float = 10,
        *,
        gras: bool = False,
        gris: int = 0,
        style: str = "Sans",
        avancer: bool = True,
        droite: bool = False,
    ) -> None:
        """Write one line at (x, cursor); ``droite`` aligns its end on ``x``."""
        fonte = police(_px(points, self.dpi), gras, style)
        if droite:
            x -= round(self.dessin.textlength(texte, font=fonte))
        self.dessin.text((x, self.y), texte, font=fonte, fill=gris)
        if avancer:
            self.y += round(_px(points, self.dpi) * 1.45)

    def paragraphe(self, lignes: int, points: float = 10) -> None:
        """Body text: ``lignes`` lines of words of varied length, the last one short."""
        largeur = self.largeur - 2 * self.marge
        fonte = police(_px(points, self.dpi))
        for rang in range(lignes):
            mots: list[str] = []
            cible = largeur * (self.rng.uniform(0.3, 0.7) if rang == lignes - 1 else 0.97)
            while self.dessin.textlength(" ".join(mots), font=fonte) < cible - _px(40, self.dpi):
                mots.append(self.rng.choice(MOTS))
            self.texte(self.marge, " ".join(mots), points, gris=self.rng.randint(0, 40))
        self.y += _px(points * 0.6, self.dpi)

    def filet(self, epaisseur: float = 0.3) -> None:
        """A horizontal rule across the text width."""
        trait = max(1, self.mm(epaisseur))
        self.dessin.rectangle(
            (self.marge, self.y, self.largeur - self.marge, self.y + trait), fill=60
        )
        self.y += self.mm(3)


def _nom(rng: random.Random) -> str:
    """A fake person's name."""
    return f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}"


def _valeur(champ: str, rng: random.Random) -> str:
    """A plausible fake value for a field, from its label."""
    bas = champ.lower()
    if "date" in bas or bas.endswith(" le") or "séance" in bas or "audience" in bas:
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2025)}"
    if "période" in bas:
        return f"{rng.choice(MOIS)} {rng.choice((2025, 2026))}"
    if "adresse" in bas or bas == "demeurant" or bas == "à":
        return f"{rng.choice(RUES)}, {rng.choice(COMMUNES)}"
    if "n°" in bas or "numéro" in bas or "identifiant" in bas or "référence" in bas:
        return " ".join(str(rng.randint(100, 999)) for _ in range(rng.randint(2, 4)))
    if "taux" in bas:
        return rng.choice(("50 %", "entre 50 et 79 %", "80 % ou plus"))
    if "parts" in bas:
        return rng.choice(("1", "1,5", "2", "2,5", "3"))
    if "rémunération" in bas or "salaire" in bas:
        return _euros(rng, 1400, 2900)
    if ":" in champ or "Type" in champ:
        return ""
    if "inscrit" in bas:
        return rng.choice(("Licence 2 — Droit", "Master 1 — Biologie", "BTS Commerce"))
    if "emploi" in bas:
        return rng.choice(("Agent de propreté", "Aide-soignant(e)", "Cariste", "Vendeur(se)"))
    if "situation" in bas:
        return rng.choice(("Marié(e)", "Célibataire", "Divorcé(e)", "Pacsé(e)"))
    if "sexe" in bas:
        return rng.choice(("F", "M"))
    return _nom(rng)


def _euros(rng: random.Random, bas: int, haut: int) -> str:
    """A fake amount in euros, French style."""
    valeur = rng.randint(bas * 100, haut * 100)
    entiers = f"{valeur // 100:,}".replace(",", "\u202f")
    return f"{entiers},{valeur % 100:02d} €"


def _entete(c: _Crayon, modele: Modele) -> None:
    """Issuer block top left, addressee block on the right, date."""
    for rang, ligne in enumerate(modele.emetteur):
        c.texte(c.marge, ligne, 11 if rang == 0 else 9, gras=rang == 0, gris=20)
    haut = c.y
    c.y = c.marge + c.mm(28)
    x = c.largeur // 2 + c.mm(10)
    rng = c.rng
    for ligne in (f"{rng.choice(('Madame', 'Monsieur'))} {_nom(rng)}", rng.choice(RUES)):
        c.texte(x, ligne, 10)
    c.texte(x, rng.choice(COMMUNES).upper(), 10)
    c.y = max(c.y, haut) + c.mm(8)
    c.texte(
        c.largeur - c.marge,
        f"Marseille, le {rng.randint(1, 28)} {rng.choice(MOIS)} 2025",
        9,
        droite=True,
    )


def _champs(c: _Crayon, champs: tuple[str, ...]) -> None:
    """Label and value lines of a form."""
    for champ in champs:
        c.texte(c.marge, f"{champ}", 10, gris=30, avancer=False)
        c.texte(c.marge + c.mm(70), _valeur(champ, c.rng), 10, gras=True)


def _tableau(c: _Crayon, lignes: tuple[str, ...]) -> None:
    """A ruled amounts table: label, base, rate, amount."""
    x0, x1 = c.marge, c.largeur - c.marge
    hauteur = _px(16, c.dpi)
    colonnes = (x0, x0 + c.mm(80), x0 + c.mm(115), x1)
    c.dessin.rectangle((x0, c.y, x1, c.y + hauteur), fill=215)
    for x, titre in zip(colonnes[:3], ("Libellé", "Base", "Taux"), strict=True):
        c.dessin.text((x + c.mm(2), c.y + c.mm(1)), titre, font=police(_px(9, c.dpi), True), fill=0)
    c.dessin.text(
        (x1 - c.mm(25), c.y + c.mm(1)), "Montant", font=police(_px(9, c.dpi), True), fill=0
    )
    haut = c.y
    c.y += hauteur
    for libelle in lignes:
        c.y += c.mm(1)
        c.texte(x0 + c.mm(2), libelle, 9, avancer=False)
        c.texte(colonnes[1] + c.mm(2), _euros(c.rng, 100, 3000), 9, avancer=False, gris=40)
        c.texte(colonnes[2] + c.mm(2), f"{c.rng.randint(1, 99) / 10:.2f} %", 9, avancer=False)
        c.texte(x1 - c.mm(2), _euros(c.rng, 10, 2500), 9, droite=True, gras="Net" in libelle)
    for x in colonnes:
        c.dessin.line((x, haut, x, c.y), fill=70, width=max(1, c.mm(0.25)))
    c.dessin.rectangle((x0, haut, x1, c.y), outline=70, width=max(1, c.mm(0.25)))
    c.y += c.mm(6)


def _signature(c: _Crayon) -> None:
    """A scribbled signature at the bottom right."""
    x = c.largeur - c.marge - c.mm(60)
    y = min(c.y + c.mm(10), c.hauteur - c.marge - c.mm(25))
    points = [(x + i * c.mm(3), y + c.rng.randint(0, c.mm(12))) for i in range(16)]
    c.dessin.line(points, fill=30, width=max(2, c.mm(0.5)))


def _document(c: _Crayon, modele: Modele, page: int, reserve_mm: float = 45) -> None:
    """An A4 letter or form; continuation pages have only a running header."""
    if page == 1:
        _entete(c, modele)
        c.y += c.mm(8)
        for rang, titre in enumerate(modele.titres):
            points = 20.0 if rang == 0 else 11.0
            largeur = c.largeur - 2 * c.marge
            while (
                points > 9
                and c.dessin.textlength(titre, police(_px(points, c.dpi), rang == 0)) > largeur
            ):
                points -= 1  # a long heading is printed smaller, never cut
            c.texte(c.marge, titre, points, gras=rang == 0)
        c.y += c.mm(4)
        c.filet()
        _champs(c, modele.champs)
        c.y += c.mm(5)
        if modele.tableau:
            _tableau(c, modele.tableau)
    else:
        courant = modele.courant or modele.titres[0].capitalize()
        c.texte(c.marge, courant, 8, gris=60, avancer=False)
        c.texte(c.largeur - c.marge, f"Page {page}/{modele.pages}", 8, gris=60, droite=True)
        c.filet(0.2)
        if modele.code in ("jugement_divorce", "jugement_expulsion") and page == modele.pages:
            c.paragraphe(8)
            c.texte(c.marge, "PAR CES MOTIFS", 10, gras=True)
    while c.y < c.hauteur - c.marge - c.mm(reserve_mm):
        c.paragraphe(c.rng.randint(3, 7))
    _signature(c)
    if page == 1 and modele.pages > 1:
        c.y = c.hauteur - c.marge
        c.texte(c.largeur - c.marge, f"Page 1/{modele.pages}", 8, gris=60, droite=True)


def _photo(c: _Crayon, x: int, y: int, largeur: int, hauteur: int) -> None:
    """An identity photo: grey background, head and shoulders."""
    photo = Image.new("L", (largeur, hauteur), 170)
    dessin = ImageDraw.Draw(photo)
    cx = largeur // 2
    dessin.ellipse((cx - largeur // 4, hauteur // 6, cx + largeur // 4, hauteur * 3 // 5), fill=90)
    dessin.ellipse((largeur // 8, hauteur * 2 // 3, largeur * 7 // 8, hauteur * 3 // 2), fill=60)
    c.image.paste(photo, (x, y))


def _carte(c: _Crayon, modele: Modele, page: int) -> None:
    """An ID-1 card (85.6 × 54 mm; passport page larger) photocopied on an A4 sheet."""
    taille = (125.0, 88.0) if modele.code == "passeport" else (85.6, 54.0)
    largeur, hauteur = c.mm(taille[0]), c.mm(taille[1])
    x0 = c.marge + c.mm(c.rng.uniform(0, 25))
    y0 = c.marge + c.mm(c.rng.uniform(0, 30))
    c.dessin.rounded_rectangle(
        (x0, y0, x0 + largeur, y0 + hauteur),
        radius=c.mm(3),
        fill=228,
        outline=40,
        width=max(2, c.mm(0.4)),
    )
    # Wavy background lines, as security printing photocopies.
    pas = c.mm(2)
    for k in range(c.mm(4), hauteur - c.mm(2), c.mm(3)):
        vague = [
            (x0 + i, y0 + k + round(c.mm(1) * math.sin(i / c.mm(6) + k)))
            for i in range(c.mm(2), largeur - c.mm(2), pas)
        ]
        c.dessin.line(vague, fill=205, width=1)
    interieur = c.mm(3)
    c.y = y0 + interieur
    recto = page == 1
    if recto:
        c.texte(x0 + interieur, modele.emetteur[0] if modele.emetteur else "", 6, gras=True)
        c.texte(
            x0 + interieur, modele.titres[0], 8 if len(modele.titres[0]) < 26 else 6.5, gras=True
        )
        if len(modele.titres) > 1:
            c.texte(x0 + interieur, modele.titres[1], 5.5, gris=50)
        photo_l, photo_h = c.mm(taille[0] * 0.3), c.mm(taille[1] * 0.55)
        _photo(c, x0 + interieur, c.y, photo_l, photo_h)
        x = x0 + interieur * 2 + photo_l
        for champ in modele.champs:
            c.texte(x, champ, 5, gris=70)
            c.texte(x, _valeur(champ, c.rng).upper(), 7, gras=True)
    else:
        c.texte(x0 + interieur, "Adresse / Address", 5, gris=70)
        c.texte(x0 + interieur, c.rng.choice(RUES).upper(), 7, gras=True)
        c.texte(x0 + interieur, c.rng.choice(COMMUNES).upper(), 7, gras=True)
        c.texte(x0 + interieur, "Délivrée le / Issued on", 5, gris=70)
        c.texte(x0 + interieur, _valeur("date", c.rng), 7, gras=True)
        c.y = y0 + hauteur - c.mm(14)
        nom = c.rng.choice(NOMS).replace(" ", "<").replace("'", "")
        mrz = (
            f"IDFRA{nom}<<<<<<<<<<<<<<<<<<<<<<<<<"[:30],
            f"{c.rng.randint(10**11, 10**12 - 1)}FRA<<<<<<<<<<<<<<<"[:30],
        )
        for ligne in mrz:
            c.texte(x0 + interieur, ligne, 8, style="SansMono")


def _manuscrit(c: _Crayon, modele: Modele, page: int) -> None:
    """A handwritten-like letter: italic serif, wavering baselines, uneven margins."""
    rng = c.rng
    c.y = c.marge + c.mm(10)
    c.texte(c.largeur // 2, f"{_nom(rng)}", 13, style="Serif-Italic", gris=35)
    c.texte(c.largeur // 2, rng.choice(RUES), 13, style="Serif-Italic", gris=35)
    c.y += c.mm(20)
    c.texte(c.marge + c.mm(5), modele.titres[0], 14, style="Serif-Italic", gris=30)
    c.y += c.mm(4)
    fonte = police(_px(14, c.dpi), False, "Serif-Italic")
    while c.y < c.hauteur - c.marge - c.mm(50):
        x = c.marge + c.mm(rng.uniform(0, 8))
        for _ in range(rng.randint(5, 9)):
            mot = rng.choice(MOTS)
            c.dessin.text((x, c.y + rng.randint(-3, 3)), mot, font=fonte, fill=rng.randint(25, 60))
            x += round(c.dessin.textlength(mot + " ", font=fonte)) + rng.randint(0, c.mm(2))
        c.y += _px(22, c.dpi) + rng.randint(-2, 2)
    _signature(c)


def _facture(c: _Crayon, modele: Modele, page: int) -> None:
    """An energy invoice with a SEPA transfer QR code (EPC069-12) in its payment slip."""
    _document(c, modele, page, reserve_mm=95)
    code = qrcode.QRCode(border=2, box_size=max(2, round(0.75 * c.dpi / 25.4)))
    code.add_data(EPC_QR)
    image = code.make_image().get_image().convert("L")
    x = c.largeur - c.marge - image.width
    y = c.hauteur - c.marge - image.height - c.mm(30)
    c.dessin.rectangle(
        (c.marge, y - c.mm(8), c.largeur - c.marge, y + image.height + c.mm(4)),
        fill=255,
        outline=80,
    )
    c.dessin.text(
        (c.marge + c.mm(3), y),
        "Payer par virement : scannez ce code avec",
        font=police(_px(9, c.dpi)),
        fill=0,
    )
    c.dessin.text(
        (c.marge + c.mm(3), y + c.mm(6)),
        "l'application de votre banque.",
        font=police(_px(9, c.dpi)),
        fill=0,
    )
    c.image.paste(image, (x, y))


DESSINS: dict[str, Callable[[_Crayon, Modele, int], None]] = {
    "document": _document,
    "carte": _carte,
    "manuscrit": _manuscrit,
    "facture": _facture,
}


@functools.lru_cache(maxsize=32)  # about 125 MB of clean pages at 200 dpi
def page_propre(gabarit: str, page: int, dpi: int, variante: int) -> Image.Image:
    """Draw page ``page`` (1-based) of a piece of template ``gabarit``, clean, greyscale."""
    modele = MODELES[gabarit]
    image = Image.new("L", taille_page(dpi), 255)
    crayon = _Crayon(image, dpi, random.Random(f"{gabarit}:{page}:{variante}"))
    DESSINS[modele.forme](crayon, modele, page)
    return image


def rendre_piece(gabarit: str, dpi: int, variante: int) -> list[Image.Image]:
    """Return the clean pages of one piece of template ``gabarit`` (cached, do not modify them)."""
    type_piece(type_de(gabarit))  # unknown codes fail loudly
    return [
        page_propre(gabarit, n, dpi, variante % VARIANTES) for n in range(1, pages_de(gabarit) + 1)
    ]
