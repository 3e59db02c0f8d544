"""The job queue: in-process by default, RQ on the real Redis server with a real worker process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from sne import migrate
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.models import Demande
from sne.services import demandes
from sne.uow import UnitOfWork
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from workers.queue import InProcessQueue, RQQueue

RADIATION_DAY = "2027-04-16"  # 13 months after JOUR


def _base(tmp_path: Path) -> tuple[Settings, str]:
    """A committed SQLite database with one demande registered on JOUR."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}", var_dir=tmp_path, secret_key="k" * 40
    )
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    ref = Referentiel(lambda: UnitOfWork(factory))
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    engine.dispose()
    return settings, numero


def travailler_en_rafale(settings: Settings, redis_url: str) -> None:
    """Run ``sne worker --burst`` in a real process on these settings until the queues are empty."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": redis_url,
        "SNE_VAR_DIR": str(settings.var_dir),
        "SNE_SECRET_KEY": settings.secret_key,
    }
    worker = subprocess.run(
        [sys.executable, "-m", "sne.cli", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr


def _statut(settings: Settings, numero: str) -> str:
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        statut = session.scalar(select(Demande.statut).where(Demande.numero == numero))
    engine.dispose()
    assert statut is not None
    return statut


def test_in_process_queue_runs_the_job_at_once(tmp_path: Path) -> None:
    settings, numero = _base(tmp_path)
    queue = InProcessQueue(settings)
    queue.enqueue("cycle_quotidien", jour=RADIATION_DAY)
    assert queue.echecs == []
    assert _statut(settings, numero) == "radiee"
    assert len(list(settings.outbox.glob("*.eml"))) == 1  # the préavis, sent on the way


def test_a_failing_job_is_recorded_not_lost(tmp_path: Path) -> None:
    settings, _ = _base(tmp_path)
    queue = InProcessQueue(settings)
    queue.enqueue("cycle_quotidien", jour="pas une date")
    ((job, trace),) = queue.echecs
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
    job_id = RQQueue(redis_url).enqueue("cycle_quotidien", jour=RADIATION_DAY)
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
