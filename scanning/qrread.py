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
    boite: tuple[int, int, int, int] | None = None  # left, top, right, bottom in pixels


def lire_zxing(
    image: Image.Image, *, soigneux: bool = False, tourner: bool = False
) -> list[CodeLu]:
    """QR codes on ``image`` with zxing-cpp; codes seen but undecodable come back with no text.

    ``tourner`` also looks for codes turned by a quarter (a sheet fed sideways).
    """
    codes = zxingcpp.read_barcodes(
        image,
        formats=QR,
        try_rotate=soigneux or tourner,
        try_downscale=soigneux,
        try_invert=soigneux,
        return_errors=True,
    )
    return [
        CodeLu(
            code.text if code.valid else None, int(code.orientation) % 360, _boite(code.position)
        )
        for code in codes
    ]


def _boite(position: zxingcpp.Position) -> tuple[int, int, int, int]:
    """The upright box around a code's four corners."""
    coins = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs, ys = [c.x for c in coins], [c.y for c in coins]
    return min(xs), min(ys), max(xs), max(ys)


def lire_pyzbar(
    image: Image.Image, *, soigneux: bool = False, tourner: bool = False
) -> list[CodeLu]:
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
        gauche, haut, largeur, hauteur = code.rect
        lus.append(CodeLu(texte, orientation, (gauche, haut, gauche + largeur, haut + hauteur)))
    del soigneux, tourner  # pyzbar has no such modes: it finds codes in any orientation
    return lus


def decodeur(nom: str) -> Callable[..., list[CodeLu]]:
    """Return the reader called ``nom`` ("zxing" or "pyzbar")."""
    if nom == "zxing":
        return lire_zxing
    if nom == "pyzbar":
        return lire_pyzbar
    raise ValueError(f"Décodeur QR inconnu : {nom!r} (choix : {', '.join(DECODEURS)}).")
