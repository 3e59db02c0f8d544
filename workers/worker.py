"""The ``sne worker`` command: an RQ worker on the queues, JSON-serialised jobs only.

Each worker also runs RQ's scheduler (retry delays, the daily lifecycle): only one
of them holds its lock at a time, so any number of workers can be started.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import click

from sne.config import Settings
from workers.enqueue import QUEUES
from workers.planning import planifier_cycle

if TYPE_CHECKING:
    from rq import Worker

log = logging.getLogger(__name__)


@click.command("worker")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Files à servir (défaut : toutes).",
)
@click.option("--burst", is_flag=True, help="S'arrêter quand les files sont vides.")
def worker(queues: tuple[str, ...], burst: bool) -> None:
    """Lance un worker RQ (REDIS_URL obligatoire)."""
    from redis import Redis
    from rq import Queue, Worker
    from rq.serializers import JSONSerializer

    settings = Settings.from_env()
    if not settings.redis_url:
        raise click.ClickException(
            "REDIS_URL n'est pas défini : sans Redis, les traitements s'exécutent dans le processus."
        )
    if settings.worker_nice:
        os.nice(settings.worker_nice)  # the portals' pages before the backlog (SNE_WORKER_NICE)
    connection = Redis.from_url(settings.redis_url)
    servies = queues or QUEUES
    files = [Queue(name, connection=connection, serializer=JSONSerializer) for name in servies]
    if "default" in servies:
        planifier_cycle(settings)  # the daily lifecycle: scheduled once, whoever starts first
    # Maintenance passes retry the jobs of a worker that died (SIGKILL, lost machine) once
    # their heartbeat has expired, so a crashed batch resumes on any live worker; they also
    # queue again the lots recorded without a job (``workers.balayage``).
    _worker_qui_balaie(Worker, settings)(
        files,
        connection=connection,
        serializer=JSONSerializer,
        maintenance_interval=settings.worker_maintenance_s,
        worker_ttl=settings.worker_ttl_s,
    ).work(burst=burst, with_scheduler=True)


def _worker_qui_balaie(base: type[Worker], settings: Settings) -> type[Worker]:
    """RQ's worker class whose maintenance pass also runs the sweep of lots without a job."""
    from rq.exceptions import StopRequested

    from sne.uow import UnitOfWork
    from workers.balayage import balayer
    from workers.queue import RQQueue, context

    class WorkerSne(base):  # type: ignore[valid-type,misc]  # a class built at run time
        def request_stop(self, signum: int, frame: Any) -> None:
            # Remembered before RQ raises StopRequested: raised inside the sweep (or inside
            # the logging of its failure) the exception can be swallowed, and the worker
            # would go on waiting for jobs; RQ's loop stops on this flag after maintenance.
            self._stop_requested = True
            super().request_stop(signum, frame)

        def run_maintenance_tasks(self) -> None:
            super().run_maintenance_tasks()
            try:
                ctx = context(settings, queue=RQQueue(settings.redis_url or ""))
                balayer(settings, UnitOfWork(ctx.session_factory), ctx.queue)
            except StopRequested:
                raise
            except Exception:  # the sweep must never stop a worker; the next pass retries
                log.exception("sweep of lots without a job failed")

    return WorkerSne
