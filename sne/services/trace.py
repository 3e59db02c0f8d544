"""The append-only history: every write of every service records who, when, what and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from sne.acteurs import Acteur
from sne.db import table_of
from sne.models import Historique
from sne.uow import utcnow

HISTORIQUE = table_of(Historique)


def _jsonable(value: Any) -> Any:
    """Turn dates and decimals into strings so the trace stores plain JSON."""
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def ligne(
    acteur: Acteur,
    *,
    entite: str,
    entite_id: object,
    action: str,
    changements: Mapping[str, Any] | None = None,
    justification: str | None = None,
    demande_id: int | None = None,
    changement_identite: bool = False,
) -> dict[str, Any]:
    """Return the history row for one write, ready to insert."""
    return {
        "at": utcnow(),
        "utilisateur_id": acteur.utilisateur_id,
        "guichet_id": acteur.guichet_id,
        "demande_id": demande_id,
        "entite": entite,
        "entite_id": str(entite_id),
        "action": action,
        "changements": json.loads(json.dumps(_jsonable(changements or {}))),
        "justification": justification,
        "changement_identite": changement_identite,
    }


def tracer(
    session: Session,
    acteur: Acteur,
    *,
    entite: str,
    entite_id: object,
    action: str,
    changements: Mapping[str, Any] | None = None,
    justification: str | None = None,
    demande_id: int | None = None,
    changement_identite: bool = False,
) -> None:
    """Append one line to the history (in the caller's transaction)."""
    inserer(
        session,
        ligne(
            acteur,
            entite=entite,
            entite_id=entite_id,
            action=action,
            changements=changements,
            justification=justification,
            demande_id=demande_id,
            changement_identite=changement_identite,
        ),
    )


def inserer(session: Session, row: Mapping[str, Any]) -> None:
    """Insert a row built by ``ligne`` (on the connection, as a Core insert: cheaper)."""
    session.connection().execute(insert(HISTORIQUE), dict(row))
