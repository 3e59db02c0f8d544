"""The sweep: queue again the lots recorded without a job, so that no lot waits in a queue nobody serves.

A lot is recorded, then its job is queued after the commit; if the queue was
unreachable at that moment (Redis down) or the job was lost, the lot would stay
``recu`` for ever. ``balayer`` finds the lots received more than a few minutes
ago (``exploitation_lots.DELAI_BALAYAGE``) and never started, with no job in RQ's
registries, and queues them again. Workers run it in each maintenance pass;
``sne lots relancer`` without an id runs it too. Queueing a lot twice is safe:
its processing is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import timedelta

from sne.config import Settings
from sne.services import exploitation_lots, lots
from sne.uow import UnitOfWork
from workers.enqueue import TRAITER_LOT, JobQueue, enqueue_traiter_lot

log = logging.getLogger(__name__)


def lots_en_file(redis_url: str) -> set[int]:
    """The lots RQ holds a processing job for: waiting, running, scheduled or deferred."""
    from redis import Redis
    from rq import Queue
    from rq.job import Job
    from rq.registry import DeferredJobRegistry, ScheduledJobRegistry, StartedJobRegistry
    from rq.serializers import JSONSerializer

    connection = Redis.from_url(redis_url)
    file = Queue("scans", connection=connection, serializer=JSONSerializer)
    ids = set(file.get_job_ids())
    for registre in (StartedJobRegistry, ScheduledJobRegistry, DeferredJobRegistry):
        ids.update(registre(queue=file).get_job_ids())
    en_file: set[int] = set()
    for job in Job.fetch_many(sorted(ids), connection=connection, serializer=JSONSerializer):
        if job is None:
            continue
        nom, arguments = [*job.args, None, None][:2]
        if nom == TRAITER_LOT and isinstance(arguments, dict) and "lot_id" in arguments:
            en_file.add(int(arguments["lot_id"]))
    return en_file


def balayer(
    settings: Settings,
    uow: UnitOfWork,
    queue: JobQueue,
    *,
    delai: timedelta = exploitation_lots.DELAI_BALAYAGE,
    statuts: Collection[str] = ("recu",),
) -> list[int]:
    """Queue again every lot in ``statuts`` that has no job, older than ``delai``; return their ids."""
    en_file = lots_en_file(settings.redis_url) if settings.redis_url else set()
    perdus = exploitation_lots.sans_job(uow, en_file, delai=delai, statuts=statuts)
    for lot_id in perdus:
        log.warning("lot %s has no job: queued again", lot_id)
        enqueue_traiter_lot(queue, lot_id)
        lots.marquer_en_file(uow, lot_id)
    return perdus
