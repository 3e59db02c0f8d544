"""Préavis letters for the applicants without e-mail: one A4 page each, for a window envelope.

The recipient's block sits where a French window envelope (DL or C5, window on
the right, 100 × 45 mm from 110 mm left and 45 mm from the top) shows it once
the sheet is folded in three, as on the attestation; the sender's return
address sits top left, outside the window.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.pdfgen.canvas import Canvas

from sne.documents import layout
from sne.documents.layout import mm

#: Where the window of the envelope is, from the page's left and top edges.
FENETRE_X = 110 * mm
FENETRE_HAUT = 45 * mm
FENETRE_LARGEUR = 90 * mm


@dataclass(frozen=True)
class LettrePreavis:
    """One letter: whom to, and what it says."""

    numero: str
    destinataire: tuple[str, ...]
    texte: str
    date_envoi: date
    territoire: str


def _lettre(canvas: Canvas, lettre: LettrePreavis, rang: int, total: int) -> None:
    layout.entete(canvas)
    haut = layout.PAGE_HEIGHT - FENETRE_HAUT
    layout.adresse(
        canvas,
        layout.MARGIN,
        haut - 12,
        ["SNE — demande de logement social", f"Territoire {lettre.territoire}"],
        8.5,
        largeur=80 * mm,
    )
    layout.adresse(canvas, FENETRE_X, haut - 12, lettre.destinataire, 10.5, largeur=FENETRE_LARGEUR)
    y = layout.PAGE_HEIGHT - 100 * mm
    layout.texte(
        canvas,
        layout.PAGE_WIDTH - layout.MARGIN,
        y,
        f"Le {layout.date_longue(lettre.date_envoi)}",
        taille=9.5,
        aligne="droite",
    )
    y -= 10 * mm
    layout.texte(
        canvas,
        layout.MARGIN,
        y,
        f"Objet : votre demande de logement social n° {lettre.numero} arrive à échéance",
        police=layout.BOLD,
        taille=10.5,
    )
    y -= 9 * mm
    for paragraphe in lettre.texte.split("\n\n"):
        y = layout.paragraphe(canvas, layout.MARGIN, y, layout.CONTENT_WIDTH, paragraphe, taille=10)
        y -= 3 * mm
    layout.pied(canvas, f"Préavis de fin de validité — {lettre.numero} — pli {rang}/{total}", 1, 1)


def render_lettres(lettres: Sequence[LettrePreavis]) -> bytes:
    """The PDF of ``lettres``, one page each, in the order given (the index file's order)."""
    buffer = io.BytesIO()
    canvas = layout.nouveau_canvas(
        buffer, "Préavis de fin de validité à poster", "Lettres de préavis"
    )
    for rang, lettre in enumerate(lettres, start=1):
        _lettre(canvas, lettre, rang, len(lettres))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
