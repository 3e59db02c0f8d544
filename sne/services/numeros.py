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

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sne import numero
from sne.db import table_of
from sne.errors import Conflict
from sne.models import Demande, NumeroSequence

DEMANDE = table_of(Demande)


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


# PostgreSQL: take the next number and write it on the demande in one statement, so the
# counter's row lock is held for one round trip less (see ``attribuer``).
_ATTRIBUER_PG = text(
    """
    WITH suivant AS (
        UPDATE numero_sequence SET dernier = dernier + 1
        WHERE territoire_code = :territoire AND annee = :annee AND dernier < :maximum
        RETURNING dernier
    )
    UPDATE demande SET numero = :prefixe || lpad(suivant.dernier::text, 6, '0') || :guichet
    FROM suivant WHERE demande.id = :demande_id
    RETURNING demande.numero
    """
)


def attribuer(
    session: Session, demande_id: int, territoire: str, date_depot: date, guichet: str
) -> str:
    """Allocate the next number of ``territoire`` and write it on demande ``demande_id``.

    On PostgreSQL one statement does both: with eight writers on two cores, the
    lock convoy on the counter row, not CPU, bounds the registration rate, and
    every round trip under the lock counts. The year's first number, an
    exhausted year and SQLite take the general path.
    """
    connexion = session.connection()
    if connexion.dialect.name == "postgresql":
        modele = numero.construire(territoire, date_depot, 1, guichet)  # validates the parts
        attribue = connexion.execute(
            _ATTRIBUER_PG,
            {
                "territoire": territoire,
                "annee": date_depot.year % 100,
                "maximum": numero.SEQUENCE_MAX,
                "prefixe": modele[:7],
                "guichet": guichet,
                "demande_id": demande_id,
            },
        ).scalar_one_or_none()
        if attribue is not None:
            return str(attribue)
    valeur = allouer(session, territoire, date_depot, guichet)
    connexion.execute(update(DEMANDE).where(DEMANDE.c.id == demande_id).values(numero=valeur))
    return valeur


def _incrementer(session: Session, territoire: str, annee: int) -> int | None:
    statement = (
        update(NumeroSequence)
        .where(NumeroSequence.territoire_code == territoire, NumeroSequence.annee == annee)
        .values(dernier=NumeroSequence.dernier + 1)
        .returning(NumeroSequence.dernier)
    )
    return session.connection().execute(statement).scalar_one_or_none()


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
