"""The jobs side of the console: the queue the portal enqueues on, failed jobs and their retry.

The queue is the one the settings call for (``workers.queue.make_queue``: RQ when
``REDIS_URL`` is set, in-process otherwise), built once per application; tests
may place their own under ``app.extensions["sne.file"]``. Failed jobs exist only
on RQ (``workers.failures``): the in-process queue runs each job at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import current_app

from sne.config import Settings
from workers import failures
from workers.enqueue import JobQueue, enqueue_envoyer_notification, enqueue_traiter_lot
from workers.queue import make_queue

CLE = "sne.file"


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["sne.settings"])


def file() -> JobQueue:
    """The application's job queue (built on first use)."""
    if CLE not in current_app.extensions:
        current_app.extensions[CLE] = make_queue(_settings())
    return cast(JobQueue, current_app.extensions[CLE])


def traiter_lot() -> Callable[[int], None]:
    """What the services call, after their commit, to process a deposited lot."""
    queue = file()

    def enqueue(lot_id: int) -> None:
        enqueue_traiter_lot(queue, lot_id)

    return enqueue


def envoyer_notification() -> Callable[[int], None]:
    """What the services call, after their commit, to send a notification mail."""
    queue = file()

    def planifier(notification_id: int) -> None:
        enqueue_envoyer_notification(queue, notification_id)

    return planifier


def avec_redis() -> bool:
    """Whether jobs run on RQ, where failed jobs are kept."""
    return _settings().redis_url is not None


def jobs_echoues() -> list[failures.JobEchoue]:
    """Every failed job of every queue, most recent first (none without Redis)."""
    redis_url = _settings().redis_url
    return failures.lister(redis_url) if redis_url else []


def relancer_job(job_id: str) -> list[str]:
    """Put the failed job ``job_id`` back in its queue; return the ids requeued."""
    redis_url = _settings().redis_url
    return failures.relancer(redis_url, job_id) if redis_url else []
