"""The RQ queue (Redis): jobs enqueued by name with JSON arguments, retried, kept when failed.

Workers import the job runner by its dotted name (``RUNNER``), so this module
imports no job: the wiring lives in ``workers.queue``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workers.enqueue import QUEUES, json_only

#: Delays in seconds between the attempts of a job that failed transiently.
RETRY_INTERVALS = (10, 60, 300)
#: The function RQ workers call with ``(job, arguments)``.
RUNNER = "workers.queue.run_from_rq"


@dataclass
class RQQueue:
    """Enqueues on RQ (Redis); ``sne worker`` runs the jobs."""

    redis_url: str
    #: Delays between the attempts after a failure (one retry per entry).
    retry_intervals: tuple[int, ...] = RETRY_INTERVALS

    def _queue(self, queue: str) -> Any:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        if queue not in QUEUES:
            raise ValueError(f"unknown queue {queue!r}")
        connection = Redis.from_url(self.redis_url)
        return Queue(queue, connection=connection, serializer=JSONSerializer)

    def _options(self, job: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        from rq import Retry

        return {
            "args": (job, json_only(arguments)),
            "retry": Retry(max=len(self.retry_intervals), interval=list(self.retry_intervals)),
            "job_timeout": 3600,
            "failure_ttl": 30 * 24 * 3600,
        }

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Put ``job`` on ``queue``; a worker runs it."""
        enqueued = self._queue(queue).enqueue(RUNNER, **self._options(job, arguments))
        return str(enqueued.id)

    def enqueue_at(
        self, quand: datetime, job: str, *, queue: str, job_id: str, **arguments: Any
    ) -> str:
        """Schedule ``job`` for ``quand`` (aware) under ``job_id``; RQ's scheduler enqueues it."""
        enqueued = self._queue(queue).enqueue_at(
            quand, RUNNER, job_id=job_id, **self._options(job, arguments)
        )
        return str(enqueued.id)
