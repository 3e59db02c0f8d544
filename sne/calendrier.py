"""French working days: public holidays (Alsace-Moselle included) and the 2-working-day deadline.

Working days are Monday to Friday except public holidays (Code du travail,
L.3133-1): 1 January, Easter Monday, 1 May, 8 May, Ascension Thursday, Whit
Monday, 14 July, 15 August, 1 November, 11 November, 25 December; in Moselle,
Bas-Rhin and Haut-Rhin (57, 67, 68) also Good Friday and 26 December.
A batch received on a Saturday, a Sunday or a holiday counts from the next
working day, so "two working days after reception" is the end of the second
working day after the day of reception.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Final

ALSACE_MOSELLE: Final = frozenset({"057", "067", "068", "57", "67", "68"})


def paques(annee: int) -> date:
    """Easter Sunday of ``annee`` (Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    mois = (h + ell - 7 * m + 114) // 31
    jour = (h + ell - 7 * m + 114) % 31 + 1
    return date(annee, mois, jour)


@functools.cache
def jours_feries(annee: int, departement: str | None = None) -> frozenset[date]:
    """Public holidays of ``annee``, with the local ones of Alsace-Moselle when it applies."""
    dimanche = paques(annee)
    feries = {
        date(annee, 1, 1),
        dimanche + timedelta(days=1),  # lundi de Pâques
        date(annee, 5, 1),
        date(annee, 5, 8),
        dimanche + timedelta(days=39),  # Ascension
        dimanche + timedelta(days=50),  # lundi de Pentecôte
        date(annee, 7, 14),
        date(annee, 8, 15),
        date(annee, 11, 1),
        date(annee, 11, 11),
        date(annee, 12, 25),
    }
    if departement in ALSACE_MOSELLE:
        feries |= {dimanche - timedelta(days=2), date(annee, 12, 26)}
    return frozenset(feries)


def est_jour_ouvre(jour: date, departement: str | None = None) -> bool:
    """Whether ``jour`` is a working day (Monday to Friday, not a public holiday)."""
    return jour.weekday() < 5 and jour not in jours_feries(jour.year, departement)


def ajouter_jours_ouvres(jour: date, n: int, departement: str | None = None) -> date:
    """The ``n``-th working day after ``jour`` (``jour`` itself never counts)."""
    if n < 0:
        raise ValueError("n doit être positif ou nul")
    courant = jour
    restants = n
    while restants:
        courant += timedelta(days=1)
        if est_jour_ouvre(courant, departement):
            restants -= 1
    return courant
