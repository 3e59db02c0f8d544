"""Documents per second: fiches, attestations and a 50-demand sending, on one core.

Baseline, measured in the same run in alternating rounds so both see the same
machine load: a minimal reportlab page (one line of Helvetica and a QR code
drawn by reportlab's own widget, no embedded font). ``ratio`` is fiches per
second over baseline pages per second: it moves far less than the absolute
figures on a shared machine.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bench.common import peak_rss_mb, report
from scanning.qr_payload import keyring_from_secrets
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_envoi
from sne.documents.data import (
    AttestationData,
    BordereauData,
    FicheData,
    GuichetData,
    LigneBordereau,
)
from sne.documents.fiche import render_fiche

GUICHET = GuichetData("G1104", "Mairie de Marseille – Service logement", ("2 quai du Port",))
NOMS = ("Martin", "Bernard", "Dubois", "Lefèvre-Cœurderoy", "N'Diaye", "Nguyen", "Da Silva")


def _fiche(rang: int) -> FicheData:
    return FicheData(
        nom=NOMS[rang % len(NOMS)],
        prenoms="Jean Édouard",
        date_naissance=date(1970, 1 + rang % 12, 1 + rang % 28),
        numero=f"0130318{rang:06d}G1104",
        nb_documents=1 + rang % 9,
        nb_pages=2 + rang % 30,
        date_remplissage=date(2024, 3, 15),
        guichet=GUICHET,
    )


def _attestation(rang: int) -> AttestationData:
    return AttestationData(
        numero=f"0130318{rang:06d}G1104",
        renouvellement=rang % 2 == 1,
        civilite="Mme",
        nom=NOMS[rang % len(NOMS)],
        prenoms="Anne Joséphine",
        date_naissance=date(1985, 4, 12),
        adresse=("14 rue de la République", "13001 Marseille"),
        guichet=GUICHET,
        territoire="Bouches-du-Rhône (013)",
        date_depot=date(2023, 3, 2),
        date_renouvellement=date(2024, 3, 1) if rang % 2 else None,
        date_expiration=date(2025, 3, 1),
        date_emission=date(2024, 3, 15),
    )


def page_minimale(rang: int) -> bytes:
    """The baseline: an A4 page with a line of text and a 26 mm QR code, reportlab only."""
    numero = f"0130318{rang:06d}G1104"
    tampon = io.BytesIO()
    page = Canvas(tampon, pagesize=A4)
    page.setFont("Helvetica", 12)
    page.drawString(20 * mm, 270 * mm, f"Fiche récapitulative {numero}")
    qr = QrCodeWidget(f"SNE1.F.{numero}.{rang % 99:02d}.{rang % 500:03d}.0123456789abcdef")
    x0, y0, x1, y1 = qr.getBounds()
    dessin = Drawing(
        26 * mm, 26 * mm, transform=[26 * mm / (x1 - x0), 0, 0, 26 * mm / (y1 - y0), 0, 0]
    )
    dessin.add(qr)
    renderPDF.draw(dessin, page, 20 * mm, 230 * mm)
    page.showPage()
    page.save()
    return tampon.getvalue()


def _rates(
    works: dict[str, Callable[[int], bytes]], rounds: int = 3, seconds: float = 1.0
) -> dict[str, tuple[float, int]]:
    """Run each ``work(rank)`` for ``seconds`` in turn, ``rounds`` times; calls per second and last size."""
    counts = dict.fromkeys(works, 0)
    spent = dict.fromkeys(works, 0.0)
    sizes = {name: len(work(0)) for name, work in works.items()}  # warm fonts and imports
    for _ in range(rounds):
        for name, work in works.items():
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                sizes[name] = len(work(counts[name]))
                counts[name] += 1
            spent[name] += time.perf_counter() - start
    return {name: (counts[name] / spent[name], sizes[name]) for name in works}


def main() -> None:
    """Measure and report the figures."""
    keyring = keyring_from_secrets("bench")
    rates = _rates(
        {
            "baseline": page_minimale,
            "fiche": lambda rang: render_fiche(_fiche(rang), keyring),
            "attestation": lambda rang: render_attestation(_attestation(rang), keyring),
        }
    )
    baseline_per_s, _ = rates["baseline"]
    fiches_per_s, fiche_bytes = rates["fiche"]
    attestations_per_s, attestation_bytes = rates["attestation"]

    fiches = [_fiche(rang) for rang in range(1, 51)]
    bordereau = BordereauData(
        envoi="E0000042",
        guichet=GUICHET,
        departement="013",
        nb_dossiers=len(fiches),
        nb_pages=1 + sum(f.nb_pages for f in fiches),
        date_transmission=date(2024, 3, 15),
        lignes=tuple(LigneBordereau(f.numero, f.nom, f.nb_pages) for f in fiches),
    )
    envois_per_s, envoi_bytes = _rates(
        {"envoi": lambda _: render_envoi(bordereau, fiches, keyring)}, rounds=1, seconds=5.0
    )["envoi"]

    report(
        "documents",
        {
            "fiches_per_s": round(fiches_per_s, 1),
            "baseline_qr_pages_per_s": round(baseline_per_s, 1),
            "ratio": round(fiches_per_s / baseline_per_s, 2),
            "attestations_per_s": round(attestations_per_s, 1),
            "attestations_ratio": round(attestations_per_s / baseline_per_s, 2),
            "envoi_50_s": round(1 / envois_per_s, 3),
            "envoi_50_pages_per_s": round(51 * envois_per_s, 1),
            "fiche_kb": round(fiche_bytes / 1024, 1),
            "attestation_kb": round(attestation_bytes / 1024, 1),
            "envoi_50_kb": round(envoi_bytes / 1024, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        },
        notes="single process; embedded DejaVu Sans subsets, QR as vector rectangles, "
        "uncompressed page streams; ratio = fiches/s over baseline pages/s (minimal reportlab "
        "page with a QR code, measured in alternating rounds)",
    )


if __name__ == "__main__":
    main()
