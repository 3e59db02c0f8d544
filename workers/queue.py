"""One small interface to run jobs: RQ on Redis when ``REDIS_URL`` is set, in-process otherwise.

Jobs are plain functions registered in ``workers.jobs`` by name. Arguments are
identifiers and plain values serialised as JSON (never pickled objects, never
personal data in Redis). Callers enqueue from ``uow.after_commit`` so that a
worker never sees uncommitted rows.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sne.config import Settings

log = logging.getLogger(__name__)

#: Queues named after the kind of work.
QUEUES = ("scans", "mails", "default")
#: Delays in seconds between the attempts of a job that failed transiently.
RETRY_INTERVALS = (10, 60, 300)


class JobQueue(Protocol):
    """Where jobs go."""

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Schedule ``job`` with JSON-serialisable ``arguments``; return the job's identifier."""
        ...


def _json_only(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse anything that would not survive a JSON round trip unchanged."""
    encoded = json.dumps(arguments, sort_keys=True)
    decoded: dict[str, Any] = json.loads(encoded)
    if decoded != dict(arguments):
        raise TypeError(f"job arguments must be plain JSON values: {arguments!r}")
    return decoded


@dataclass
class InProcessQueue:
    """Runs each job at once in this process (the embedded default), recording failures."""

    settings: Settings
    echecs: list[tuple[str, str]] = field(default_factory=list)
    _compteur: int = 0

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        from workers import jobs

        arguments = _json_only(arguments)  # same contract as on Redis, checked before running
        self._compteur += 1
        identifiant = f"local-{self._compteur}"
        try:
            jobs.run(job, arguments, settings=self.settings)
        except Exception:
            self.echecs.append((job, traceback.format_exc()))
            log.exception("job %s failed (in-process)", job)
        return identifiant


@dataclass
class RQQueue:
    """Enqueues on RQ (Redis); ``sne worker`` runs the jobs."""

    redis_url: str

    def _queue(self, queue: str) -> Any:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        if queue not in QUEUES:
            raise ValueError(f"unknown queue {queue!r}")
        connection = Redis.from_url(self.redis_url)
        return Queue(queue, connection=connection, serializer=JSONSerializer)

    @staticmethod
    def _options(job: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        from rq import Retry

        return {
            "args": (job, _json_only(arguments)),
            "retry": Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            "job_timeout": 3600,
            "failure_ttl": 30 * 24 * 3600,
        }

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        enqueued = self._queue(queue).enqueue(
            "workers.jobs.run_from_rq", **self._options(job, arguments)
        )
        return str(enqueued.id)

    def enqueue_at(
        self, quand: datetime, job: str, *, queue: str, job_id: str, **arguments: Any
    ) -> str:
        """Schedule ``job`` for ``quand`` (aware) under ``job_id``; RQ's scheduler enqueues it."""
        enqueued = self._queue(queue).enqueue_at(
            quand, "workers.jobs.run_from_rq", job_id=job_id, **self._options(job, arguments)
        )
        return str(enqueued.id)


def make_queue(settings: Settings) -> JobQueue:
    """The queue the settings call for."""
    if settings.redis_url:
        return RQQueue(settings.redis_url)
    return InProcessQueue(settings)
