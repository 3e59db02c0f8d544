"""Attestation d'enregistrement or de renouvellement (R.441-2-4 CCH), QR code on page 1.

Page 1 carries everything the applicant needs and the separator QR code, so that
a photocopy of it stapled before mailed pieces files them in the right dossier;
page 2 explains renewal and the applicant's rights.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from scanning.qr_payload import AttestationPayload, Keyring, encode
from sne.documents import layout
from sne.documents.data import ADRESSE_NUMERISATION, AttestationData
from sne.documents.layout import mm


def titre(data: AttestationData) -> str:
    """Return the document's title, registration or renewal."""
    nature = "de renouvellement" if data.renouvellement else "d'enregistrement"
    return f"Attestation {nature} de demande de logement social"


def payload(data: AttestationData) -> AttestationPayload:
    """Return what the attestation's QR code declares."""
    return AttestationPayload(
        numero=data.numero, date_emission=data.date_emission, renouvellement=data.renouvellement
    )


def _page_1(
    canvas: Canvas, data: AttestationData, keyring: Keyring, adresse_numerisation: Sequence[str]
) -> None:
    y = layout.entete(canvas)
    # Sender on the left, applicant where a window envelope shows it (right, 45–90 mm).
    haut = layout.PAGE_HEIGHT - 45 * mm
    layout.texte(canvas, layout.MARGIN, haut, "Service enregistreur", taille=8, couleur=layout.GRIS)
    layout.adresse(
        canvas,
        layout.MARGIN,
        haut - 12,
        [data.guichet.nom, *data.guichet.adresse],
        9,
        largeur=80 * mm,
    )
    nom_complet = f"{data.civilite} {data.prenoms} {data.nom.upper()}".strip()
    layout.adresse(
        canvas,
        110 * mm,
        haut - 12,
        [nom_complet, *data.adresse],
        10.5,
        largeur=layout.PAGE_WIDTH - layout.MARGIN - 110 * mm,
    )
    y = layout.PAGE_HEIGHT - 88 * mm
    layout.texte(
        canvas,
        layout.PAGE_WIDTH - layout.MARGIN,
        y,
        f"Délivrée le {layout.date_longue(data.date_emission)}",
        taille=9.5,
        aligne="droite",
    )
    y -= 10 * mm
    for ligne in simpleSplit(
        layout.imprimable(titre(data).upper()), layout.BOLD, 15, layout.CONTENT_WIDTH
    ):
        layout.texte(
            canvas, layout.MARGIN, y, ligne, police=layout.BOLD, taille=15, couleur=layout.BLEU
        )
        y -= 18
    y -= 2 * mm
    # The number, large: the applicant quotes it everywhere.
    canvas.setStrokeColor(layout.BLEU)
    canvas.setLineWidth(1.2)
    canvas.rect(layout.MARGIN, y - 13 * mm, layout.CONTENT_WIDTH, 13 * mm, stroke=1, fill=0)
    canvas.setStrokeColorRGB(0, 0, 0)
    layout.texte(
        canvas, layout.MARGIN + 4 * mm, y - 8.3 * mm, "Numéro unique", police=layout.BOLD, taille=11
    )
    layout.texte(
        canvas, layout.MARGIN + 45 * mm, y - 8.6 * mm, data.numero, police=layout.MONO, taille=17
    )
    y -= 13 * mm
    if data.radiee:
        canvas.setFillColor(layout.ROUGE)
        canvas.rect(layout.MARGIN, y - 9 * mm, layout.CONTENT_WIDTH, 9 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(layout.BOLD, 11)
        canvas.drawCentredString(
            layout.PAGE_WIDTH / 2,
            y - 6 * mm,
            layout.imprimable(
                "DEMANDE RADIÉE – cette attestation ne justifie plus d'une demande en cours"
            ),
        )
        canvas.setFillColorRGB(0, 0, 0)
        y -= 9 * mm
    renouvellement = (
        layout.date_courte(data.date_renouvellement) if data.date_renouvellement else "Aucun"
    )
    y = layout.champs(
        canvas,
        layout.MARGIN,
        y - 1 * mm,
        layout.CONTENT_WIDTH,
        [
            ("Demandeur", nom_complet),
            ("Date de naissance", layout.date_courte(data.date_naissance)),
            ("Territoire", data.territoire),
            (
                "Service ayant enregistré la demande",
                f"{data.guichet.nom} ({data.guichet.code})",
            ),
            ("Date de dépôt (ancienneté de la demande)", layout.date_courte(data.date_depot)),
            ("Date du dernier renouvellement", renouvellement),
            ("Date d'expiration de la demande", layout.date_courte(data.date_expiration)),
        ],
        colonne=72 * mm,
        pas=7 * mm,
    )
    if data.radiee:
        validite = (
            "Cette demande a été radiée : elle n'est plus valable. Un guichet enregistreur peut "
            "vous dire si elle peut être réactivée avec son ancienneté."
        )
    else:
        validite = (
            f"Votre demande est valable jusqu'au {layout.date_longue(data.date_expiration)}. "
            "Sans renouvellement avant cette date, elle sera radiée. Comment la renouveler : "
            "voir page 2. Conservez cette attestation : elle prouve l'ancienneté de votre demande."
        )
    layout.paragraphe(
        canvas,
        layout.MARGIN,
        y - 6 * mm,
        layout.CONTENT_WIDTH,
        validite,
        police=layout.BOLD,
        taille=9.5,
    )

    # Bottom block: how to mail pieces, beside the QR code.
    largeur_qr = layout.largeur_bloc_qr()
    x_qr = layout.PAGE_WIDTH - layout.MARGIN - largeur_qr - 3 * mm
    canvas.setStrokeColor(layout.BLEU)
    canvas.setFillColor(layout.GRIS_CLAIR)
    canvas.setLineWidth(0.8)
    bas_bloc = 20 * mm
    hauteur_bloc = largeur_qr + 16 * mm
    canvas.rect(layout.MARGIN, bas_bloc, layout.CONTENT_WIDTH, hauteur_bloc, stroke=1, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    haut = bas_bloc + hauteur_bloc
    layout.bloc_qr(
        canvas,
        encode(payload(data), keyring),
        x_qr,
        haut - 5 * mm,
        "Ce code identifie votre dossier : ne pas le masquer",
    )
    largeur_texte = x_qr - layout.MARGIN - 9 * mm
    ligne = haut - 7 * mm
    layout.texte(
        canvas,
        layout.MARGIN + 4 * mm,
        ligne,
        "Envoyer vos pièces justificatives par courrier",
        police=layout.BOLD,
        taille=10.5,
        couleur=layout.BLEU,
    )
    ligne = layout.paragraphe(
        canvas,
        layout.MARGIN + 4 * mm,
        ligne - 14,
        largeur_texte,
        "Photocopiez cette page 1 (le code doit rester lisible) et agrafez derrière elle les "
        "copies de vos pièces, le recto et le verso de chaque pièce à la suite. N'envoyez jamais "
        "d'originaux. Adressez le tout à :",
        taille=8.5,
    )
    ligne = layout.adresse(
        canvas, layout.MARGIN + 8 * mm, ligne - 2, adresse_numerisation, taille=8.5
    )
    layout.paragraphe(
        canvas,
        layout.MARGIN + 4 * mm,
        ligne - 3,
        largeur_texte,
        "Vos pièces sont ajoutées à votre dossier dans les 2 jours ouvrés suivant leur réception ; "
        "vous êtes prévenu par courriel si vous avez donné votre adresse.",
        taille=8.5,
    )
    layout.pied(canvas, f"{titre(data)} – {data.numero}", 1, 2)
    canvas.showPage()


def _page_2(canvas: Canvas, data: AttestationData) -> None:
    y = layout.entete(canvas, titre(data) + " (suite)", f"Numéro unique : {data.numero}")
    y -= 4 * mm
    y = layout.encadre(
        canvas,
        layout.MARGIN,
        y,
        layout.CONTENT_WIDTH,
        "Comment renouveler votre demande",
        [data.comment_renouveler],
        numerote=False,
    )
    y -= 6 * mm
    droits = [
        "Votre demande est valable un an à compter de son dépôt ou de son dernier "
        "renouvellement. Le renouvellement conserve votre numéro unique et l'ancienneté de "
        "votre demande. Une demande non renouvelée est radiée ; elle peut être réactivée, avec "
        "la même ancienneté, pendant un délai limité.",
        "Signalez tout changement de situation (adresse, ressources, composition du foyer) sur "
        "www.demande-logement-social.gouv.fr ou auprès d'un guichet enregistreur : votre demande "
        "est partagée par tous les bailleurs du territoire, une seule demande suffit.",
        "Vos pièces justificatives peuvent être déposées en ligne (2 Mo par pièce au plus) ou "
        "envoyées par courrier avec la copie de la page 1 de cette attestation.",
    ]
    if data.delai_anormalement_long_mois is not None:
        droits.append(
            "Dans votre département, le délai anormalement long est fixé à "
            f"{data.delai_anormalement_long_mois} mois : sans proposition de logement adaptée "
            "passé ce délai, vous pouvez saisir la commission de médiation (droit au logement "
            "opposable)."
        )
    else:
        droits.append(
            "Sans proposition de logement adaptée au-delà du délai anormalement long fixé dans "
            "votre département, vous pouvez saisir la commission de médiation (droit au logement "
            "opposable)."
        )
    droits.append(
        "Les informations de votre demande sont enregistrées dans le système national "
        "d'enregistrement pour la gestion des demandes et des attributions de logements sociaux. "
        "Vous pouvez y accéder et les faire rectifier auprès de tout guichet enregistreur."
    )
    y = layout.encadre(
        canvas, layout.MARGIN, y, layout.CONTENT_WIDTH, "Ce que vous devez savoir", droits
    )
    layout.pied(canvas, f"{titre(data)} – {data.numero}", 2, 2)
    canvas.showPage()


def render_attestation(
    data: AttestationData,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Return the two-page PDF of the attestation."""
    buffer = io.BytesIO()
    canvas = layout.nouveau_canvas(buffer, f"{titre(data)} {data.numero}", titre(data))
    _page_1(canvas, data, keyring, adresse_numerisation)
    _page_2(canvas, data)
    canvas.save()
    return buffer.getvalue()
