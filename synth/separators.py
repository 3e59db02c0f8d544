"""The system's real separator sheets, printed by ``sne.documents`` and rasterised at scan resolution.

Clean rasterised pages are kept for a few recent contents (callers must not modify them).
"""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from scanning.qr_payload import Keyring
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_bordereau
from sne.documents.data import AttestationData, BordereauData, FicheData
from sne.documents.fiche import render_fiche
from synth.pieces import taille_page

QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True)
class Feuille:
    """A clean rasterised separator page and where its QR code is."""

    image: Image.Image
    qr: tuple[int, int, int, int]  # left, top, right, bottom in pixels
    modules: int = 33  # modules on a side of the QR code (17 + 4 × version)


def _raster(pdf: bytes, dpi: int) -> Image.Image:
    """Render page 1 of ``pdf`` in greyscale at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, grayscale=True)
        rendue = bitmap.to_pil().convert("L")
        # The scanner's page size, whatever the rounding of the PDF's points to pixels.
        image: Image.Image = Image.new("L", taille_page(dpi), 255)
        image.paste(rendue, (0, 0))
        return image
    finally:
        document.close()


def _boite_qr(image: Image.Image) -> tuple[tuple[int, int, int, int], int]:
    """Find the box of the page's only QR code and its number of modules on a side."""
    [code] = zxingcpp.read_barcodes(image, formats=QR)
    extra = code.extra if isinstance(code.extra, dict) else {}
    modules = 17 + 4 * int(extra.get("Version", 4))
    position = code.position
    xs = [
        position.top_left.x,
        position.top_right.x,
        position.bottom_left.x,
        position.bottom_right.x,
    ]
    ys = [
        position.top_left.y,
        position.top_right.y,
        position.bottom_left.y,
        position.bottom_right.y,
    ]
    return (min(xs), min(ys), max(xs), max(ys)), modules


_CACHE: OrderedDict[tuple[object, ...], Feuille] = OrderedDict()
_CACHE_TAILLE = 4  # a sheet fed twice through the scanner; the rest is never reused


def feuille(
    data: FicheData | BordereauData | AttestationData, keyring: Keyring, dpi: int
) -> Feuille:
    """Render the separator for ``data`` (page 1 only for an attestation), cached per content."""
    cle = (data, keyring.current_id, keyring.keys[keyring.current_id], dpi)
    if cle in _CACHE:
        _CACHE.move_to_end(cle)
        return _CACHE[cle]
    if isinstance(data, FicheData):
        pdf = render_fiche(data, keyring)
    elif isinstance(data, BordereauData):
        pdf = render_bordereau(data, keyring)
    else:
        pdf = render_attestation(data, keyring)
    image = _raster(pdf, dpi)
    rendue = Feuille(image, *_boite_qr(image))
    _CACHE[cle] = rendue
    while len(_CACHE) > _CACHE_TAILLE:
        _CACHE.popitem(last=False)
    return rendue


def abimer_qr(source: Feuille, rng: random.Random, *, detruire: bool) -> Image.Image:
    """Damage the QR code: badly faded and blurred (still readable with care), or destroyed.

    Destroyed keeps every function pattern (finders, timing, format and version
    information, the bottom-right alignment pattern) and scrambles the data modules
    of the lower right three quarters, far beyond error correction: a reader sees a
    QR code it cannot decode, as with an inked-over or stained code.
    """
    image = source.image.copy()
    gauche, haut = source.qr[:2]
    zone = image.crop(source.qr)
    if detruire:
        dessin = ImageDraw.Draw(zone)
        n = source.modules
        pas = zone.width / n
        alignement = range(n - 10, n - 3)
        for i in range(9, n):
            for j in range(9, n):
                if (i in alignement and j in alignement) or rng.random() < 0.5:
                    continue
                x, y = round(i * pas), round(j * pas)
                centre = zone.getpixel((round((i + 0.5) * pas), round((j + 0.5) * pas)))
                teinte = 0 if isinstance(centre, int) and centre > 127 else 255  # flip it
                dessin.rectangle(
                    (x, y, round((i + 1) * pas) - 1, round((j + 1) * pas) - 1), fill=teinte
                )
    else:
        zone = zone.filter(ImageFilter.GaussianBlur(1.1)).point(lambda v: 95 + v * 160 // 255)
    image.paste(zone, (gauche, haut))
    return image
