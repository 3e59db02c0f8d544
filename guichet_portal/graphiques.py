"""Bar charts drawn on the server as SVG geometry (no script, no inline style: CSP holds)."""

from __future__ import annotations

from dataclasses import dataclass

LARGEUR = 720
HAUTEUR = 260
MARGE_BAS = 48  # room for the labels under the bars
MARGE_HAUT = 24  # room for the value above the tallest bar


@dataclass(frozen=True)
class Barre:
    """One bar: its label and value, and where the template draws it."""

    libelle: str
    valeur: float
    x: float
    y: float
    largeur: float
    hauteur: float

    @property
    def centre(self) -> float:
        """Horizontal middle of the bar, where its texts are anchored."""
        return self.x + self.largeur / 2

    @property
    def texte(self) -> str:
        """The value as French readers write it."""
        return f"{self.valeur:g}".replace(".", ",")


@dataclass(frozen=True)
class Graphique:
    """A chart's size and bars; ``base`` is the y of the axis."""

    largeur: int
    hauteur: int
    base: float
    barres: tuple[Barre, ...]


def barres(serie: tuple[tuple[str, float], ...]) -> Graphique:
    """Lay out one bar per (label, value), scaled to the largest value."""
    base = HAUTEUR - MARGE_BAS
    plus_grand = max((v for _, v in serie), default=0) or 1
    pas = LARGEUR / max(len(serie), 1)
    largeur = pas * 0.7
    return Graphique(
        largeur=LARGEUR,
        hauteur=HAUTEUR,
        base=base,
        barres=tuple(
            Barre(
                libelle=libelle,
                valeur=valeur,
                x=round(i * pas + (pas - largeur) / 2, 1),
                y=round(base - (base - MARGE_HAUT) * valeur / plus_grand, 1),
                largeur=round(largeur, 1),
                hauteur=round((base - MARGE_HAUT) * valeur / plus_grand, 1),
            )
            for i, (libelle, valeur) in enumerate(serie)
        ),
    )
