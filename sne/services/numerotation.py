"""Allocation of numéros uniques: no duplicate and no gap, even under concurrency.

The counter row of (territory, filing year) is incremented with
``UPDATE … RETURNING`` inside the registration's own transaction. The row lock
serialises concurrent registrations of one territory only for the instant
between this statement and their commit, and a rolled-back registration
gives its number back, so the sequence never skips.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sne import chainage, numero
from sne.db import table_of
from sne.errors import Conflict
from sne.models import Demande, NumeroSequence
from sne.services.trace import dernier_hash, inserer

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


# PostgreSQL: take the next number, write it on the demande and trace the registration in
# one statement, so the counter's row lock is held for that statement and the commit only.
_ATTRIBUER_PG = text(
    """
    WITH suivant AS (
        UPDATE numero_sequence SET dernier = dernier + 1
        WHERE territoire_code = :territoire AND annee = :annee AND dernier < :maximum
        RETURNING dernier
    ), numerotee AS (
        UPDATE demande SET numero = :prefixe || lpad(suivant.dernier::text, 6, '0') || :guichet
        FROM suivant WHERE demande.id = :demande_id
        RETURNING demande.numero
    )
    INSERT INTO historique (at, utilisateur_id, guichet_id, demande_id, entite, entite_id,
                            action, changements, justification, changement_identite,
                            chaine, empreinte, hash_precedent, hash)
    SELECT :at, :utilisateur_id, :guichet_id, :demande_id, :entite, numerotee.numero,
           :action, CAST(:changements AS JSON), :justification, :changement_identite,
           :chaine, :empreinte, :hash_precedent,
           encode(sha256(convert_to(:avant || numerotee.numero || :apres, 'UTF8')), 'hex')
    FROM numerotee
    RETURNING entite_id
    """
)


def attribuer(
    session: Session,
    demande_id: int,
    territoire: str,
    date_depot: date,
    guichet: str,
    trace: Mapping[str, Any],
) -> str:
    """Allocate the next number of ``territoire``, write it on the demande and trace it.

    ``trace`` is the history row (``trace.ligne``) whose ``entite_id`` becomes the
    number. On PostgreSQL one statement does all three: with eight writers on two
    cores the convoy on the counter's row lock, not CPU, bounds the registration
    rate, and every round trip under the lock counts. The year's first number, an
    exhausted year and SQLite take the general path.
    """
    connexion = session.connection()
    if connexion.dialect.name == "postgresql":
        modele = numero.construire(territoire, date_depot, 1, guichet)  # validates the parts
        attribue = connexion.execute(
            _ATTRIBUER_PG,
            {
                **trace,
                **_chainer_sans_numero(session, {**trace, "demande_id": demande_id}),
                "changements": json.dumps(trace["changements"]),
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
    inserer(session, {**trace, "demande_id": demande_id, "entite_id": valeur})
    return valeur


#: Stands for the number in the hashed text until the statement knows it.
_MARQUE = "@@NUMERO@@"


def _chainer_sans_numero(session: Session, trace: Mapping[str, Any]) -> dict[str, Any]:
    """The chain fields of ``trace``, its hashed text split where the number goes.

    The number is known inside the statement only, so PostgreSQL hashes
    ``avant || numero || apres``: the same text ``chainage.charge_utile`` makes.
    """
    chaine = chainage.cle_chaine(trace["demande_id"], trace["entite"], _MARQUE)
    precedent = dernier_hash(session, chaine)
    empreinte = chainage.empreinte(trace["changements"], trace["justification"])
    avant, apres = chainage.charge_utile(
        {**trace, "entite_id": _MARQUE}, precedent, empreinte
    ).split(_MARQUE)
    return {
        "chaine": chaine,
        "empreinte": empreinte,
        "hash_precedent": precedent,
        "avant": avant,
        "apres": apres,
    }


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
