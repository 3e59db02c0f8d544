"""The job queue: in-process by default, RQ on the real Redis server with a real worker process."""

from __future__ import annotations

import json
import zlib
from datetime import date
from pathlib import Path

import pytest
import redis

from sne.config import Settings
from tests.factories import RADIATION_DAY, travailler_en_rafale
from tests.factories import base_avec_demande as _base
from tests.factories import statut_demande as _statut
from workers.enqueue import enqueue_cycle_quotidien
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
