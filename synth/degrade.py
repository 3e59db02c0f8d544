"""Make a clean page look scanned: skew, noise, uneven light, blur, fading, photocopies, blank backs.

Also dark edges, punch holes, upside-down sheets, and blank backs showing the
recto through the paper. Everything is drawn from a ``random.Random`` so a batch is reproducible from its
seed. Noise comes from a field computed once per page size and shifted at
random for each page: per-pixel noise for every page would make a 1,000-page
batch take minutes.
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps


@dataclass(frozen=True)
class Niveau:
    """How hard a batch is on the reader."""

    inclinaison_max: float = 2.0  # degrees, either way
    bruit: float = 4.0  # standard deviation of grey-level noise
    flou: float = 0.5  # chance of a slight blur
    delave: float = 0.2  # chance of faded toner
    photocopie: float = 0.15  # chance of a photocopy of a photocopy
    qualite: tuple[int, int] = (60, 85)  # JPEG quality range
    bords: float = 0.1  # chance of a dark edge (lid, misfed sheet) or punch holes


DOUX = Niveau(inclinaison_max=0.5, bruit=3.0, flou=0.1, delave=0.0, photocopie=0.0, bords=0.0)
MOYEN = Niveau()
DUR = Niveau(inclinaison_max=2.0, bruit=10.0, flou=0.8, delave=0.5, photocopie=0.4, bords=0.3)


@functools.cache
def _champ_bruit(largeur: int, hauteur: int, ecart: float) -> np.ndarray:
    """A noise field twice the page's size, drawn once per size and strength.

    Grain of two pixels, as a scanner's sensor and JPEG leave it: independent
    per-pixel noise would triple the file size of a page.
    """
    generateur = np.random.default_rng(largeur * 10_000 + hauteur)
    grain = generateur.normal(0.0, ecart, (hauteur, largeur)).round().clip(-127, 127)
    grain = grain.astype(np.int8)  # a quarter of the memory of float32
    return np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)


#: Scanners' background removal: near-white paper is flattened to white.
_POINT_BLANC = [v if v <= 236 else 252 for v in range(256)]


def bruiter(
    image: Image.Image,
    rng: random.Random,
    ecart: float,
    *,
    point_blanc: bool = True,
    flou: bool = False,
) -> Image.Image:
    """Add grey-level noise of standard deviation ``ecart``, uneven light and maybe a slight blur.

    ``point_blanc`` flattens near-white paper to white as scanners do (their
    background removal), which keeps a page's JPEG at a realistic size.
    """
    largeur, hauteur = image.size
    champ = _champ_bruit(largeur, hauteur, round(ecart, 1))
    dx, dy = rng.randrange(largeur), rng.randrange(hauteur)
    pixels = np.asarray(image).astype(np.int16)
    if flou:  # two-tap averages both ways: the softness of a scanner's optics
        pixels[1:, :] += pixels[:-1, :]
        pixels[:, 1:] += pixels[:, :-1]
        pixels[1:, 1:] >>= 2
        pixels[0, :] = pixels[1, :]
        pixels[:, 0] = pixels[:, 1]
    pixels += champ[dy : dy + hauteur, dx : dx + largeur]
    # Light falls off towards one side, as under a scanner lid not quite closed.
    pente = np.linspace(0.0, rng.uniform(0, 18), largeur).astype(np.int16)
    pixels -= pente[None, :] if rng.random() < 0.5 else pente[None, ::-1]
    page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return page.point(_POINT_BLANC) if point_blanc else page


def incliner(image: Image.Image, angle: float) -> Image.Image:
    """Rotate by ``angle`` degrees around the centre, filling with paper white."""
    if abs(angle) < 0.01:
        return image
    # Nearest neighbour: six times faster than bilinear on a 200 dpi page; the blur and
    # the JPEG that follow soften the steps as a scanner's optics would.
    return image.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=245)


def delaver(image: Image.Image, force: float) -> Image.Image:
    """Fade the toner: blacks become grey (``force`` 0 to 1)."""
    plancher = round(255 * force * 0.55)
    return image.point(lambda v: plancher + v * (255 - plancher) // 255)


_CONTRASTE = [0 if v < 90 else 255 if v > 215 else (v - 90) * 255 // 125 for v in range(256)]


def photocopier(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photocopy of a photocopy: harder contrast, thickened strokes, speckles."""
    # Harder contrast: light greys wash out to white, mid greys darken (a fixed curve:
    # autocontrast would turn a pale card on a white page solid black).
    copie = image.point(_CONTRASTE)
    if rng.random() < 0.5:  # strokes thicken a little at each generation
        pixels = np.asarray(copie).copy()
        np.minimum(pixels[1:, :], pixels[:-1, :], out=pixels[1:, :])
        np.minimum(pixels[:, 1:], pixels[:, :-1], out=pixels[:, 1:])
        copie = Image.fromarray(pixels, "L")
    dessin = ImageDraw.Draw(copie)
    largeur, hauteur = copie.size
    for _ in range(rng.randint(40, 160)):
        x, y = rng.randrange(largeur), rng.randrange(hauteur)
        r = rng.randint(1, 3)
        dessin.ellipse((x, y, x + r, y + r), fill=rng.randint(0, 90))
    return copie


def scanner(
    image: Image.Image,
    rng: random.Random,
    niveau: Niveau,
    *,
    envers: bool = False,
    epargner: tuple[int, int, int, int] | None = None,
    quart: int = 0,
) -> Image.Image:
    """Return ``image`` as a scanner would see it; ``envers`` turns the sheet upside down.

    ``quart`` (90 or 270) feeds the sheet sideways: the scan must be turned that many
    degrees clockwise to be read.

    ``epargner`` is a box (the QR code of a separator) kept out of the photocopy
    effect, which would make it unreadable; fading, blur, skew and noise do reach
    it, as on real separators. Destroyed codes are built on purpose elsewhere.
    """
    page = image
    if rng.random() < niveau.photocopie:
        page = photocopier(page, rng)
        if epargner is not None:
            page.paste(image.crop(epargner), epargner[:2])
    if rng.random() < niveau.delave:
        page = delaver(page, rng.uniform(0.2, 0.45))
    flou = rng.random() < niveau.flou
    page = incliner(page, rng.uniform(-niveau.inclinaison_max, niveau.inclinaison_max))
    page = bruiter(page, rng, niveau.bruit, flou=flou)
    if rng.random() < niveau.bords:
        page = bords_sombres(page, rng)
    if envers:
        page = page.rotate(180)
    if quart:
        page = page.rotate(quart, expand=True, fillcolor=245)
    return page


def bords_sombres(image: Image.Image, rng: random.Random) -> Image.Image:
    """Darken an edge of the page (the lid's shadow) or punch two holes along the left edge."""
    page = image.copy()
    dessin = ImageDraw.Draw(page)
    largeur, hauteur = page.size
    if rng.random() < 0.5:
        bord = rng.randint(3, max(4, largeur // 120))
        if rng.random() < 0.5:
            dessin.rectangle((0, 0, bord, hauteur), fill=rng.randint(30, 90))
        else:
            dessin.rectangle((0, hauteur - bord, largeur, hauteur), fill=rng.randint(30, 90))
    else:
        rayon = largeur // 70
        x = largeur // 25
        for y in (hauteur // 2 - hauteur // 10, hauteur // 2 + hauteur // 10):
            dessin.ellipse((x - rayon, y - rayon, x + rayon, y + rayon), fill=rng.randint(20, 70))
    return page


def verso_blanc(
    taille: tuple[int, int], rng: random.Random, recto: Image.Image | None = None
) -> Image.Image:
    """The blank back of a sheet: paper tone, noise, dark borders, punch holes, bleed-through."""
    largeur, hauteur = taille
    page = Image.new("L", taille, rng.randint(236, 250))
    if recto is not None and rng.random() < 0.6:
        # Bleed-through: the recto, mirrored, very faint and diffused by the paper (shrunk
        # then enlarged: a blur that costs nothing).
        facteur = max(4, recto.width // 130)  # about 1.3 mm whatever the resolution
        diffus = (
            ImageOps.mirror(recto).reduce(facteur).resize(recto.size, Image.Resampling.BILINEAR)
        )
        transparence = diffus.point(lambda v: 255 - (255 - v) * 8 // 100)
        page = ImageChops.multiply(page, transparence)
    dessin = ImageDraw.Draw(page)
    if rng.random() < 0.5:  # the dark edge of the scanner's lid
        bord = rng.randint(3, max(4, largeur // 150))
        dessin.rectangle((0, 0, bord, hauteur), fill=rng.randint(30, 90))
    if rng.random() < 0.4:  # two punch holes along the left edge
        rayon = largeur // 70
        x = largeur // 25
        for y in (hauteur // 2 - hauteur // 10, hauteur // 2 + hauteur // 10):
            dessin.ellipse((x - rayon, y - rayon, x + rayon, y + rayon), fill=rng.randint(20, 70))
    return bruiter(page, rng, 4.0, point_blanc=False)


def verso_transparent(
    recto: Image.Image, qr: tuple[int, int, int, int], rng: random.Random, force: float = 0.35
) -> Image.Image:
    """The blank back of ``recto`` showing its QR code through the paper: mirrored, pale, soft.

    A code's solid black squares show through far more than text does: seen from the
    back, mirrored, at ``force`` of its darkness, it is often still decodable.
    """
    page = verso_blanc(recto.size, rng, recto)
    gauche, haut, droite, bas = qr
    code = ImageOps.mirror(recto.crop(qr)).filter(ImageFilter.GaussianBlur(0.8))
    pale = code.point(lambda v: 255 - round((255 - v) * force))
    boite = (recto.width - droite, haut, recto.width - gauche, bas)
    page.paste(ImageChops.multiply(page.crop(boite), pale), boite[:2])
    return page


def jpeg(image: Image.Image, qualite: int, dpi: int) -> bytes:
    """Encode as a greyscale JPEG carrying its resolution."""
    sortie = io.BytesIO()
    image.save(sortie, "JPEG", quality=qualite, dpi=(dpi, dpi), optimize=False)
    return sortie.getvalue()
