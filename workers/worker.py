"""The ``sne worker`` command: an RQ worker on the queues, JSON-serialised jobs only."""

from __future__ import annotations

import click

from sne.config import Settings
from workers.queue import QUEUES


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
    files = [
        Queue(name, connection=connection, serializer=JSONSerializer) for name in queues or QUEUES
    ]
    Worker(files, connection=connection, serializer=JSONSerializer).work(
        burst=burst, with_scheduler=True
    )
