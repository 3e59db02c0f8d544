"""Registrations per second through the service layer, 8 concurrent writers on PostgreSQL.

Also checks numéro allocation under that contention: zero duplicates, zero gaps.
Baseline, in the same run: the very rows the services wrote (demande, household,
resources, history line, and the numéro counter's increment) inserted again with
bare SQL by as many writers, one transaction per registration, into a fresh
database. The two alternate over ROUNDS rounds so that both see the same machine
load. ``ratio`` is the service's rate over that baseline's: the share of raw
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
ROUNDS = 2
PREPARATION_S = 300  # how long writers may take to start before the run is abandoned
JOUR = date(2026, 3, 16)
TARGET_PER_S = 300
LOGINS = ("agent13", "agent13b")  # the two guichets' agents of bench.data.territoire
#: Tables a registration writes, parents first; each row carries its demande.
TABLES = {
    "demande": "SELECT * FROM demande WHERE id > %s ORDER BY id",
    "personne": "SELECT * FROM personne WHERE demande_id > %s ORDER BY id",
    "ressource": "SELECT r.*, p.demande_id AS _demande FROM ressource r "
    "JOIN personne p ON p.id = r.personne_id WHERE p.demande_id > %s ORDER BY r.id",
    "historique": "SELECT * FROM historique WHERE demande_id > %s ORDER BY id",
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


def _writer(index: int, tour: int, depart: Any) -> int:
    """Register this round's share of PER_WRITER demandes as one agent; return how many."""
    import random

    from bench.data import foyer
    from sne.acteurs import acteur_pour
    from sne.db import make_engine
    from sne.services import demandes

    engine = make_engine(BENCH_URL, pool_size=1)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        agent = acteur_pour(uow.session, LOGINS[index % 2])
    rng = random.Random(index * ROUNDS + tour)  # other households each round: no duplicate
    documents = [foyer(rng, JOUR) for _ in range(PER_WRITER // ROUNDS)]
    depart.wait(PREPARATION_S)  # every writer starts at the same instant, once all are ready
    for document in documents:
        demandes.enregistrer(UnitOfWork(factory), agent, document, aujourd_hui=JOUR)
    engine.dispose()
    return len(documents)


def _writer_sql(url: str, enregistrements: list[Lignes], depart: Any) -> int:
    """Insert each registration's rows with bare SQL, one transaction each, then bump the counter."""
    with psycopg.connect(_libpq(url)) as connexion:
        depart.wait(PREPARATION_S)
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


def _referentiel(url_source: str, url_cible: str) -> None:
    """Copy the territory, guichets, accounts and counters (at zero) into the baseline database."""
    with (
        _lecteur(url_source) as source,
        source.cursor() as lecture,
        psycopg.connect(_libpq(url_cible)) as cible,
        cible.cursor() as ecriture,
    ):
        for table in REFERENTIEL:
            lecture.execute(f"SELECT * FROM {table}")
            colonnes = tuple(c.name for c in lecture.description or ())
            lignes = lecture.fetchall()
            if table == "numero_sequence":  # the baseline counts from zero again
                rang = colonnes.index("dernier")
                lignes = [(*ligne[:rang], 0, *ligne[rang + 1 :]) for ligne in lignes]
            marques = ", ".join(["%s"] * len(colonnes))
            ecriture.executemany(
                f"INSERT INTO {table} ({', '.join(colonnes)}) VALUES ({marques})", lignes
            )


def _enregistrements(url: str, apres: int) -> list[Lignes]:
    """The rows of each registration whose demande id is above ``apres``, by demande."""
    par_demande: dict[int, Lignes] = defaultdict(list)
    with _lecteur(url) as connexion, connexion.cursor() as curseur:
        for table, requete in TABLES.items():
            curseur.execute(requete, (apres,))
            colonnes = tuple(c.name for c in curseur.description or ())
            demande = {"demande": "id", "ressource": "_demande"}.get(table, "demande_id")
            cle = colonnes.index(demande)
            gardees = tuple(c for c in colonnes if c != "_demande")
            groupes: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for ligne in curseur.fetchall():
                groupes[ligne[cle]].append(ligne[: len(gardees)])
            for id_demande, lignes in groupes.items():
                par_demande[id_demande].append((table, gardees, lignes))
    return [par_demande[d] for d in sorted(par_demande)]


def _phase(
    pool: Any, depart: Any, travail: Any, arguments: list[tuple[Any, ...]]
) -> tuple[int, float]:
    """Run ``travail(*args, depart)`` for each writer; the clock starts when all are ready."""
    results = [pool.apply_async(travail, (*args, depart)) for args in arguments]
    depart.wait(PREPARATION_S)  # process start-up and imports stay out of the measure
    start = time.perf_counter()
    total = sum(r.get() for r in results)
    return total, time.perf_counter() - start


def main() -> None:
    from bench.data import territoire

    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    territoire(lambda: UnitOfWork(factory))
    url = make_url(BENCH_URL)
    url_sql = url.set(database=f"{url.database}_sql").render_as_string(hide_password=False)
    recreer_base_postgres(url_sql).dispose()
    _referentiel(BENCH_URL, url_sql)

    total = baseline_total = 0
    elapsed = baseline_elapsed = 0.0
    deja = 0
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(WRITERS) as pool:
        depart = manager.Barrier(WRITERS + 1)
        for tour in range(ROUNDS):
            faites, duree = _phase(pool, depart, _writer, [(i, tour) for i in range(WRITERS)])
            total, elapsed = total + faites, elapsed + duree
            enregistrements = _enregistrements(BENCH_URL, deja)
            deja += len(enregistrements)
            parts = [(url_sql, enregistrements[i::WRITERS]) for i in range(WRITERS)]
            faites, duree = _phase(pool, depart, _writer_sql, parts)
            baseline_total, baseline_elapsed = baseline_total + faites, baseline_elapsed + duree
    with UnitOfWork(factory) as uow:
        numeros = list(uow.session.scalars(select(Demande.numero)))
    engine.dispose()
    sequences = sorted(analyser(n).sequence for n in numeros)
    duplicates = len(sequences) - len(set(sequences))
    gaps = (sequences[-1] - len(set(sequences))) if sequences else 0
    rate = total / elapsed
    baseline = baseline_total / baseline_elapsed
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
        f"per registration, alternating with the services over {ROUNDS} rounds; "
        "ratio = service rate / baseline rate",
    )


if __name__ == "__main__":
    main()
