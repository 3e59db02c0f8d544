"""Bordereau de transmission and the printed sending: bordereau first, then each fiche."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from scanning.qr_payload import BordereauPayload, Keyring, encode
from sne.documents import fiche, layout
from sne.documents.data import ADRESSE_NUMERISATION, BordereauData, FicheData, LigneBordereau
from sne.documents.layout import mm

TITRE = "Bordereau de transmission"
SOUS_TITRE = (
    "Bordereau obligatoire pour la transmission des pièces justificatives des dossiers "
    "des demandeurs"
)
#: Height of one dossier line in the list, and the lowest baseline the list may use.
PAS_LISTE = 3.5 * mm
BAS_LISTE = 17 * mm


def payload(data: BordereauData) -> BordereauPayload:
    """Return what the bordereau's QR code declares."""
    return BordereauPayload(
        envoi=data.envoi,
        guichet=data.guichet.code,
        departement=data.departement,
        nb_dossiers=data.nb_dossiers,
        nb_pages=data.nb_pages,
        date=data.date_transmission,
    )


def _liste(canvas: Canvas, y: float, lignes: Sequence[LigneBordereau]) -> float:
    """Draw the dossiers in two columns down to BAS_LISTE; say how many did not fit.

    The bordereau stays one page whatever the sending's size: each dossier also has
    its own fiche, which is what the pipeline reconciles.
    """
    pas = PAS_LISTE
    par_colonne = max(1, int((y - BAS_LISTE) / pas))
    capacite = 2 * par_colonne
    montrees = list(lignes[:capacite]) if len(lignes) <= capacite else list(lignes[: capacite - 1])
    largeur = (layout.CONTENT_WIDTH - 6 * mm) / 2
    bas = y
    for colonne in range(2):
        x = layout.MARGIN + colonne * (largeur + 6 * mm)
        morceau = montrees[colonne * par_colonne : (colonne + 1) * par_colonne]
        if not morceau:
            continue
        ligne_y = y
        canvas.setFillColor(layout.GRIS_CLAIR)
        canvas.rect(x, ligne_y - 1.3 * mm, largeur, pas, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        for libelle, dx, aligne in (
            ("N°", 6 * mm, "droite"),
            ("Numéro unique", 8 * mm, "gauche"),
            ("Nom", 45 * mm, "gauche"),
            ("Pages", largeur - 1 * mm, "droite"),
        ):
            layout.texte(
                canvas, x + dx, ligne_y, libelle, police=layout.BOLD, taille=7, aligne=aligne
            )
        for rang, ligne in enumerate(morceau, start=colonne * par_colonne + 1):
            ligne_y -= pas
            layout.texte(canvas, x + 6 * mm, ligne_y, str(rang), taille=7, aligne="droite")
            layout.texte(
                canvas, x + 8 * mm, ligne_y, ligne.numero, police=layout.MONO_REGULIER, taille=7
            )
            nom = ligne.nom.upper()
            if len(nom) > 24:
                nom = nom[:23] + "…"
            layout.texte(canvas, x + 45 * mm, ligne_y, nom, taille=7)
            layout.texte(
                canvas,
                x + largeur - 1 * mm,
                ligne_y,
                str(ligne.nb_pages),
                taille=7,
                aligne="droite",
            )
        bas = min(bas, ligne_y)
    if len(montrees) < len(lignes):
        bas -= pas
        layout.texte(
            canvas,
            layout.MARGIN,
            bas,
            f"… et {len(lignes) - len(montrees)} autres dossiers : voir leurs fiches récapitulatives.",
            police=layout.OBLIQUE,
            taille=8,
        )
    return bas - 2 * mm


def dessiner(
    canvas: Canvas, data: BordereauData, keyring: Keyring, adresse_numerisation: Sequence[str]
) -> None:
    """Draw the bordereau as one page."""
    largeur_qr = layout.largeur_bloc_qr()
    y = layout.entete(
        canvas, TITRE, SOUS_TITRE, largeur=layout.CONTENT_WIDTH - largeur_qr - 10 * mm
    )
    haut_qr = layout.PAGE_HEIGHT - 14 * mm - 50 - 3 * mm
    layout.bloc_qr(
        canvas,
        encode(payload(data), keyring),
        layout.PAGE_WIDTH - layout.MARGIN - largeur_qr,
        haut_qr,
        "Ne pas plier, annoter ni agrafer sur ce code",
    )
    y = layout.paragraphe(
        canvas,
        layout.MARGIN,
        y - 2,
        layout.CONTENT_WIDTH - largeur_qr - 10 * mm,
        "RAPPEL : les pièces justificatives d'une même demande de logement doivent être "
        "accompagnées de la fiche récapitulative de la demande.",
        police=layout.BOLD,
        taille=9,
    )
    y = min(y, haut_qr - largeur_qr - 14) - 2 * mm
    y = layout.champs(
        canvas,
        layout.MARGIN,
        y,
        layout.CONTENT_WIDTH,
        [
            ("Identifiant de l'envoi", data.envoi),
            ("Numéro du guichet", data.guichet.code),
            ("Nom du guichet", data.guichet.nom),
            ("Numéro de département du guichet", data.departement),
            ("Nombre de dossiers transmis", str(data.nb_dossiers)),
            (
                "Nombre total de pages (y compris les fiches récapitulatives et le bordereau "
                "de transmission)",
                str(data.nb_pages),
            ),
            ("Date de transmission", layout.date_courte(data.date_transmission)),
        ],
        pas=6.5 * mm,
    )
    y -= 5 * mm
    y = layout.encadre(
        canvas,
        layout.MARGIN,
        y,
        layout.CONTENT_WIDTH,
        "Comment constituer le pli",
        [
            "Placez ce bordereau en premier, puis chaque dossier : sa fiche récapitulative suivie "
            "de ses pièces, agrafées ensemble dans le coin supérieur gauche.",
            "Envoyez des copies, jamais d'originaux. Le recto et le verso d'une même pièce se "
            "suivent ; ne mélangez pas les pièces de deux demandes.",
            "Adressez le pli à : " + ", ".join(adresse_numerisation) + ".",
            "Les pièces sont traitées dans les 2 jours ouvrés suivant la réception ; l'adresse "
            "référente du guichet reçoit un courriel de notification. Conservez une copie de ce "
            "bordereau pour signaler un éventuel incident.",
        ],
        taille=8.5,
    )
    if data.lignes:
        y -= 6 * mm
        layout.texte(
            canvas,
            layout.MARGIN,
            y,
            "Dossiers de l'envoi",
            police=layout.BOLD,
            taille=11,
            couleur=layout.BLEU,
        )
        _liste(canvas, y - 5 * mm, data.lignes)
    layout.pied(
        canvas,
        f"Bordereau émis le {layout.date_courte(data.date_transmission)} par le SNE – "
        f"envoi {data.envoi}",
        1,
        1,
    )
    canvas.showPage()


def render_bordereau(
    data: BordereauData,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Return the PDF of a bordereau alone."""
    buffer = io.BytesIO()
    canvas = layout.nouveau_canvas(buffer, f"{TITRE} {data.envoi}", SOUS_TITRE)
    dessiner(canvas, data, keyring, adresse_numerisation)
    canvas.save()
    return buffer.getvalue()


def render_envoi(
    bordereau: BordereauData,
    fiches: Sequence[FicheData],
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Return one PDF to print for a sending: the bordereau, then each demand's fiche."""
    buffer = io.BytesIO()
    canvas = layout.nouveau_canvas(
        buffer, f"Envoi {bordereau.envoi} : bordereau et fiches récapitulatives", SOUS_TITRE
    )
    dessiner(canvas, bordereau, keyring, adresse_numerisation)
    for rang, data in enumerate(fiches, start=1):
        fiche.dessiner(
            canvas,
            data,
            keyring,
            adresse_numerisation,
            envoi=(bordereau.envoi, rang, len(fiches)),
        )
    canvas.save()
    return buffer.getvalue()
