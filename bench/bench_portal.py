"""Guichet portal under load: 200,000 demandes on PostgreSQL, 50 agents, served as ``make run`` does.

Loads the demandes with COPY (``bench_duplicates.charger``), opens one account per
simulated agent, serves the portal with gunicorn (``python -m guichet_portal``, 2
worker processes), then runs locust headless (``bench/portal_agents.py``): each
agent signs in, then searches by name and birth date, opens demandes and comes
back to its worklist, and registers one now and then, pausing 0.5–2 s between pages. Agents arrive slowly (the
sign-in is throttled per address) and the figures are counted once all are in.
Targets (issue 14): search and demande page p95 ≤ 50 ms, registration p95 ≤ 150 ms, 0 errors.
A single agent runs first for 45 s (``seul_`` figures): the cost of a page with no queue.
``SNE_BENCH_PORTAL_ROWS`` sets the size, ``SNE_BENCH_PORTAL_S`` the measured seconds.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import bench_duplicates
from bench.charge import attendre, locust, port_libre
from bench.common import ROOT, report
from demo.donnees import BilanDemo, preparer_referentiel
from sne.acteurs import ADMIN_CLI
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.services import referentiel
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_PORTAL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_portal"
)
ROWS = int(os.environ.get("SNE_BENCH_PORTAL_ROWS", "200000"))
MESURE_S = int(os.environ.get("SNE_BENCH_PORTAL_S", "60"))
#: Seconds of the single-agent pass run first (the cost of a page with no queue).
SEUL_S = 45
AGENTS = 50
#: Agents started per second: 27 sign-ins a minute stay under the per-address limit (30).
ARRIVEES_PAR_S = 0.45
MOT_DE_PASSE = "banc-essai-portail-2026"
GUICHETS = ("G1301", "G1302", "G1303", "G1304")
TARGET_P95_MS = {"recherche": 50.0, "demande": 50.0, "enregistrement": 150.0}


def _comptes(factory: Any) -> list[str]:
    """One agent account per simulated agent, spread over the guichets, no forced change."""
    logins = [f"banc.agent{i:02d}" for i in range(AGENTS)]
    for i, login in enumerate(logins):
        referentiel.creer_utilisateur(
            UnitOfWork(factory),
            ADMIN_CLI,
            login=login,
            nom="Banc",
            prenom=f"Agent {i}",
            role="agent_guichet",
            mot_de_passe=MOT_DE_PASSE,
            guichet=GUICHETS[i % len(GUICHETS)],
            territoire=None,
        )
    with UnitOfWork(factory) as uow:
        uow.session.execute(text("UPDATE utilisateur SET mot_de_passe_a_changer = false"))
        uow.commit()
    return logins


def _donnees(engine: Any, connues: list[tuple[str, str, Any]], logins: list[str]) -> Path:
    """Write what the agents use: accounts, identities to search, numéros to open."""
    rng = random.Random(14)
    with engine.connect() as connection:
        numeros = list(
            connection.scalars(text("SELECT numero FROM demande ORDER BY random() LIMIT 5000"))
        )
    identites = []
    for nom, prenoms, naissance in rng.sample(connues, min(2000, len(connues))):
        if rng.random() < 0.3:  # some typed with another spelling the identity rules catch
            nom, prenoms, naissance = bench_duplicates.variante(rng, nom, prenoms, naissance)
        identites.append((nom, prenoms, naissance.strftime("%d/%m/%Y")))
    fichier = Path(tempfile.mkdtemp(prefix="sne-bench-portal-")) / "donnees.json"
    fichier.write_text(
        json.dumps(
            {
                "comptes": logins,
                "mot_de_passe": MOT_DE_PASSE,
                "identites": identites,
                "numeros": numeros,
            },
            ensure_ascii=False,
        )
    )
    return fichier


def _figures(stats: dict[str, dict[str, str]], prefixe: str) -> dict[str, Any]:
    """Requests, errors, p50/p95/p99 per page type, throughput and errors in all."""
    figures: dict[str, Any] = {}
    for nom in ("recherche", "demande", "accueil", "enregistrement"):
        ligne = stats.get(nom)
        if ligne is None:
            continue
        figures[f"{prefixe}{nom}_requests"] = int(ligne["Request Count"])
        figures[f"{prefixe}{nom}_errors"] = int(ligne["Failure Count"])
        for centile in ("50%", "95%", "99%"):
            figures[f"{prefixe}{nom}_p{centile[:-1]}_ms"] = float(ligne[centile])
        if nom in TARGET_P95_MS and float(ligne["95%"]) > 0:
            ratio = round(TARGET_P95_MS[nom] / float(ligne["95%"]), 2)
            figures[f"{prefixe}{nom}_target_ratio"] = ratio
    total = stats["Aggregated"]
    figures[f"{prefixe}requests_per_s"] = round(float(total["Requests/s"]), 1)
    figures[f"{prefixe}errors"] = int(total["Failure Count"])
    return figures


def main() -> None:
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    preparer_referentiel(lambda: UnitOfWork(factory), BilanDemo("013"))
    bench_duplicates.ROWS = ROWS  # the loader reads its module's size
    debut = time.perf_counter()
    connues, _ = bench_duplicates.charger(engine, bench_duplicates.Tirage(random.Random(14069)))
    chargement = time.perf_counter() - debut
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("demande", "personne", "utilisateur"):
            connection.execute(text(f"VACUUM ANALYZE {table}"))
    logins = _comptes(factory)
    donnees = _donnees(engine, connues, logins)
    engine.dispose()

    port = port_libre()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=BENCH_URL,
        SNE_VAR_DIR=str(donnees.parent / "var"),
        SNE_BENCH_PORTAL_DONNEES=str(donnees),
    )
    env.pop("REDIS_URL", None)
    serveur = subprocess.Popen(
        [sys.executable, "-m", "guichet_portal", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        attendre(url)
        # One agent alone first: what a page costs when nothing waits in line.
        seul = locust(
            url,
            env,
            scenario="portal_agents.py",
            utilisateurs=1,
            arrivees=1,
            duree_s=SEUL_S,
            nom="portal_locust_seul",
        )
        charge = locust(
            url,
            env,
            scenario="portal_agents.py",
            utilisateurs=AGENTS,
            arrivees=ARRIVEES_PAR_S,
            duree_s=MESURE_S,
            nom="portal_locust",
        )
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    figures: dict[str, Any] = {"demandes": ROWS, "agents": AGENTS, "load_s": round(chargement, 1)}
    figures.update(_figures(charge, ""))
    figures.update(_figures(seul, "seul_"))
    figures["measured_s"] = MESURE_S
    report(
        "portal",
        figures,
        notes=(
            "PostgreSQL, one territory; gunicorn 2 sync workers (python -m guichet_portal); "
            f"locust headless, {AGENTS} agents pausing 0.5–2 s, counted after all signed in; "
            f"seul_: one agent alone for {SEUL_S} s before; "
            "locust rounds times above 100 ms to 2 significant digits; "
            "target_ratio = target p95 / measured p95 (≥ 1 meets it)"
        ),
    )


if __name__ == "__main__":
    main()
