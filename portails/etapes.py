"""The Cerfa steps' engine shared by the guichet's registration and the applicant's online filing.

Each portal keeps its draft where it must (the guichet in the session cookie,
the public portal in the database) and renders its own pages; what a step
does with a posted form is here, once: read its fields, add or remove a person,
check only its own fields with the services' validation, choose where to go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from portails import cerfa
from sne.errors import ValidationError
from sne.services import formulaire


def lettres(brouillon: dict[str, Any]) -> list[str]:
    """The letters of the steps this draft goes through."""
    return [s.lettre for s in cerfa.sections_pour(brouillon)]


def etape_valide(brouillon: dict[str, Any], etape: str) -> str:
    """``etape`` when the draft goes through it, else its first step."""
    return etape if etape in lettres(brouillon) else "a"


def problemes(brouillon: dict[str, Any], jour: date) -> dict[str, str]:
    """Every problem of the draft, by field path (none when it would register)."""
    try:
        formulaire.valider(cerfa.document(brouillon), date_depot=jour)
    except ValidationError as refus:
        return refus.problems
    return {}


@dataclass(frozen=True)
class Bilan:
    """The check before numbering: the valid document, or the problems and their sections."""

    document: dict[str, Any] | None
    fautes: dict[str, str]
    a_corriger: list[cerfa.Section]


def bilan(brouillon: dict[str, Any], depot: date) -> Bilan:
    """Validate the whole draft for a filing on ``depot``."""
    try:
        return Bilan(formulaire.valider(cerfa.document(brouillon), date_depot=depot), {}, [])
    except ValidationError as refus:
        fautes = refus.problems
    return Bilan(None, fautes, [cerfa.PAR_LETTRE[x] for x in cerfa.lettres_a_corriger(fautes)])


def suivante(brouillon: dict[str, Any], lettre: str) -> str | None:
    """The title of the step after ``lettre`` (None after the last section)."""
    sections = cerfa.sections_pour(brouillon)
    rang = lettres(brouillon).index(lettre)
    return sections[rang + 1].titre if rang + 1 < len(sections) else None


def lire(
    form: MultiDict[str, str], brouillon: dict[str, Any], etape: str
) -> tuple[dict[str, Any], bool]:
    """The draft with the step's fields read; whether a person was added or removed."""
    lu = cerfa.lire(form, brouillon, etape)
    return lu, cerfa.changer_foyer(form, lu)


@dataclass(frozen=True)
class Suite:
    """Where a posted step leads: another step (``cible``), or back to it with its ``fautes``."""

    cible: str | None
    fautes: dict[str, str]


def aller(
    form: MultiDict[str, str], brouillon: dict[str, Any], etape: str, jour: date, fin: str
) -> Suite:
    """Follow the pressed button: the previous step, a named one, or the next once this one is right.

    ``fin`` is the step after the last section (the portal's check before numbering).
    """
    bouton = form.get("aller", "suivante")
    toutes = lettres(brouillon)
    rang = toutes.index(etape)
    if bouton == "precedente":
        return Suite(toutes[max(0, rang - 1)], {})
    fautes = {
        cle: texte
        for cle, texte in problemes(brouillon, jour).items()
        if cerfa.section_de(cle) == etape
    }
    if fautes:
        return Suite(None, fautes)
    if bouton in toutes:
        return Suite(bouton, {})
    return Suite(toutes[rang + 1] if rang + 1 < len(toutes) else fin, {})
