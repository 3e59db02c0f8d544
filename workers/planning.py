"""The cycle quotidien as a scheduled job on RQ: one run per day at a set local time.

Workers start RQ's scheduler (``sne worker`` runs ``with_scheduler``), and every
worker, on start, makes sure the next daily run is scheduled; each run schedules
the one after it. A Redis key per day makes that safe when several workers do it
at once, and the job itself is safe to run twice. If every worker is down at the
scheduled time, the run happens as soon as one comes back.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sne.config import Settings
from workers.enqueue import CYCLE_QUOTIDIEN
from workers.redis_queue import RQQueue

PARIS = ZoneInfo("Europe/Paris")


def aujourd_hui() -> date:
    """Today in metropolitan France, whatever the server's time zone."""
    return datetime.now(PARIS).date()


def prochain_passage(maintenant: datetime, heure: str) -> datetime:
    """The first ``heure`` (local time, ``HH:MM``) strictly after ``maintenant`` (aware)."""
    local = maintenant.astimezone(PARIS)
    moment = time.fromisoformat(heure)
    candidat = datetime.combine(local.date(), moment, tzinfo=PARIS)
    if candidat <= local:
        candidat = datetime.combine(local.date() + timedelta(days=1), moment, tzinfo=PARIS)
    return candidat


def job_id(jour: date) -> str:
    """The RQ identifier of the daily run of ``jour``: one per day."""
    return f"cycle-quotidien-{jour.isoformat()}"


def planifier_cycle(settings: Settings, maintenant: datetime | None = None) -> str | None:
    """Schedule the next daily run unless it already is; return its job id when scheduled now."""
    from redis import Redis
    from rq.job import Job

    assert settings.redis_url, "the daily run is scheduled on Redis only"
    quand = prochain_passage(maintenant or datetime.now(PARIS), settings.cycle_heure)
    jour = quand.date()
    connection = Redis.from_url(settings.redis_url)
    # The first worker to set the day's key schedules; a later one only if the job was lost
    # (deleted by hand): scheduling again under the same id cannot make two runs.
    premier = connection.set(f"sne:cycle-planifie:{jour.isoformat()}", "1", nx=True, ex=3 * 86400)
    if not premier and Job.exists(job_id(jour), connection=connection):
        return None
    return RQQueue(settings.redis_url).enqueue_at(
        quand, CYCLE_QUOTIDIEN, queue="default", job_id=job_id(jour), jour=jour.isoformat()
    )
