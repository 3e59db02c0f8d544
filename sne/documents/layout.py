"""Shared page furniture of the printed documents: header, fields, boxes, QR block, footer."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import date

from reportlab.lib import units
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from sne.documents import polices
from sne.documents.qr import QUIET_ZONE, draw_qr

#: One millimetre in PDF points (reportlab's ``units.mm``, typed).
mm: float = units.mm
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

#: Side of the printed QR code, quiet zone excluded (see ``scanning.qr_payload``).
QR_SIZE = 26 * mm

BLEU = HexColor("#000091")
GRIS = HexColor("#666666")
GRIS_CLAIR = HexColor("#EEEEEE")
ROUGE = HexColor("#C9191E")

REGULAR = "SNE-Regulier"
BOLD = "SNE-Gras"
OBLIQUE = "SNE-Oblique"
MONO = "SNE-MonoGras"
MONO_REGULIER = "SNE-Mono"

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# Spaces and hyphens the fonts draw badly or not at all.
_SUBSTITUTS = str.maketrans(
    {
        "\u202f": "\u00a0",  # narrow no-break space, before « ; : ! ? »
        "\u2009": " ",
        "\u2010": "-",
        "\u2011": "-",
    }
)
# Letters Unicode does not decompose, for the unaccented fallback.
_LETTRES = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ø": "O", "ø": "o"}


def imprimable(texte: str) -> str:
    """Return ``texte`` with only characters the embedded fonts can print.

    DejaVu covers French, the rest of Latin, Greek and Cyrillic, so names print as
    written; a character outside it becomes its unaccented form, or "?".
    """
    glyphes = polices.enregistrer()
    texte = texte.translate(_SUBSTITUTS)
    if all(ord(c) in glyphes for c in texte):
        return texte
    return "".join(c if ord(c) in glyphes else _caractere(c) for c in texte)


def _caractere(c: str) -> str:
    if c in _LETTRES:
        return _LETTRES[c]
    simple = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode("ascii")
    return simple or "?"


def date_courte(jour: date) -> str:
    """15/03/2024."""
    return jour.strftime("%d/%m/%Y")


def date_longue(jour: date) -> str:
    """15 mars 2024 (1er for the first day of a month)."""
    numero = "1er" if jour.day == 1 else str(jour.day)
    return f"{numero} {MOIS[jour.month - 1]} {jour.year}"


def nouveau_canvas(buffer: io.BytesIO, titre: str, sujet: str) -> Canvas:
    """Return an uncompressed A4 canvas writing to ``buffer``, with the embedded fonts."""
    polices.enregistrer()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        pageCompression=0,
        invariant=1,
        lang="fr-FR",
        initialFontName=REGULAR,
    )
    # Nothing is compressed: deflating the embedded font subsets would halve a fiche
    # (134 KB to 78 KB) but cost 3 ms of the 8 ms it takes to draw it.
    canvas.setTitle(imprimable(titre))
    canvas.setSubject(imprimable(sujet))
    canvas.setAuthor("Système national d'enregistrement de la demande de logement social")
    canvas.setCreator("SNE")
    return canvas


def texte(
    canvas: Canvas,
    x: float,
    y: float,
    contenu: str,
    *,
    police: str = REGULAR,
    taille: float = 10,
    couleur: Color | None = None,
    aligne: str = "gauche",
) -> None:
    """Draw one line of text at baseline ``y``, left, right or centre aligned."""
    canvas.setFont(police, taille)
    if couleur is not None:
        canvas.setFillColor(couleur)
    contenu = imprimable(contenu)
    if aligne == "droite":
        canvas.drawRightString(x, y, contenu)
    elif aligne == "centre":
        canvas.drawCentredString(x, y, contenu)
    else:
        canvas.drawString(x, y, contenu)
    if couleur is not None:
        canvas.setFillColorRGB(0, 0, 0)


def paragraphe(
    canvas: Canvas,
    x: float,
    y: float,
    largeur: float,
    contenu: str,
    *,
    police: str = REGULAR,
    taille: float = 9.5,
    interligne: float = 1.3,
) -> float:
    """Draw ``contenu`` wrapped to ``largeur`` from baseline ``y``; return the next baseline."""
    for ligne in simpleSplit(imprimable(contenu), police, taille, largeur):
        texte(canvas, x, y, ligne, police=police, taille=taille)
        y -= taille * interligne
    return y


def hauteur_paragraphe(
    largeur: float, contenu: str, *, police: str = REGULAR, taille: float = 9.5
) -> float:
    """Height taken by ``paragraphe`` with the same arguments."""
    return len(simpleSplit(imprimable(contenu), police, taille, largeur)) * taille * 1.3


def entete(
    canvas: Canvas, titre: str = "", sous_titre: str = "", *, largeur: float = CONTENT_WIDTH
) -> float:
    """Draw the State block and the service name, then the title wrapped to ``largeur``.

    Returns the y below what was drawn.
    """
    haut = PAGE_HEIGHT - 14 * mm
    for rang, ligne in enumerate(("RÉPUBLIQUE", "FRANÇAISE")):
        texte(canvas, MARGIN, haut - rang * 11, ligne, police=BOLD, taille=10.5)
    for rang, ligne in enumerate(("Liberté", "Égalité", "Fraternité")):
        texte(canvas, MARGIN, haut - 26 - rang * 9, ligne, police=OBLIQUE, taille=8)
    droite = PAGE_WIDTH - MARGIN
    texte(
        canvas, droite, haut, "Demande de logement social", police=BOLD, taille=10, aligne="droite"
    )
    texte(
        canvas,
        droite,
        haut - 12,
        "Système national d'enregistrement (SNE)",
        taille=8.5,
        aligne="droite",
    )
    texte(
        canvas,
        droite,
        haut - 23,
        "www.demande-logement-social.gouv.fr",
        taille=8.5,
        couleur=BLEU,
        aligne="droite",
    )
    y = haut - 50
    canvas.setStrokeColor(BLEU)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    canvas.setStrokeColorRGB(0, 0, 0)
    y -= 8 * mm
    for ligne in simpleSplit(imprimable(titre.upper()), BOLD, 15, largeur):
        texte(canvas, MARGIN, y, ligne, police=BOLD, taille=15, couleur=BLEU)
        y -= 18
    if sous_titre:
        y = paragraphe(canvas, MARGIN, y + 2, largeur, sous_titre, taille=10)
    return y - 4


def champs(
    canvas: Canvas,
    x: float,
    y: float,
    largeur: float,
    lignes: Sequence[tuple[str, str]],
    *,
    colonne: float = 80 * mm,
    taille: float = 10.5,
    pas: float = 8.5 * mm,
) -> float:
    """Draw label/value rows with light rules between them; return the y below the last.

    Labels and values wrap; a value may hold several lines separated by "\n".
    """
    taille_libelle = taille - 1.5
    canvas.setStrokeColor(GRIS)
    canvas.setLineWidth(0.4)
    for libelle, valeur in lignes:
        gauche = simpleSplit(imprimable(libelle), REGULAR, taille_libelle, colonne - 6)
        droite = [
            morceau
            for partie in valeur.split("\n")
            for morceau in simpleSplit(imprimable(partie), BOLD, taille, largeur - colonne - 2)
        ]
        hauteur = pas + max(
            (len(gauche) - 1) * taille_libelle * 1.3, (len(droite) - 1) * taille * 1.25
        )
        base = y - 2 * mm - taille * 0.75
        for rang, morceau in enumerate(gauche):
            texte(canvas, x + 2, base - rang * taille_libelle * 1.3, morceau, taille=taille_libelle)
        for rang, morceau in enumerate(droite):
            texte(
                canvas,
                x + colonne,
                base - rang * taille * 1.25,
                morceau,
                police=BOLD,
                taille=taille,
            )
        y -= hauteur
        canvas.line(x, y, x + largeur, y)
    canvas.setStrokeColorRGB(0, 0, 0)
    return y


def encadre(
    canvas: Canvas,
    x: float,
    y: float,
    largeur: float,
    titre: str,
    items: Sequence[str],
    *,
    numerote: bool = True,
    taille: float = 9.5,
    fond: Color = GRIS_CLAIR,
) -> float:
    """Draw a shaded box with a title and (numbered) paragraphs; return the y below it."""
    marge = 3.5 * mm
    retrait = 5 * mm if numerote else 0
    interieur = largeur - 2 * marge - retrait
    hauteur = marge + 14 + sum(hauteur_paragraphe(interieur, i, taille=taille) + 3 for i in items)
    hauteur += marge - 3
    canvas.setFillColor(fond)
    canvas.setStrokeColor(BLEU)
    canvas.setLineWidth(0.8)
    canvas.rect(x, y - hauteur, largeur, hauteur, stroke=1, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    ligne = y - marge - 8
    texte(canvas, x + marge, ligne, titre, police=BOLD, taille=10.5, couleur=BLEU)
    ligne -= 15
    for rang, item in enumerate(items, start=1):
        if numerote:
            texte(canvas, x + marge, ligne, f"{rang}.", police=BOLD, taille=taille)
        ligne = paragraphe(canvas, x + marge + retrait, ligne, interieur, item, taille=taille) - 3
    return y - hauteur


def bloc_qr(canvas: Canvas, contenu: str, x: float, y: float, legende: str) -> None:
    """Draw the QR code with its top-left corner (quiet zone included) at (x, y), with a legend."""
    module = QR_SIZE / 33  # version 4; the real module only sets the quiet zone's width
    marge = QUIET_ZONE * module
    draw_qr(canvas, contenu, x + marge, y - marge - QR_SIZE, QR_SIZE)
    centre = x + marge + QR_SIZE / 2
    bas = y - 2 * marge - QR_SIZE
    for rang, ligne in enumerate(simpleSplit(imprimable(legende), REGULAR, 6.5, QR_SIZE + marge)):
        texte(canvas, centre, bas - rang * 8, ligne, taille=6.5, couleur=GRIS, aligne="centre")


def largeur_bloc_qr() -> float:
    """Width of the QR block drawn by ``bloc_qr``, quiet zone included."""
    return QR_SIZE + 2 * QUIET_ZONE * QR_SIZE / 33


def adresse(
    canvas: Canvas,
    x: float,
    y: float,
    lignes: Sequence[str],
    taille: float = 10,
    *,
    largeur: float = CONTENT_WIDTH,
) -> float:
    """Draw a postal address, first line in bold, wrapped to ``largeur``; return the y below."""
    for rang, ligne in enumerate(lignes):
        police = BOLD if rang == 0 else REGULAR
        for morceau in simpleSplit(imprimable(ligne), police, taille, largeur):
            texte(canvas, x, y, morceau, police=police, taille=taille)
            y -= taille * 1.25
    return y


def pied(canvas: Canvas, gauche: str, page: int, pages: int) -> None:
    """Draw the footer line: a note on the left, the page number on the right."""
    y = 10 * mm
    canvas.setStrokeColor(GRIS)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, y + 9, PAGE_WIDTH - MARGIN, y + 9)
    canvas.setStrokeColorRGB(0, 0, 0)
    texte(canvas, MARGIN, y, gauche, taille=7.5, couleur=GRIS)
    texte(
        canvas,
        PAGE_WIDTH - MARGIN,
        y,
        f"Page {page}/{pages}",
        taille=7.5,
        couleur=GRIS,
        aligne="droite",
    )


def marque_agrafe(canvas: Canvas, libelle: str = "Agrafer ici") -> None:
    """Draw the staple mark in the top-left corner."""
    x, y = 7 * mm, PAGE_HEIGHT - 7 * mm
    canvas.setStrokeColor(GRIS)
    canvas.setLineWidth(0.6)
    canvas.setDash(2, 2)
    canvas.line(x, y - 9 * mm, x + 9 * mm, y)
    canvas.setDash()
    canvas.setStrokeColorRGB(0, 0, 0)
    texte(canvas, x - 1 * mm, y - 12 * mm, libelle, taille=6, couleur=GRIS)
