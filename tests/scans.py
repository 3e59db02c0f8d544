"""Realistic scanned PDFs (degraded JPEG pages of synth's pieces) for the tests of pieces and their limits."""

from __future__ import annotations

import io
import random
from pathlib import Path

import img2pdf

from synth import degrade
from synth.pieces import rendre_piece


def scan_pdf(
    path: Path,
    gabarits: list[str],
    *,
    dpi: int = 200,
    qualite: int = 75,
    envers: frozenset[int] = frozenset(),
) -> Path:
    """Write a dossier PDF of the degraded scanned pages of ``gabarits``, one JPEG a page."""
    rng = random.Random(7)
    images: list[bytes] = []
    for gabarit in gabarits:
        for page in rendre_piece(gabarit, dpi, 0):
            scan = degrade.scanner(page, rng, degrade.DOUX, envers=len(images) in envers)
            tampon = io.BytesIO()
            scan.save(tampon, "JPEG", quality=qualite, dpi=(dpi, dpi))
            images.append(tampon.getvalue())
    path.write_bytes(img2pdf.convert(images, nodate=True))
    return path
