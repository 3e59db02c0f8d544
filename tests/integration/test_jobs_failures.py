"""Jobs that keep failing end in a visible failed state on real Redis, and can be retried."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from rq.job import Job
from rq.serializers import JSONSerializer

from sne.cli import main
from workers import failures
from workers.enqueue import enqueue_envoyer_notification
from workers.queue import RQQueue


@pytest.mark.redis
def test_a_job_that_keeps_failing_is_listed_with_its_reason_and_retried(
    redis_url: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    # The production queue retries three times, after 10 s, 60 s and 300 s.
    production = enqueue_envoyer_notification(RQQueue(redis_url), 1)
    job = Job.fetch(production, connection=client, serializer=JSONSerializer)
    assert (job.retries_left, job.retry_intervals) == (3, [10, 60, 300])
    job.delete()
    rapide = RQQueue(redis_url, retry_intervals=(0,))  # one quick retry, then failed
    enqueue_envoyer_notification(rapide, 424242)
    env = {
        "REDIS_URL": redis_url,
        "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/injoignable",
        "SNE_VAR_DIR": str(tmp_path),
    }
    for _ in range(2):  # the attempt, then its retry
        subprocess.run(
            [sys.executable, "-m", "sne.cli", "worker", "--burst", "--queue", "mails"],
            env={**env, "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
            timeout=120,
        )
    [echoue] = failures.lister(redis_url)
    assert (echoue.job, echoue.arguments, echoue.file) == (
        "envoyer_notification",
        {"notification_id": 424242},
        "mails",
    )
    assert "OperationalError" in echoue.raison
    sortie = CliRunner().invoke(main, ["jobs", "failed"], env=env)
    assert sortie.exit_code == 0 and "1 traitement(s) en échec" in sortie.output
    assert "notification_id=424242" in sortie.output
    relance = CliRunner().invoke(main, ["jobs", "retry", echoue.id], env=env)
    assert relance.exit_code == 0 and "1 traitement(s) remis en file" in relance.output
    assert failures.lister(redis_url) == []
    inconnu = CliRunner().invoke(main, ["jobs", "retry", "nimporte"], env=env)
    assert inconnu.exit_code == 1 and "Aucun traitement en échec" in inconnu.output
