"""SQL statements per API read: a GET demande stays a fixed, small number of statements (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.factories import Referentiel, document_demande
from tests.web.api_outils import creer_jeton, entetes

#: The token with its agent and guichet, the demande with its guichet and household, its
#: resources, and the call's trace.
REQUETES_PAR_LECTURE = 4
#: Statements of the test's own transaction handling (each unit of work is a savepoint here).
TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def requetes(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` runs inside the block (savepoints left out)."""
    vues: list[str] = []

    def noter(_conn: Any, _curseur: Any, sql: str, *_args: Any) -> None:
        if not sql.lstrip().upper().startswith(TRANSACTION):
            vues.append(sql)

    event.listen(engine, "before_cursor_execute", noter)
    try:
        yield vues
    finally:
        event.remove(engine, "before_cursor_execute", noter)


def test_lire_une_demande_coute_le_meme_petit_nombre_de_requetes(
    ref: Referentiel, app: Flask, engine: Engine
) -> None:
    """A large household costs no more statements than a single person (no query per person)."""
    jeton = creer_jeton(ref)
    client = app.test_client()
    seul = document_demande(foyer=0)
    seul["personnes"] = seul["personnes"][:1]
    comptes: dict[int, list[list[str]]] = {}
    for corps in (seul, document_demande(foyer=1)):
        reponse = client.post(
            "/api/v1/demandes", json={"demande": corps}, headers=entetes(jeton.secret)
        )
        assert reponse.status_code == 201, reponse.get_data(as_text=True)
        numero = reponse.get_json()["numero"]
        for _ in range(2):  # the second read too: nothing is cached between calls
            with requetes(engine) as vues:
                lue = client.get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret))
            assert lue.status_code == 200
            assert len(lue.get_json()["document"]["personnes"]) == len(corps["personnes"])
            comptes.setdefault(len(corps["personnes"]), []).append(vues)
    assert len(comptes) == 2, "un foyer d'une personne et un foyer de plusieurs"
    for vues in (v for liste in comptes.values() for v in liste):
        assert len(vues) == REQUETES_PAR_LECTURE, "\n".join(vues)
