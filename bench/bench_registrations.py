"""Registrations per second through the service layer, 8 concurrent writers on PostgreSQL.

Also checks numéro allocation under that contention: zero duplicates, zero gaps.
Baseline, in the same run: the very rows the services wrote (demande, household,
resources, history line, and the numéro counter's increment) inserted again with
bare SQL by as many writers, one transaction per registration, into a fresh
database. ``ratio`` is the service's rate over that baseline's: the share of raw
write speed the rules, the ORM and the numbering keep, which a busy machine moves
far less than the absolute rate.
Target (issue 2): at least 300 registrations per second.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from datetime import date
from typing import Any

import psycopg
from psycopg.types.string import TextLoader
from sqlalchemy import make_url, select

from bench.common import report
from sne.db import make_session_factory
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
LOGINS = ("agent13", "agent13b")  # the two guichets' agents of bench.data.territoire
#: Tables a registration writes, parents first; each row carries its demande.
TABLES = {
    "demande": "SELECT * FROM demande ORDER BY id",
    "personne": "SELECT * FROM personne ORDER BY id",
    "ressource": "SELECT r.*, p.demande_id AS _demande FROM ressource r "
    "JOIN personne p ON p.id = r.personne_id ORDER BY r.id",
    "historique": "SELECT * FROM historique WHERE demande_id IS NOT NULL ORDER BY id",
}
REFERENTIEL = ("territoire", "guichet", "utilisateur", "numero_sequence")

#: One registration's rows: (table, columns, rows) in insertion order.
Lignes = list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg connects with it)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _lecteur(url: str) -> psycopg.Connection[Any]:
    """A connection that reads JSON columns as their text, to write them back unchanged."""
    connexion = psycopg.connect(_libpq(url))
    for type_json in ("json", "jsonb"):
        connexion.adapters.register_loader(type_json, TextLoader)
    return connexion


def _writer(index: int, start: float) -> int:
    """Register PER_WRITER demandes as one agent; return how many succeeded."""
    import random

    from bench.data import foyer
    from sne.acteurs import acteur_pour
    from sne.db import make_engine
    from sne.services import demandes

    engine = make_engine(BENCH_URL, pool_size=1)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        agent = acteur_pour(uow.session, LOGINS[index % 2])
    rng = random.Random(index)
    documents = [foyer(rng, JOUR) for _ in range(PER_WRITER)]
    while time.time() < start:  # every writer starts at the same instant
        time.sleep(0.001)
    for document in documents:
        demandes.enregistrer(UnitOfWork(factory), agent, document, aujourd_hui=JOUR)
    engine.dispose()
    return PER_WRITER


def _writer_sql(url: str, enregistrements: list[Lignes], start: float) -> int:
    """Insert each registration's rows with bare SQL, one transaction each, then bump the counter."""
    with psycopg.connect(_libpq(url)) as connexion:
        while time.time() < start:
            time.sleep(0.001)
        for lignes in enregistrements:
            with connexion.transaction(), connexion.cursor() as curseur:
                for table, colonnes, valeurs in lignes:
                    marques = ", ".join(["%s"] * len(colonnes))
                    curseur.executemany(
                        f"INSERT INTO {table} ({', '.join(colonnes)}) VALUES ({marques})", valeurs
                    )
                # Last, as the services do: the counter's row lock is held until the commit only.
                curseur.execute(
                    "UPDATE numero_sequence SET dernier = dernier + 1 "
                    "WHERE territoire_code = %s AND annee = %s RETURNING dernier",
                    ("013", JOUR.year),
                )
    return len(enregistrements)


def _lire(
    url: str,
) -> tuple[dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]], list[Lignes]]:
    """The referential rows, and each registration's rows grouped by demande."""
    with _lecteur(url) as connexion, connexion.cursor() as curseur:
        referentiel = {}
        for table in REFERENTIEL:
            curseur.execute(f"SELECT * FROM {table}")
            colonnes = tuple(c.name for c in curseur.description or ())
            lignes = curseur.fetchall()
            if table == "numero_sequence":  # the baseline counts from zero again
                rang = colonnes.index("dernier")
                lignes = [(*ligne[:rang], 0, *ligne[rang + 1 :]) for ligne in lignes]
            referentiel[table] = (colonnes, lignes)
        par_demande: dict[int, Lignes] = defaultdict(list)
        for table, requete in TABLES.items():
            curseur.execute(requete)
            colonnes = tuple(c.name for c in curseur.description or ())
            cle = colonnes.index(
                "id" if table == "demande" else "_demande" if table == "ressource" else "demande_id"
            )
            gardees = tuple(c for c in colonnes if c != "_demande")
            groupes: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for ligne in curseur.fetchall():
                groupes[ligne[cle]].append(ligne[: len(gardees)])
            for demande, lignes in groupes.items():
                par_demande[demande].append((table, gardees, lignes))
    return referentiel, [par_demande[d] for d in sorted(par_demande)]


def _baseline(
    referentiel: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]],
    enregistrements: list[Lignes],
) -> float:
    """Insert the same rows with bare SQL by WRITERS processes; registrations per second."""
    url = make_url(BENCH_URL)
    url_sql = url.set(database=f"{url.database}_sql").render_as_string(hide_password=False)
    recreer_base_postgres(url_sql).dispose()
    with psycopg.connect(_libpq(url_sql)) as connexion, connexion.cursor() as curseur:
        for table, (colonnes, lignes) in referentiel.items():
            marques = ", ".join(["%s"] * len(colonnes))
            curseur.executemany(
                f"INSERT INTO {table} ({', '.join(colonnes)}) VALUES ({marques})", lignes
            )
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3.0
    with context.Pool(WRITERS) as pool:
        parts = [enregistrements[i::WRITERS] for i in range(WRITERS)]
        results = [pool.apply_async(_writer_sql, (url_sql, part, start)) for part in parts]
        total = sum(r.get() for r in results)
    return total / (time.time() - start)


def main() -> None:
    from bench.data import territoire

    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    territoire(lambda: UnitOfWork(factory))
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3.0
    with context.Pool(WRITERS) as pool:
        results = [pool.apply_async(_writer, (i, start)) for i in range(WRITERS)]
        total = sum(r.get() for r in results)
    elapsed = time.time() - start
    with UnitOfWork(factory) as uow:
        numeros = list(uow.session.scalars(select(Demande.numero)))
    engine.dispose()
    sequences = sorted(analyser(n).sequence for n in numeros)
    duplicates = len(sequences) - len(set(sequences))
    gaps = (sequences[-1] - len(set(sequences))) if sequences else 0
    rate = total / elapsed
    baseline = _baseline(*_lire(BENCH_URL))
    report(
        "registrations",
        {
            "writers": WRITERS,
            "registrations": total,
            "duration_s": round(elapsed, 2),
            "registrations_per_s": round(rate, 1),
            "baseline_sql_registrations_per_s": round(baseline, 1),
            "ratio": round(rate / baseline, 2),
            "target_registrations_per_s": TARGET_PER_S,
            "target_ratio": round(rate / TARGET_PER_S, 2),
            "numero_duplicates": duplicates,
            "numero_gaps": gaps,
        },
        notes="PostgreSQL, service layer (validation, household, trace, numéro) in 8 processes; "
        "baseline = the same rows inserted with bare SQL by 8 processes, one transaction "
        "per registration; ratio = service rate / baseline rate",
    )


if __name__ == "__main__":
    main()
