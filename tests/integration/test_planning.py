"""The daily lifecycle scheduled on RQ: the next run's time, one scheduling per day, run twice."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import redis
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

from sne.config import Settings
from tests.factories import RADIATION_DAY, travailler_en_rafale
from tests.factories import base_avec_demande as _base
from tests.factories import statut_demande as _statut
from workers.enqueue import enqueue_cycle_quotidien
from workers.planning import PARIS, aujourd_hui, job_id, planifier_cycle, prochain_passage
from workers.queue import RQQueue


def test_the_next_run_is_the_next_local_time_strictly_after_now() -> None:
    avant = datetime(2026, 11, 23, 1, 0, tzinfo=PARIS)
    assert prochain_passage(avant, "02:30") == datetime(2026, 11, 23, 2, 30, tzinfo=PARIS)
    pile = datetime(2026, 11, 23, 2, 30, tzinfo=PARIS)
    assert prochain_passage(pile, "02:30") == datetime(2026, 11, 24, 2, 30, tzinfo=PARIS)
    # Given in UTC, computed in Paris time: 23:45 UTC on 30 June is already 1 July in Paris.
    ete = datetime(2026, 6, 30, 23, 45, tzinfo=UTC)
    assert prochain_passage(ete, "02:30").date().isoformat() == "2026-07-01"
    assert prochain_passage(ete, "02:30").astimezone(UTC).hour == 0  # 02:30 CEST
    # On the night clocks go forward, 02:30 does not exist: the run still happens that night.
    printemps = prochain_passage(datetime(2026, 3, 29, 0, 0, tzinfo=PARIS), "02:30")
    assert printemps.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.redis
def test_the_daily_run_is_scheduled_once_whoever_asks(tmp_path: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings = Settings(
        database_url="sqlite://", var_dir=tmp_path, secret_key="k", redis_url=redis_url
    )
    maintenant = datetime(2026, 11, 23, 14, 0, tzinfo=PARIS)
    premier = planifier_cycle(settings, maintenant)
    assert premier == "cycle-quotidien-2026-11-24"
    assert planifier_cycle(settings, maintenant) is None  # a second worker starting
    registre = ScheduledJobRegistry("default", connection=client, serializer=JSONSerializer)
    assert registre.get_job_ids() == [premier]
    prevu = registre.get_scheduled_time(premier)
    assert prevu == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 02:30 in Paris, winter time
    stored = client.hget(f"rq:job:{premier}", "data")
    assert stored is not None
    assert json.loads(zlib.decompress(stored))[2] == ["cycle_quotidien", {"jour": "2026-11-24"}]
    # Deleted by hand (or lost): the next worker to start schedules it again.
    Job.fetch(premier, connection=client, serializer=JSONSerializer).delete()
    assert planifier_cycle(settings, maintenant) == premier
    assert registre.get_job_ids() == [premier]
    client.flushdb()


@pytest.mark.redis
def test_a_worker_runs_an_overdue_daily_run_then_schedules_the_next(
    tmp_path: Path, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings, numero = _base(tmp_path)
    settings = Settings(
        database_url=settings.database_url,
        var_dir=tmp_path,
        secret_key=settings.secret_key,
        redis_url=redis_url,
    )
    # Workers were down at the scheduled time: the run is overdue when one comes back.
    retard = planifier_cycle(settings, datetime(2026, 1, 1, 12, 0, tzinfo=PARIS))
    assert retard == job_id(datetime(2026, 1, 2).date())
    # The same day run twice (a retry, an operator): the second changes nothing.
    queue = RQQueue(redis_url)
    deux = [enqueue_cycle_quotidien(queue, date.fromisoformat(RADIATION_DAY)) for _ in range(2)]
    travailler_en_rafale(settings, redis_url)

    def resultat(ident: str) -> dict[str, int]:
        job = Job.fetch(ident, connection=client, serializer=JSONSerializer)
        assert job.get_status() == "finished", job.latest_result()
        valeur = job.return_value()
        assert isinstance(valeur, dict)
        return valeur

    assert resultat(retard)["radiees"] == 0  # 2 January 2026: nothing due yet
    premier, second = (resultat(ident) for ident in deux)
    assert premier["radiees"] == 1 and second["radiees"] == 0
    assert _statut(settings, numero) == "radiee"
    # The next run is scheduled, once, for the next 02:30 in Paris.
    registre = ScheduledJobRegistry("default", connection=client, serializer=JSONSerializer)
    [suivant] = registre.get_job_ids()
    prevu = registre.get_scheduled_time(suivant)
    assert prevu > datetime.now(UTC)
    assert suivant == job_id(prevu.astimezone(PARIS).date())
    assert prevu.astimezone(PARIS).date() >= aujourd_hui()
    client.flushdb()
