"""French working days: public holidays of each territory and the 2-working-day deadline.

Working days are Monday to Friday except public holidays (Code du travail,
L.3133-1). The holidays come from the `holidays` package, which keeps the local
ones: Good Friday and 26 December in Moselle, Bas-Rhin and Haut-Rhin (57, 67,
68), the abolition of slavery in the overseas départements (27 May in
Guadeloupe, 22 May in Martinique, 10 June in Guyane, 20 December in La Réunion,
27 April in Mayotte) and their other days (Mi-Carême, Victor Schœlcher...).
A batch received on a Saturday, a Sunday or a holiday counts from the next
working day, so "two working days after reception" is the end of the second
working day after the day of reception.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Final

from dateutil.easter import easter
from holidays import country_holidays

#: Territory code (département on 3 characters) -> subdivision of ``holidays.France``.
SUBDIVISIONS: Final[dict[str, str]] = {
    "057": "57",
    "067": "6AE",
    "068": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
}


def subdivision(territoire: str | None) -> str | None:
    """The ``holidays`` subdivision of a territory code ('013', '57', '974'), None for the common calendar."""
    if territoire is None:
        return None
    code = territoire.strip().upper()
    if len(code) == 2 and code.isdigit():
        code = "0" + code
    return SUBDIVISIONS.get(code)


def paques(annee: int) -> date:
    """Easter Sunday of ``annee`` (Gregorian computus)."""
    return easter(annee)


@functools.cache
def jours_feries(annee: int, departement: str | None = None) -> frozenset[date]:
    """Public holidays of ``annee`` in the territory ``departement`` (all of France when None)."""
    return frozenset(country_holidays("FR", subdiv=subdivision(departement), years=annee))


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
