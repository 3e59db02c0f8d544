"""The system's real separator sheets, printed by ``sne.documents`` and rasterised at scan resolution."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from scanning.qr_payload import Keyring
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_bordereau
from sne.documents.data import AttestationData, BordereauData, FicheData
from sne.documents.fiche import render_fiche

QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True)
class Feuille:
    """A clean rasterised separator page and where its QR code is."""

    image: Image.Image
    qr: tuple[int, int, int, int]  # left, top, right, bottom in pixels


def _raster(pdf: bytes, dpi: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, grayscale=True)
        image: Image.Image = bitmap.to_pil().convert("L")
        return image
    finally:
        document.close()


def _boite_qr(image: Image.Image) -> tuple[int, int, int, int]:
    [code] = zxingcpp.read_barcodes(image, formats=QR)
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
    return min(xs), min(ys), max(xs), max(ys)


def feuille(
    data: FicheData | BordereauData | AttestationData, keyring: Keyring, dpi: int
) -> Feuille:
    """Render the separator for ``data`` (page 1 only for an attestation)."""
    if isinstance(data, FicheData):
        pdf = render_fiche(data, keyring)
    elif isinstance(data, BordereauData):
        pdf = render_bordereau(data, keyring)
    else:
        pdf = render_attestation(data, keyring)
    image = _raster(pdf, dpi)
    return Feuille(image, _boite_qr(image))


def abimer_qr(source: Feuille, rng: random.Random, *, detruire: bool) -> Image.Image:
    """Damage the QR code: badly faded and blurred (still readable with care), or destroyed.

    Destroyed keeps the three finder squares, so a reader sees a QR code it cannot
    decode, as with a torn or inked-over code.
    """
    image = source.image.copy()
    gauche, haut = source.qr[:2]
    zone = image.crop(source.qr)
    if detruire:
        dessin = ImageDraw.Draw(zone)
        largeur, hauteur = zone.size
        module = max(2, largeur // 33)
        for _ in range(260):
            x = rng.randrange(8 * module, largeur - module)
            y = rng.randrange(8 * module, hauteur - module)
            dessin.rectangle((x, y, x + 2 * module, y + 2 * module), fill=rng.choice((0, 255)))
    else:
        zone = zone.filter(ImageFilter.GaussianBlur(1.1)).point(lambda v: 95 + v * 160 // 255)
    image.paste(zone, (gauche, haut))
    return image
