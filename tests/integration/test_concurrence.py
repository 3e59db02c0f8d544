"""Numéro allocation under contention: 8 concurrent writers on the real PostgreSQL server."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select

from sne.db import make_session_factory
from sne.models import Demande
from sne.numero import analyser
from sne.services import demandes
from sne.uow import UnitOfWork
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande

WRITERS = 8
PER_WRITER = 15


@pytest.mark.postgres
def test_concurrent_registrations_never_duplicate_nor_skip(postgres_jetable: Engine) -> None:
    factory = make_session_factory(postgres_jetable)
    ref = Referentiel(lambda: UnitOfWork(factory), territoire="974")
    depart = threading.Barrier(WRITERS)
    documents = [document_demande(motifs=["01"]), document_demande(email=None, motifs=["09"])]

    def writer(index: int) -> list[str]:
        agent = ref.agent if index % 2 else ref.autre_agent
        depart.wait()
        numeros = []
        for i in range(PER_WRITER):
            if i % 5 == 4:
                # Interleave refused registrations: they must not consume a number.
                with pytest.raises(Exception, match="invalide"):
                    demandes.enregistrer(
                        UnitOfWork(factory),
                        agent,
                        document_demande(code_postal="99"),
                        aujourd_hui=JOUR,
                    )
            document = dict(
                documents[i % 2],
                personnes=document_demande(foyer=index * PER_WRITER + i + 1)["personnes"],
            )
            faite = demandes.enregistrer(UnitOfWork(factory), agent, document, aujourd_hui=JOUR)
            numeros.append(faite.numero)
        return numeros

    with ThreadPoolExecutor(WRITERS) as pool:
        numeros = [n for lot in pool.map(writer, range(WRITERS)) for n in lot]

    sequences = sorted(analyser(n).sequence for n in numeros)
    assert sequences == list(range(1, WRITERS * PER_WRITER + 1))
    with UnitOfWork(factory) as uow:
        stored = uow.session.scalars(
            select(Demande.numero).where(Demande.territoire_code == "974")
        ).all()
    assert sorted(stored) == sorted(numeros)
