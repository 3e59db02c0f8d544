"""The web-service API under load on PostgreSQL, served by gunicorn as ``make run`` serves it.

8 clients (threads, one token each, as 8 privative systems) register demandes as
fast as the portal answers for ``SNE_BENCH_API_S`` seconds: registrations per
second. Then 8 clients read demandes (``GET /api/v1/demandes/{numero}``), each
at ``LECTURES_PAR_S`` calls a second on average
(Poisson arrivals, under the per-token limit): p50/p95/p99.
A single client reads alone first (``seul_`` figures: the cost of a read with
no queue). Target (issue 18): GET demande p95 ≤ 20 ms. ``SNE_BENCH_API_ROWS`` demandes are
registered first through the service, so the reads hit a filled table.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from typing import Any

import requests

from bench.charge import attendre, port_libre
from bench.common import ROOT, report
from bench.data import foyer, territoire
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.services import demandes, jetons
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_API_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_api"
)
ROWS = int(os.environ.get("SNE_BENCH_API_ROWS", "2000"))
MESURE_S = int(os.environ.get("SNE_BENCH_API_S", "20"))
CLIENTS = 8
#: Reads a second per client: 5, under the default limit of 600 calls a minute per token.
LECTURES_PAR_S = 5
TARGET_GET_P95_MS = 20.0


def _centile(valeurs: list[float], rang: float) -> float:
    if not valeurs:
        return 0.0
    valeurs = sorted(valeurs)
    return round(valeurs[min(len(valeurs) - 1, int(rang * len(valeurs)))], 1)


def _preparer() -> tuple[list[str], list[str]]:
    """Fresh database, one territory, ``ROWS`` demandes, one token per client."""
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    ref = territoire(uow)
    jour = date.today()
    rng = random.Random(18)
    numeros = [
        demandes.enregistrer(
            uow(), ref.agent, foyer(rng, jour), aujourd_hui=jour, forcer_doublon="banc d'essai"
        ).numero
        for _ in range(ROWS)
    ]
    secrets = [
        jetons.creer(
            uow(),
            ref.gestionnaire,
            nom=f"banc {i}",
            agent=(ref.agent if i % 2 else ref.autre_agent).login,
            portees=["lecture", "ecriture"],
            expire_le=jour + timedelta(days=30),
            aujourd_hui=jour,
        ).secret
        for i in range(CLIENTS)
    ]
    engine.dispose()
    return numeros, secrets


def _enregistrer(url: str, secret: str, graine: int, fin: float, sortie: dict[str, Any]) -> None:
    """Register households until ``fin``; record latencies and statuses."""
    rng = random.Random(graine)
    session = requests.Session()
    entetes = {"Authorization": f"Bearer {secret}"}
    while time.monotonic() < fin:
        corps: dict[str, Any] = {
            "demande": foyer(rng, date.today()),
            "forcer_doublon": "banc d'essai",
        }
        debut = time.perf_counter()
        reponse = session.post(
            url + "/api/v1/demandes",
            json=corps,
            headers={**entetes, "Idempotency-Key": uuid.uuid4().hex},
            timeout=30,
        )
        sortie["ms"].append((time.perf_counter() - debut) * 1000)
        sortie["statuts"].append(reponse.status_code)


def _lire(
    url: str, secret: str, numeros: list[str], graine: int, fin: float, sortie: dict[str, Any]
) -> None:
    """Read random demandes, ``LECTURES_PAR_S`` a second on average, until ``fin``.

    Calls arrive as a Poisson process (exponential gaps, a random start): privative
    systems do not tick in step with each other, and clients firing on a shared clock
    would measure the queue of their own bursts.
    """
    rng = random.Random(graine)
    session = requests.Session()
    entetes = {"Authorization": f"Bearer {secret}"}
    prochain = time.monotonic() + rng.expovariate(LECTURES_PAR_S)
    while prochain < fin:
        time.sleep(max(0.0, prochain - time.monotonic()))
        debut = time.perf_counter()
        reponse = session.get(
            f"{url}/api/v1/demandes/{rng.choice(numeros)}", headers=entetes, timeout=30
        )
        sortie["ms"].append((time.perf_counter() - debut) * 1000)
        sortie["statuts"].append(reponse.status_code)
        prochain += rng.expovariate(LECTURES_PAR_S)


def _phase(cible: Any, secrets: list[str], *args: Any) -> dict[str, Any]:
    """Run ``cible`` in one thread per client for ``MESURE_S`` seconds; merge what they saw."""
    sorties: list[dict[str, list[Any]]] = [{"ms": [], "statuts": []} for _ in secrets]
    fin = time.monotonic() + MESURE_S
    fils = [
        threading.Thread(target=cible, args=(*args[:1], secret, *args[1:], i, fin, sortie))
        for i, (secret, sortie) in enumerate(zip(secrets, sorties, strict=True))
    ]
    debut = time.perf_counter()
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    duree = time.perf_counter() - debut
    return {
        "ms": [m for s in sorties for m in s["ms"]],
        "statuts": [c for s in sorties for c in s["statuts"]],
        "duree_s": duree,
    }


def main() -> None:
    numeros, secrets = _preparer()
    port = port_libre()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=BENCH_URL, SNE_VAR_DIR=str(ROOT / "var" / "bench_api"))
    env.pop("REDIS_URL", None)
    serveur = subprocess.Popen(
        [sys.executable, "-m", "guichet_portal", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        attendre(url)
        charge_avant = os.getloadavg()[0]
        # One client alone first: what a read costs when nothing waits in line.
        seul = _phase(_lire, secrets[:1], url, numeros)
        ecritures = _phase(_enregistrer, secrets, url)
        lectures = _phase(_lire, secrets, url, numeros)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    crees = ecritures["statuts"].count(201)
    get_p95 = _centile(lectures["ms"], 0.95)
    figures: dict[str, Any] = {
        "demandes_before": ROWS,
        "clients": CLIENTS,
        "measured_s": MESURE_S,
        "registrations": crees,
        "registrations_per_s": round(crees / ecritures["duree_s"], 1),
        "registration_p50_ms": _centile(ecritures["ms"], 0.50),
        "registration_p95_ms": _centile(ecritures["ms"], 0.95),
        "registration_other_statuses": len(ecritures["statuts"]) - crees,
        "get_demande_requests": len(lectures["ms"]),
        "get_demande_p50_ms": _centile(lectures["ms"], 0.50),
        "get_demande_p95_ms": get_p95,
        "get_demande_p99_ms": _centile(lectures["ms"], 0.99),
        "get_demande_mean_ms": round(statistics.fmean(lectures["ms"]), 1)
        if lectures["ms"]
        else 0.0,
        "get_demande_errors": len(lectures["statuts"]) - lectures["statuts"].count(200),
        "get_demande_target_ratio": round(TARGET_GET_P95_MS / get_p95, 2) if get_p95 else 0.0,
        "seul_get_demande_requests": len(seul["ms"]),
        "seul_get_demande_p50_ms": _centile(seul["ms"], 0.50),
        "seul_get_demande_p95_ms": _centile(seul["ms"], 0.95),
        "machine_load_1min": round(charge_avant, 1),
    }
    report(
        "api",
        figures,
        notes=(
            "PostgreSQL, one territory; gunicorn 2 sync workers (python -m guichet_portal); "
            f"{CLIENTS} client threads with one token each on the same 2-core machine; "
            f"reads arrive as a Poisson process, {LECTURES_PAR_S}/s per client on average; "
            "every call traced (appel_api); "
            "seul_: one client alone reading first (no queue); machine_load_1min: the "
            "machine's load average before the run (other work shares the 2 cores); "
            "target_ratio = target p95 / measured p95 (≥ 1 meets it)"
        ),
    )


if __name__ == "__main__":
    main()
