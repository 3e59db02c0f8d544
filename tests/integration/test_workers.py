"""The job queue: in-process by default, RQ on the real Redis server with a real worker process."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import text

from sne.config import Settings
from tests.factories import RADIATION_DAY, travailler_en_rafale
from tests.factories import base_avec_demande as _base
from tests.factories import statut_demande as _statut
from workers import queue as queue_module
from workers.enqueue import (
    enqueue_cycle_quotidien,
    enqueue_envoyer_notification,
    enqueue_traiter_lot,
)
from workers.queue import InProcessQueue, RQQueue


def test_in_process_queue_runs_the_job_at_once(tmp_path: Path) -> None:
    settings, numero = _base(tmp_path)
    queue = InProcessQueue(settings)
    enqueue_cycle_quotidien(queue, date.fromisoformat(RADIATION_DAY))
    assert queue.failures == []
    assert _statut(settings, numero) == "radiee"
    assert len(list(settings.outbox.glob("*.eml"))) == 1  # the préavis, sent on the way


def test_a_failing_job_is_recorded_not_lost(tmp_path: Path) -> None:
    settings, _ = _base(tmp_path)
    queue = InProcessQueue(settings)
    queue.enqueue("cycle_quotidien", jour="pas une date")
    ((job, trace),) = queue.failures
    assert job == "cycle_quotidien" and "ValueError" in trace


def test_job_arguments_must_be_plain_json(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        InProcessQueue(
            Settings(database_url="sqlite://", var_dir=tmp_path, secret_key="k")
        ).enqueue("cycle_quotidien", jour=date(2027, 4, 16))


@pytest.mark.redis
def test_rq_job_is_json_in_redis_and_run_by_a_real_worker(tmp_path: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings, numero = _base(tmp_path)
    job_id = enqueue_cycle_quotidien(RQQueue(redis_url), date.fromisoformat(RADIATION_DAY))
    stored = client.hget(f"rq:job:{job_id}", "data")
    assert stored is not None
    assert json.loads(zlib.decompress(stored))[2] == [
        "cycle_quotidien",
        {"jour": RADIATION_DAY},
    ]  # JSON, not pickle
    assert _statut(settings, numero) == "active"  # nothing runs until a worker takes it

    travailler_en_rafale(settings, redis_url)
    assert _statut(settings, numero) == "radiee"
    assert client.hget(f"rq:job:{job_id}", "status") == b"finished"
    client.flushdb()


@pytest.mark.redis
def test_a_worker_sends_mails_before_it_takes_the_next_batch(
    tmp_path: Path, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings, _ = _base(tmp_path)
    queue = RQQueue(redis_url)
    lot = enqueue_traiter_lot(queue, 999_999)  # queued first
    mail = enqueue_envoyer_notification(queue, 999_999)
    travailler_en_rafale(settings, redis_url)
    debuts = {
        nom: client.hget(f"rq:job:{ident}", "started_at")
        for nom, ident in (("lot", lot), ("mail", mail))
    }
    assert debuts["lot"] and debuts["mail"] and debuts["mail"] < debuts["lot"]
    client.flushdb()


@pytest.mark.redis
def test_a_lot_recorded_while_redis_is_down_is_queued_by_the_workers_sweep(
    tmp_path: Path, redis_url: str
) -> None:
    from click.testing import CliRunner
    from sqlalchemy import func, select, update

    from sne.cli import main
    from sne.models import Lot
    from sne.services import lots
    from sne.uow import utcnow
    from tests.factories import OPERATEUR, nouvelle_chaine, pdf_valide
    from workers.balayage import balayer, lots_en_file
    from workers.enqueue import enqueue_traiter_lot

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings, uow, _, ctx = nouvelle_chaine(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}",
            var_dir=tmp_path,
            secret_key="k" * 40,
        )
    )
    source = pdf_valide(tmp_path / "courrier.pdf", pages=2)
    ferme = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is down for the deposit
    env = {
        "SNE_VAR_DIR": str(settings.var_dir),
        "DATABASE_URL": settings.database_url,
        "SNE_SECRET_KEY": settings.secret_key,
        "REDIS_URL": ferme,
    }
    sortie = CliRunner().invoke(
        main,
        ["lots", "deposer", str(source), "--canal", "courrier_demandeur", "--territoire", "013"],
        env=env,
    )
    assert sortie.exit_code == 0, sortie.output
    assert "injoignable" in sortie.output and "bien enregistré" in sortie.output
    assert "Traceback" not in sortie.output
    # Deposited again while still stuck: that lot is queued again, not refused as a duplicate.
    encore = lots.deposer(
        uow(),
        OPERATEUR,
        source,
        canal="courrier_demandeur",
        storage=ctx.store,
        enqueue=lambda lot_id: _ignorer(enqueue_traiter_lot(RQQueue(redis_url), lot_id)),
        territoire="013",
    )
    assert encore.remis_en_file and encore.en_file and encore.doublon_de is None
    assert lots_en_file(redis_url) == {encore.id}
    with uow() as unit:
        assert unit.session.scalar(select(func.count()).select_from(Lot)) == 1
    client.flushdb()  # the job is lost again (Redis emptied): only the sweep can save the lot
    avec_redis = dataclasses.replace(settings, redis_url=redis_url)
    assert balayer(avec_redis, uow(), RQQueue(redis_url)) == []  # received a moment ago: not yet
    with uow() as unit:  # a few minutes later
        unit.session.execute(update(Lot).values(created_at=utcnow() - timedelta(minutes=10)))
        unit.commit()
    travailler_en_rafale(settings, redis_url)  # a real worker: its maintenance pass sweeps
    with uow() as unit:
        lot = unit.session.get(Lot, encore.id)
        assert lot is not None and lot.manifest is not None  # split: it was processed
        assert lot.statut == "traite" and lot.mis_en_file_le is not None
    client.flushdb()


def _ignorer(_: object) -> None:
    """Drop a job id: the deposit's enqueue callback returns nothing."""


@pytest.mark.postgres
def test_a_forked_work_horse_never_talks_on_the_workers_connection(postgres_engine: Any) -> None:
    """RQ forks a process per job after the worker's own sweep used the database."""
    url = postgres_engine.url.render_as_string(hide_password=False)
    fabrique = queue_module._session_factory(url)
    with fabrique() as session:
        parent = session.scalar(text("SELECT pg_backend_pid()"))
    lecture, ecriture = os.pipe()
    pid = os.fork()
    if pid == 0:  # the work horse: reports the server process it talks to
        code = 1
        try:
            with queue_module._session_factory(url)() as session:
                os.write(ecriture, str(session.scalar(text("SELECT pg_backend_pid()"))).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(ecriture)
    enfant = os.read(lecture, 32).decode()
    assert os.waitpid(pid, 0)[1] == 0
    assert enfant and int(enfant) != parent
    with fabrique() as session:  # the worker's connection is still its own, and sound
        assert session.scalar(text("SELECT pg_backend_pid()")) == parent


def _worker_mails(tmp_path: Path, redis_url: str, **env: str) -> subprocess.Popen[bytes]:
    """A real worker on the mails queue (its database not even migrated: its sweep fails)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sne.cli", "worker", "--queue", "mails"],
        env={
            **os.environ,
            "REDIS_URL": redis_url,
            "SNE_VAR_DIR": str(tmp_path),
            "SNE_SECRET_KEY": "k" * 40,
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_gives_the_portals_priority_on_the_processor(
    tmp_path: Path, redis_url: str
) -> None:
    """A worker runs niced (``SNE_WORKER_NICE``): OCR never delays a page on a shared machine."""
    worker = _worker_mails(tmp_path, redis_url, SNE_WORKER_NICE="7")
    try:
        attendu = os.getpriority(os.PRIO_PROCESS, 0) + 7
        fin = time.monotonic() + 30
        while os.getpriority(os.PRIO_PROCESS, worker.pid) != attendu:
            assert worker.poll() is None, "le worker s'est arrêté"
            assert time.monotonic() < fin, "le worker n'a pas baissé sa priorité"
            time.sleep(0.1)
    finally:
        worker.kill()
        worker.wait(timeout=30)


def test_a_stop_arriving_during_the_sweep_is_not_swallowed(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM in the middle of the sweep (which logs and survives its own failures) stops the worker."""
    from redis import Redis
    from rq import Queue, Worker
    from rq.serializers import JSONSerializer

    from workers import balayage
    from workers.worker import _worker_qui_balaie

    def balayage_interrompu(*_args: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # systemd stops the worker right now
        raise RuntimeError("base injoignable")  # and the sweep fails on top of it

    expire: list[bool] = []

    def trop_long(*_args: object) -> None:
        expire.append(True)
        raise SystemExit(1)  # RQ lets SystemExit through (a cold shutdown)

    monkeypatch.setattr(balayage, "balayer", balayage_interrompu)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/sne.db",
        var_dir=tmp_path,
        secret_key="k" * 40,
        redis_url=redis_url,
    )
    connexion = Redis.from_url(redis_url)
    worker = _worker_qui_balaie(Worker, settings)(
        [Queue("mails", connection=connexion, serializer=JSONSerializer)],
        connection=connexion,
        serializer=JSONSerializer,
        worker_ttl=20,
    )
    precedent = signal.signal(signal.SIGALRM, trop_long)
    signal.alarm(15)
    try:
        worker.work(burst=False)
    except SystemExit:
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, precedent)
    assert not expire, "le worker attendait encore des travaux 15 s après SIGTERM"
