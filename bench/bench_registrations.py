"""Registrations per second through the service layer, 8 concurrent writers on PostgreSQL.

Also checks numéro allocation under that contention: zero duplicates, zero gaps.
Target (issue 2): at least 300 registrations per second.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date

from sqlalchemy import select

from bench.common import report
from sne.db import make_engine, make_session_factory
from sne.migrate import recreer_base_postgres
from sne.models import Demande
from sne.numero import analyser
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench"
)
WRITERS = 8
PER_WRITER = int(os.environ.get("SNE_BENCH_REGISTRATIONS", "250"))
JOUR = date(2026, 3, 16)
TARGET_PER_S = 300


def _writer(index: int, start: float) -> int:
    """Register PER_WRITER demandes as one agent; return how many succeeded."""
    import random

    from demo.donnees import foyer
    from sne.acteurs import acteur_pour
    from sne.services import demandes

    engine = make_engine(BENCH_URL, pool_size=1)
    factory = make_session_factory(engine)
    login = "agent.nord" if index % 2 else "agent.mairie"
    with UnitOfWork(factory) as uow:
        agent = acteur_pour(uow.session, login)
    rng = random.Random(index)
    documents = [foyer(rng, JOUR) for _ in range(PER_WRITER)]
    while time.time() < start:  # every writer starts at the same instant
        time.sleep(0.001)
    for document in documents:
        demandes.enregistrer(UnitOfWork(factory), agent, document, aujourd_hui=JOUR)
    engine.dispose()
    return PER_WRITER


def main() -> None:
    from demo.donnees import BilanDemo, preparer_referentiel

    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    preparer_referentiel(lambda: UnitOfWork(factory), BilanDemo("013"))
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3.0
    with context.Pool(WRITERS) as pool:
        results = [pool.apply_async(_writer, (i, start)) for i in range(WRITERS)]
        total = sum(r.get() for r in results)
    elapsed = time.time() - start
    with UnitOfWork(factory) as uow:
        numeros = list(uow.session.scalars(select(Demande.numero)))
    sequences = sorted(analyser(n).sequence for n in numeros)
    duplicates = len(sequences) - len(set(sequences))
    gaps = (sequences[-1] - len(set(sequences))) if sequences else 0
    rate = total / elapsed
    engine.dispose()
    report(
        "registrations",
        {
            "writers": WRITERS,
            "registrations": total,
            "duration_s": round(elapsed, 2),
            "registrations_per_s": round(rate, 1),
            "target_registrations_per_s": TARGET_PER_S,
            "target_ratio": round(rate / TARGET_PER_S, 2),
            "numero_duplicates": duplicates,
            "numero_gaps": gaps,
        },
        notes="PostgreSQL, service layer (validation, household, trace, numéro) in 8 processes",
    )


if __name__ == "__main__":
    main()
