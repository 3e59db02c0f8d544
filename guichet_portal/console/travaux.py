"""The jobs side of the console: the portal's queue for lots and mails, failed jobs and retry.

The queue is the application's own (``create_app`` keeps it under
``app.extensions["sne.queue"]``: RQ when ``REDIS_URL`` is set, else a thread of
the web process). Failed jobs are kept only on RQ (``workers.failures``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import current_app

from sne.config import Settings
from workers import failures
from workers.enqueue import JobQueue, enqueue_envoyer_notification, enqueue_traiter_lot


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["sne.settings"])


def file() -> JobQueue:
    """The application's job queue."""
    return cast(JobQueue, current_app.extensions["sne.queue"])


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
