"""Make a clean page look scanned: skew, noise, uneven light, blur, fading, photocopies, blank backs.

Everything is drawn from a ``random.Random`` so a batch is reproducible from its
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


DOUX = Niveau(inclinaison_max=0.5, bruit=3.0, flou=0.1, delave=0.0, photocopie=0.0)
MOYEN = Niveau()
DUR = Niveau(inclinaison_max=2.0, bruit=10.0, flou=0.8, delave=0.5, photocopie=0.4)


@functools.cache
def _champ_bruit(largeur: int, hauteur: int) -> np.ndarray:
    """A noise field twice the page's size, drawn once per size.

    Grain of two pixels, as a scanner's sensor and JPEG leave it: independent
    per-pixel noise would triple the file size of a page.
    """
    generateur = np.random.default_rng(largeur * 10_000 + hauteur)
    grain = generateur.normal(0.0, 1.0, (hauteur, largeur)).astype(np.float32)
    return np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)


def bruiter(
    image: Image.Image, rng: random.Random, ecart: float, *, point_blanc: bool = True
) -> Image.Image:
    """Add grey-level noise of standard deviation ``ecart`` and an uneven illumination.

    ``point_blanc`` flattens near-white paper to white as scanners do (their
    background removal), which keeps a page's JPEG at a realistic size.
    """
    largeur, hauteur = image.size
    champ = _champ_bruit(largeur, hauteur)
    dx, dy = rng.randrange(largeur), rng.randrange(hauteur)
    pixels = (
        np.asarray(image, dtype=np.float32) + champ[dy : dy + hauteur, dx : dx + largeur] * ecart
    )
    # Light falls off towards one side, as under a scanner lid not quite closed.
    pente = np.linspace(0.0, rng.uniform(0, 18), largeur, dtype=np.float32)
    pixels = pixels - (pente[None, :] if rng.random() < 0.5 else pente[None, ::-1])
    if point_blanc:
        pixels[pixels > 236] = 252
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


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


def photocopier(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photocopy of a photocopy: harder contrast, thickened strokes, speckles."""
    copie = ImageOps.autocontrast(image, cutoff=2)
    copie = copie.filter(ImageFilter.MinFilter(3)) if rng.random() < 0.5 else copie
    copie = copie.point(lambda v: 0 if v < 110 else (255 if v > 200 else v))
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
) -> Image.Image:
    """Return ``image`` as a scanner would see it; ``envers`` turns the sheet upside down.

    ``epargner`` is a box (the QR code of a separator) kept out of the photocopy and
    fading effects, which a separator only suffers in the cases built on purpose.
    """
    page = image
    if rng.random() < niveau.photocopie:
        page = photocopier(page, rng)
        if epargner is not None:
            page.paste(image.crop(epargner), epargner[:2])
    if rng.random() < niveau.delave:
        page = delaver(page, rng.uniform(0.2, 0.45))
    if rng.random() < niveau.flou:
        page = page.filter(ImageFilter.BoxBlur(1))
    page = incliner(page, rng.uniform(-niveau.inclinaison_max, niveau.inclinaison_max))
    page = bruiter(page, rng, niveau.bruit)
    if envers:
        page = page.rotate(180)
    return page


def verso_blanc(
    taille: tuple[int, int], rng: random.Random, recto: Image.Image | None = None
) -> Image.Image:
    """The blank back of a sheet: paper tone, noise, dark borders, punch holes, bleed-through."""
    largeur, hauteur = taille
    page = Image.new("L", taille, rng.randint(236, 250))
    if recto is not None and rng.random() < 0.6:
        # Bleed-through: the recto, mirrored and very faint.
        transparence = ImageOps.mirror(recto).point(lambda v: 255 - (255 - v) * 6 // 100)
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


def jpeg(image: Image.Image, qualite: int, dpi: int) -> bytes:
    """Encode as a greyscale JPEG carrying its resolution."""
    sortie = io.BytesIO()
    image.save(sortie, "JPEG", quality=qualite, dpi=(dpi, dpi), optimize=False)
    return sortie.getvalue()
