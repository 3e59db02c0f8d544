"""Follow-up over the API: duplicate search, demandes radiated since a date, deposits' progress."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from guichet_portal import acces
from guichet_portal.api import problemes, schemas
from guichet_portal.api.contrat import operation
from guichet_portal.api.porteur import courant
from sne.services import doublons, lots, radiees


@operation(
    "POST",
    "/doublons/recherche",
    resume="Chercher les demandes actives du territoire qui concernent déjà ces personnes",
    portee="lecture",
    corps=schemas.RechercheDoublonsSchema,
    reponse=schemas.CandidatSchema,
    liste=True,
)
def rechercher_doublons(corps: dict[str, Any]) -> Any:
    """Candidates among the territory's active demandes."""
    trouves = doublons.rechercher(acces.uow(), courant().acteur, corps)
    return schemas.CandidatSchema(many=True).dump(trouves)


@operation(
    "GET",
    "/radiations",
    resume="Demandes du territoire radiées depuis une date (les plus anciennes d'abord)",
    portee="lecture",
    reponse=schemas.RadieeSchema,
    liste=True,
    parametres=(
        {
            "in": "query",
            "name": "depuis",
            "required": True,
            "schema": {"type": "string", "format": "date"},
            "description": "AAAA-MM-JJ",
        },
        {
            "in": "query",
            "name": "limite",
            "schema": {"type": "integer", "minimum": 1, "maximum": radiees.LIMITE_MAX},
        },
    ),
)
def radiations() -> Any:
    """Radiations in force from the given day."""
    try:
        jour = date.fromisoformat(request.args.get("depuis", ""))
        limite = int(request.args.get("limite", "500"))
    except ValueError:
        return problemes.probleme(
            400,
            code="PARAMETRE_INVALIDE",
            detail="Indiquez depuis=AAAA-MM-JJ et, si besoin, limite (nombre entier).",
        )
    if not 1 <= limite <= radiees.LIMITE_MAX:
        return problemes.probleme(
            400, code="PARAMETRE_INVALIDE", detail=f"limite : de 1 à {radiees.LIMITE_MAX}."
        )
    trouvees = radiees.depuis(acces.uow(), courant().acteur, jour, limite=limite)
    return schemas.RadieeSchema(many=True).dump(trouvees)


@operation(
    "GET",
    "/lots/{id}",
    resume="Avancement d'un dépôt de PDF numérisés (pages traitées, dossiers rattachés)",
    portee="pieces",
    reponse=schemas.LotSchema,
)
def lot(id: int) -> Any:
    """A deposit of the token's guichet and its per-dossier outcome."""
    return schemas.LotSchema().dump(lots.consulter(acces.uow(), courant().acteur, id))
