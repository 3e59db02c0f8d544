"""Jobs that failed for good on RQ (retries exhausted): list them with their reason, retry them.

RQ keeps them in each queue's failed-job registry (30 days, ``failure_ttl``);
operators read them with ``sne jobs failed`` and put them back with
``sne jobs retry``. The arguments shown are identifiers only (never personal
data: that is the queue's contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from workers.enqueue import QUEUES


@dataclass(frozen=True)
class JobEchoue:
    """A failed job as operators see it."""

    id: str
    file: str
    job: str
    arguments: dict[str, object]
    raison: str  # the exception line of the error
    echoue_le: datetime | None


def _files(connection: Redis) -> list[Queue]:
    return [Queue(nom, connection=connection, serializer=JSONSerializer) for nom in QUEUES]


def lister(redis_url: str) -> list[JobEchoue]:
    """Every failed job of every queue, most recent first."""
    connection = Redis.from_url(redis_url)
    echoues = []
    for file in _files(connection):
        registre = FailedJobRegistry(queue=file)
        for job_id in registre.get_job_ids():
            job = Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
            nom, arguments = [*job.args, "?", {}][:2]
            resultat = job.latest_result()
            trace = (resultat.exc_string if resultat is not None else "") or ""
            # The exception line: the last unindented "Type: message" line of the traceback.
            lignes = [
                ligne
                for ligne in trace.splitlines()
                if ligne[:1].isalpha() and ":" in ligne and not ligne.startswith("Traceback")
            ]
            echoues.append(
                JobEchoue(
                    id=job.id,
                    file=file.name,
                    job=str(nom),
                    arguments=dict(arguments) if isinstance(arguments, dict) else {},
                    raison=lignes[-1] if lignes else "raison inconnue",
                    echoue_le=job.ended_at,
                )
            )
    return sorted(echoues, key=lambda j: j.echoue_le or datetime.min, reverse=True)


def relancer(redis_url: str, job_id: str | None = None) -> list[str]:
    """Put one failed job (or all of them) back in its queue; return the ids requeued."""
    connection = Redis.from_url(redis_url)
    relances = []
    for file in _files(connection):
        registre = FailedJobRegistry(queue=file)
        for identifiant in registre.get_job_ids():
            if job_id is None or identifiant == job_id:
                registre.requeue(identifiant)
                relances.append(identifiant)
    return relances
