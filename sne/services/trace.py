"""The append-only history: every write of every service records who, when, what and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from sne import chainage
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
    """Insert a row built by ``ligne``, chained to its chain's last line (a Core insert)."""
    session.connection().execute(insert(HISTORIQUE), chainer(session, row))


def dernier_hash(session: Session, chaine: str) -> str:
    """The hash of the last line of ``chaine`` (``GENESE`` for a new chain)."""
    dernier = session.connection().scalar(
        select(HISTORIQUE.c.hash)
        .where(HISTORIQUE.c.chaine == chaine)
        .order_by(HISTORIQUE.c.id.desc())
        .limit(1)
    )
    return dernier or chainage.GENESE


def verrouiller_chaine(session: Session, chaine: str) -> None:
    """Make concurrent writers of one chain wait for each other until commit (PostgreSQL).

    Without it two transactions could read the same last hash; the unique index
    would then refuse the second. SQLite writers are serialised already.
    """
    connexion = session.connection()
    if connexion.dialect.name == "postgresql":
        connexion.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:chaine, 0))"), {"chaine": chaine}
        )


def chainer(session: Session, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` with its chain, content fingerprint, previous hash and hash."""
    chaine = chainage.cle_chaine(row["demande_id"], row["entite"], row["entite_id"])
    verrouiller_chaine(session, chaine)
    precedent = dernier_hash(session, chaine)
    empreinte = chainage.empreinte(row["changements"], row["justification"])
    return {
        **row,
        "chaine": chaine,
        "empreinte": empreinte,
        "hash_precedent": precedent,
        "hash": chainage.hacher(row, precedent, empreinte),
    }
