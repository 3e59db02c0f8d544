"""A real worker killed (SIGKILL) in the middle of a batch: the batch resumes, losing and doubling nothing.

The worker is made to stop at a known dossier without any test hook: the test
holds a row lock on that dossier's demande, so the worker's piece insert (its
foreign key check) waits there after committing the dossiers before it. No
operator acts afterwards: another worker finds the abandoned job once its
heartbeat has expired (about 90 s, RQ's job monitoring interval plus its grace),
retries it, and the job resumes after the last committed dossier.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, select, text

from demo.envoi import preparer, scanner_envoi, types_au_hasard
from sne import migrate
from sne.acteurs import Acteur
from sne.config import Settings
from sne.db import make_session_factory
from sne.documents.cles import keyring_for
from sne.models import Lot, LotDossier, Piece
from sne.services import demandes, lots
from sne.uow import UnitOfWork
from tests.conftest import JOUR, POSTGRES_URL
from tests.factories import Referentiel, document_demande
from workers.queue import RQQueue

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

DOSSIERS = 8
ARRET = 3  # the worker is killed while attaching this dossier (0-based)
OPERATEUR = Acteur(
    utilisateur_id=None, login="operateur", role="operateur_numerisation", territoire_code="013"
)


@pytest.fixture
def base() -> Iterator[Engine]:
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/sne_crash_{os.getpid()}"
    try:
        engine = migrate.recreer_base_postgres(url)
    except Exception as error:  # noqa: BLE001 - any connection failure means "unreachable"
        pytest.skip(f"PostgreSQL injoignable : {error}")
    yield engine
    engine.dispose()
    migrate.supprimer_base_postgres(url)


def _attendre(condition: object, delai: float, quoi: str) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"délai dépassé : {quoi}")


def _descendants(pid: int) -> list[int]:
    """Return the processes descending from ``pid`` (from /proc), children first."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            champs = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(champs[1])
    trouves: list[int] = []
    a_voir = [pid]
    while a_voir:
        courant = a_voir.pop()
        enfants = [p for p, parent in parents.items() if parent == courant]
        trouves.extend(enfants)
        a_voir.extend(enfants)
    return trouves


def _vivant(pid: int) -> bool:
    """Tell whether process ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat not in ("Z", "X")


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sne.cli", "worker", "--queue", "scans"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_batch_resumes_without_loss_or_duplicate(
    base: Engine, redis_url: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    url = base.url.render_as_string(hide_password=False)
    settings = Settings(
        database_url=url, var_dir=tmp_path, secret_key="k" * 40, redis_url=redis_url
    )
    factory = make_session_factory(base)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    ref = Referentiel(uow)
    numeros = [
        demandes.enregistrer(uow(), ref.agent, document_demande(foyer=i), aujourd_hui=JOUR).numero
        for i in range(DOSSIERS)
    ]
    types = types_au_hasard(DOSSIERS, graine=7)
    identifiant = preparer(uow, ref.agent, numeros, types, JOUR)
    chemin = scanner_envoi(
        uow, identifiant, types, tmp_path / "envoi.pdf", keyring_for(settings), dpi=100
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SNE_VAR_DIR": str(tmp_path),
        "SNE_SECRET_KEY": settings.secret_key,
    }

    # Hold the demande of dossier ARRET: the worker will wait on it, mid-batch.
    verrou = base.connect()
    transaction = verrou.begin()
    verrou.execute(
        text("SELECT id FROM demande WHERE numero = :n FOR UPDATE"), {"n": numeros[ARRET]}
    )
    queue = RQQueue(redis_url)

    def enqueue(lot: int) -> None:
        queue.enqueue("traiter_lot", queue="scans", lot_id=lot)

    lot_id = lots.deposer(
        uow(),
        OPERATEUR,
        chemin,
        canal="courrier_guichet",
        storage=settings.storage,
        enqueue=enqueue,
        guichet=ref.guichet,
    ).id

    def faits() -> int:
        with factory() as session:
            return session.scalar(select(Lot.dossiers_faits).where(Lot.id == lot_id)) or 0

    premier = _worker(env)
    try:
        _attendre(lambda: faits() == ARRET, 120, "les premiers dossiers traités")
        time.sleep(0.5)  # the worker now waits on the locked demande
        assert faits() == ARRET  # some, not all: progress is stored as the job runs
        # Kill the worker and the work horse RQ forked for the job (it runs in a process group
        # of its own), as a crashed machine would: nothing gets to finish the dossier.
        famille = _descendants(premier.pid)
        assert famille, "le worker n'a pas de processus de travail"
        for pid in [*famille, premier.pid]:
            os.kill(pid, signal.SIGKILL)
        premier.wait(10)
        _attendre(lambda: not any(_vivant(pid) for pid in famille), 10, "la fin du processus")
    finally:
        if premier.poll() is None:
            premier.kill()
        transaction.rollback()
        verrou.close()

    time.sleep(1.0)  # the lock is gone: a surviving process would move on now
    with factory() as session:
        assert session.scalar(select(Lot.statut).where(Lot.id == lot_id)) == "en_cours"
    assert faits() == ARRET  # the dossier in flight was lost, and only it

    # Another worker, started afterwards, takes the abandoned job up again by itself.
    env_second = {**env, "SNE_WORKER_MAINTENANCE_S": "2", "SNE_WORKER_TTL_S": "20"}
    second = _worker(env_second)
    try:

        def statut() -> str | None:
            with factory() as session:
                return session.scalar(select(Lot.statut).where(Lot.id == lot_id))

        _attendre(lambda: statut() == "traite", 300, "la reprise automatique du lot")
    finally:
        second.terminate()
        second.wait(30)

    with factory() as session:
        lot = session.get(Lot, lot_id)
        assert lot is not None and lot.manifest is not None
        assert (lot.statut, lot.dossiers_faits) == ("traite", DOSSIERS)
        lignes = session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id)).all()
        assert sorted(d.index for d in lignes) == list(range(DOSSIERS))
        assert all(d.statut == "rattache" for d in lignes)
        pieces = session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all()
        for dossier in lot.manifest["dossiers"]:
            pages = [
                p
                for piece in pieces
                if piece.lot_dossier_index == dossier["index"]
                for p in piece.pages_lot or []
            ]
            # Every page of the dossier is in exactly one attached piece: none lost, none twice.
            assert sorted(pages) == sorted(dossier["pages"]), dossier["numero"]
        assert all((settings.storage / (p.storage_key or "")).is_file() for p in pieces)
    client.flushdb()
