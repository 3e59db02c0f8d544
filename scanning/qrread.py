"""Find QR codes on a page image: zxing-cpp by default, pyzbar as the selectable alternative.

zxing-cpp restricted to QR codes, on the page reduced to about 150 dpi, found
every separator of the generated degraded batches in a few milliseconds a page;
pyzbar (unmaintained since 2022, needs libzbar0) is kept for comparison and as a
fallback (``SNE_QR_DECODER=pyzbar``). A careful pass (rotations, downscaling,
inverted codes) is used only when a page is looked at again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import zxingcpp
from PIL import Image

QR: Final = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
DECODEURS: Final = ("zxing", "pyzbar")


@dataclass(frozen=True)
class CodeLu:
    """A QR code seen on a page: its text, or None when it was seen but not decoded."""

    texte: str | None
    orientation: int = 0  # degrees the code is turned (about 180 on an upside-down sheet)


def lire_zxing(image: Image.Image, *, soigneux: bool = False) -> list[CodeLu]:
    """QR codes on ``image`` with zxing-cpp; codes seen but undecodable come back with no text."""
    codes = zxingcpp.read_barcodes(
        image,
        formats=QR,
        try_rotate=soigneux,
        try_downscale=soigneux,
        try_invert=soigneux,
        return_errors=True,
    )
    return [
        CodeLu(code.text if code.valid else None, int(code.orientation) % 360) for code in codes
    ]


def lire_pyzbar(image: Image.Image, *, soigneux: bool = False) -> list[CodeLu]:
    """QR codes on ``image`` with pyzbar (libzbar0); it reports only what it decoded."""
    from pyzbar import pyzbar

    codes = pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    lus = []
    for code in codes:
        try:
            texte = code.data.decode("utf-8")
        except UnicodeDecodeError:
            texte = code.data.decode("latin-1")
        orientation = {"UP": 0, "RIGHT": 90, "DOWN": 180, "LEFT": 270}.get(
            str(getattr(code, "orientation", "UP")), 0
        )
        lus.append(CodeLu(texte, orientation))
    del soigneux  # pyzbar has no such mode
    return lus


def decodeur(nom: str) -> Callable[..., list[CodeLu]]:
    """Return the reader called ``nom`` ("zxing" or "pyzbar")."""
    if nom == "zxing":
        return lire_zxing
    if nom == "pyzbar":
        return lire_pyzbar
    raise ValueError(f"Décodeur QR inconnu : {nom!r} (choix : {', '.join(DECODEURS)}).")
