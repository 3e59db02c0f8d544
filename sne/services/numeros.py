"""Allocation of numéros uniques: no duplicate and no gap, even under concurrency.

The counter row of (territory, filing year) is incremented with
``UPDATE … RETURNING`` inside the registration's own transaction. The row lock
serialises concurrent registrations of one territory only for the instant
between this statement and their commit, and a rolled-back registration
gives its number back, so the sequence never skips.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sne import numero
from sne.errors import Conflict
from sne.models import NumeroSequence


def provisoire() -> str:
    """A unique 18-character placeholder, never a valid number, replaced before commit."""
    return "~" + uuid.uuid4().hex[:17]


def allouer(session: Session, territoire: str, date_depot: date, guichet: str) -> str:
    """Take the next number of ``territoire`` for a demand first filed on ``date_depot``."""
    annee = date_depot.year % 100
    sequence = _incrementer(session, territoire, annee)
    if sequence is None:
        _creer_compteur(session, territoire, annee)
        sequence = _incrementer(session, territoire, annee)
    assert sequence is not None
    if sequence > numero.SEQUENCE_MAX:
        raise Conflict(
            f"Le territoire {territoire} a épuisé ses numéros pour l'année {date_depot.year}.",
            code="NUMEROS_EPUISES",
        )
    return numero.construire(territoire, date_depot, sequence, guichet)


def _incrementer(session: Session, territoire: str, annee: int) -> int | None:
    statement = (
        update(NumeroSequence)
        .where(NumeroSequence.territoire_code == territoire, NumeroSequence.annee == annee)
        .values(dernier=NumeroSequence.dernier + 1)
        .returning(NumeroSequence.dernier)
    )
    return session.execute(statement).scalar_one_or_none()


def _creer_compteur(session: Session, territoire: str, annee: int) -> None:
    """Create the year's counter; a concurrent creator winning the race is fine."""
    try:
        with session.begin_nested():
            session.execute(
                insert(NumeroSequence).values(territoire_code=territoire, annee=annee, dernier=0)
            )
    except IntegrityError:
        exists = select(NumeroSequence.annee).where(
            NumeroSequence.territoire_code == territoire, NumeroSequence.annee == annee
        )
        if session.scalar(exists) is None:
            raise
