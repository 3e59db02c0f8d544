"""Fiche récapitulative: the separator sheet stapled before one demand's paper pieces."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from scanning.qr_payload import FichePayload, Keyring, encode
from sne.documents import layout
from sne.documents.data import ADRESSE_NUMERISATION, FicheData
from sne.documents.layout import mm

TITRE = "Fiche récapitulative"
SOUS_TITRE = (
    "Fiche obligatoire pour la numérisation et le téléchargement des pièces justificatives "
    "dans le dossier du demandeur"
)


def payload(data: FicheData) -> FichePayload:
    """Return what the fiche's QR code declares."""
    return FichePayload(
        numero=data.numero,
        nb_documents=data.nb_documents,
        nb_pages=data.nb_pages,
        date=data.date_remplissage,
    )


def dessiner(
    canvas: Canvas,
    data: FicheData,
    keyring: Keyring,
    adresse_numerisation: Sequence[str],
    *,
    envoi: tuple[str, int, int] | None = None,
) -> None:
    """Draw the fiche as one page; ``envoi`` is (sending id, rank, count) inside a sending."""
    layout.marque_agrafe(canvas)
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
    y = min(y, haut_qr - largeur_qr - 14) - 4 * mm

    layout.texte(
        canvas, layout.MARGIN, y, "Demandeur", police=layout.BOLD, taille=12, couleur=layout.BLEU
    )
    y = layout.champs(
        canvas,
        layout.MARGIN,
        y - 3 * mm,
        layout.CONTENT_WIDTH,
        [
            ("Nom", data.nom.upper()),
            ("Prénoms", data.prenoms),
            ("Date de naissance", layout.date_courte(data.date_naissance)),
            ("Numéro unique", data.numero),
            ("Nombre de documents transmis", str(data.nb_documents)),
            ("Nombre de pages y compris la présente fiche", str(data.nb_pages)),
            ("Date de remplissage", layout.date_courte(data.date_remplissage)),
            ("Guichet émetteur", f"{data.guichet.nom} ({data.guichet.code})"),
        ],
    )
    y -= 8 * mm
    y = layout.encadre(
        canvas,
        layout.MARGIN,
        y,
        layout.CONTENT_WIDTH,
        "Comment préparer ce dossier",
        [
            "Placez cette fiche en tête des pièces justificatives de ce seul demandeur, puis "
            "agrafez l'ensemble dans le coin supérieur gauche (une agrafe ; ni trombone, "
            "ni pochette, ni reliure).",
            "Envoyez des copies, jamais d'originaux : les documents ne sont pas retournés. "
            "Une pièce par feuille, format A4 de préférence, sans surligner.",
            "Le recto et le verso d'une même pièce se suivent ; les pages d'une même pièce "
            "restent dans l'ordre.",
            "Vérifiez que le nombre de pages indiqué ci-dessus, fiche comprise, correspond au "
            "dossier : en cas d'écart, le dossier est mis en attente de vérification.",
            "Ne pliez pas cette fiche et ne la photocopiez pas pour un autre demandeur : "
            "son QR code est propre à cette demande.",
            "Placez le dossier dans le pli, derrière le bordereau de transmission de l'envoi, "
            "et adressez le pli au service de numérisation (adresse ci-dessous).",
        ],
    )
    y -= 6 * mm
    layout.texte(
        canvas,
        layout.MARGIN,
        y,
        "Adresse d'envoi",
        police=layout.BOLD,
        taille=10.5,
        couleur=layout.BLEU,
    )
    y = layout.adresse(canvas, layout.MARGIN + 4 * mm, y - 14, adresse_numerisation)
    layout.paragraphe(
        canvas,
        layout.MARGIN,
        y - 6,
        layout.CONTENT_WIDTH,
        "Les pièces sont numérisées et ajoutées au dossier dans les 2 jours ouvrés suivant leur "
        "réception ; un courriel de notification indique au guichet les pièces téléversées et "
        "celles qui ont été rejetées, avec le motif.",
        taille=8.5,
    )
    note = f"Fiche émise le {layout.date_courte(data.date_remplissage)} par le SNE"
    if envoi is not None:
        note += f" – envoi {envoi[0]}, dossier {envoi[1]}/{envoi[2]}"
    layout.pied(canvas, note, 1, 1)
    canvas.showPage()


def render_fiche(
    data: FicheData,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Return the PDF of one fiche récapitulative."""
    buffer = io.BytesIO()
    canvas = layout.nouveau_canvas(buffer, f"{TITRE} {data.numero}", SOUS_TITRE)
    dessiner(canvas, data, keyring, adresse_numerisation)
    canvas.save()
    return buffer.getvalue()
