"""The ``sne worker`` command: an RQ worker on the queues, JSON-serialised jobs only.

Each worker also runs RQ's scheduler (retry delays, the daily lifecycle): only one
of them holds its lock at a time, so any number of workers can be started.
"""

from __future__ import annotations

import click

from sne.config import Settings
from workers.enqueue import QUEUES
from workers.planning import planifier_cycle


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
    connection = Redis.from_url(settings.redis_url)
    servies = queues or QUEUES
    files = [Queue(name, connection=connection, serializer=JSONSerializer) for name in servies]
    if "default" in servies:
        planifier_cycle(settings)  # the daily lifecycle: scheduled once, whoever starts first
    # Maintenance passes retry the jobs of a worker that died (SIGKILL, lost machine) once
    # their heartbeat has expired, so a crashed batch resumes on any live worker.
    Worker(
        files,
        connection=connection,
        serializer=JSONSerializer,
        maintenance_interval=settings.worker_maintenance_s,
        worker_ttl=settings.worker_ttl_s,
    ).work(burst=burst, with_scheduler=True)
