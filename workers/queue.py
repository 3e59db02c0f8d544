"""The bootstrap of the jobs: the registry by name, the context they run in, the queue to use.

Everything that wires jobs to a queue lives here and only here: ``make_queue``
returns RQ on Redis when ``REDIS_URL`` is set and the in-process queue
otherwise; RQ workers call ``run_from_rq``; enqueue through the typed helpers
of ``workers.enqueue`` (``enqueue_traiter_lot(queue, lot_id)``…).
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue as stdlib_queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.stockage import store_for
from sne.uow import UnitOfWork
from workers import balayage, jobs
from workers.enqueue import (
    CYCLE_QUOTIDIEN,
    ENVOYER_NOTIFICATION,
    QUEUES,
    TRAITER_LOT,
    JobQueue,
    json_only,
)
from workers.jobs import JobContext
from workers.redis_queue import RETRY_INTERVALS, RQQueue

__all__ = [
    "JOBS",
    "QUEUES",
    "RETRY_INTERVALS",
    "BackgroundQueue",
    "InProcessQueue",
    "JobQueue",
    "RQQueue",
    "context",
    "make_queue",
    "run",
    "run_from_rq",
]

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[..., Any]] = {
    CYCLE_QUOTIDIEN: jobs.cycle_quotidien,
    TRAITER_LOT: jobs.traiter_lot,
    ENVOYER_NOTIFICATION: jobs.envoyer_notification,
}


#: The session factories of this process, by database URL (see ``_session_factory``).
_FABRIQUES: dict[str, sessionmaker[Session]] = {}


def _session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per database and process, shared by every job it runs."""
    if database_url not in _FABRIQUES:
        _FABRIQUES[database_url] = make_session_factory(make_engine(database_url))
    return _FABRIQUES[database_url]


def _oublier_connexions_du_parent() -> None:
    """In a forked process (RQ's work horse), never reuse the connections of the parent.

    The worker's own sweep opens a connection before forking; the copied pool would hand
    the parent's socket to the child, and two processes talking on one PostgreSQL
    session interleave. ``close=False`` leaves those sockets to the parent.
    """
    for fabrique in _FABRIQUES.values():
        fabrique.kw["bind"].dispose(close=False)


os.register_at_fork(after_in_child=_oublier_connexions_du_parent)


@dataclass
class InProcessQueue:
    """Runs each job at once in this process (the embedded default), recording failures.

    Follow-up jobs go to the same queue, so ``failures`` holds those of a whole chain.
    """

    settings: Settings
    session_factory: sessionmaker[Session] | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    _count: int = 0

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Run ``job`` now; a failure is logged and recorded, never raised to the caller."""
        arguments = json_only(arguments)  # same contract as on Redis, checked before running
        self._count += 1
        try:
            _run(job, arguments, context(self.settings, self.session_factory, self))
        except Exception:
            self.failures.append((job, traceback.format_exc()))
            log.exception("job %s failed (in-process)", job)
        return f"local-{self._count}"


class BackgroundQueue:
    """Runs jobs one after another on a thread of this process: the portals' embedded default.

    A request that deposits a batch returns at once while the thread splits it;
    follow-up jobs (mails) go to the same thread. Jobs live in memory: those of a
    stopped process are lost, so the first queue to start in a ``var/`` (one per
    machine, a file lock decides) queues again the lots a previous run left
    unfinished (the sweep, ``workers.balayage``). Redis workers are the way to
    run jobs apart from the web processes (README, deploying on several machines).
    """

    def __init__(
        self, settings: Settings, session_factory: sessionmaker[Session] | None = None
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self._file: stdlib_queue.Queue[tuple[str, dict[str, Any]]] = stdlib_queue.Queue()
        self._count = 0
        self._verrou_balayage: Any = None
        self._thread = threading.Thread(target=self._travailler, name="sne-jobs", daemon=True)

    def demarrer(self) -> BackgroundQueue:
        """Start the thread (once the process will not fork again) and sweep if first."""
        if not self._thread.is_alive():
            self._thread.start()
            self._balayer_si_premier()
        return self

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Hand ``job`` to the thread and return at once."""
        self._file.put((job, json_only(arguments)))
        self._count += 1
        return f"fond-{self._count}"

    def attendre(self) -> None:
        """Block until every job handed so far (and their follow-ups) has run."""
        self._file.join()

    def _travailler(self) -> None:
        while True:
            job, arguments = self._file.get()
            try:
                _run(job, arguments, context(self.settings, self.session_factory, self))
            except Exception:
                log.exception("job %s failed (in-process, background)", job)
            finally:
                self._file.task_done()

    def _balayer_si_premier(self) -> None:
        """Queue the lots left unfinished by a previous run, in one process of the machine only."""
        chemin = self.settings.var_dir / "run" / "balayage.lock"
        chemin.parent.mkdir(parents=True, exist_ok=True)
        verrou = chemin.open("w")
        try:
            fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            verrou.close()
            return
        self._verrou_balayage = verrou  # held while this process lives
        factory = self.session_factory or _session_factory(self.settings.database_url)
        try:
            balayage.balayer(
                self.settings,
                UnitOfWork(factory),
                self,
                delai=timedelta(0),
                statuts=("recu", "en_cours"),
            )
        except Exception:
            log.exception("sweep of unfinished lots failed at start")


def make_queue(
    settings: Settings,
    session_factory: sessionmaker[Session] | None = None,
    *,
    arriere_plan: bool = False,
) -> JobQueue:
    """The queue the settings call for (in-process jobs then use ``session_factory``, if given).

    Without Redis, jobs run in this process: at once, or on a thread with
    ``arriere_plan`` (web processes, which must answer while a batch is split).
    """
    if settings.redis_url:
        return RQQueue(settings.redis_url)
    journaliser(settings)
    if arriere_plan:
        return BackgroundQueue(settings, session_factory).demarrer()
    return InProcessQueue(settings, session_factory)


def journaliser(settings: Settings) -> None:
    """Write the jobs' log (tracebacks included) to ``var/log/workers.log``, once per process.

    Jobs run in-process from the command line or the web: without this, Python
    would print a failed job's traceback in the user's terminal. The log stays the
    place where operators read the detail; users read the lot's French reason.
    """
    chemin = (settings.var_dir / "log" / "workers.log").resolve()
    for nom in ("workers", "sne"):
        journal = logging.getLogger(nom)
        if any(getattr(h, "baseFilename", None) == str(chemin) for h in journal.handlers):
            continue
        chemin.parent.mkdir(parents=True, exist_ok=True)
        fichier = logging.FileHandler(chemin, encoding="utf-8", delay=True)
        fichier.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        journal.addHandler(fichier)


def context(
    settings: Settings,
    session_factory: sessionmaker[Session] | None = None,
    queue: JobQueue | None = None,
) -> JobContext:
    """The context jobs run in: the settings' database, store and queue unless given."""
    return JobContext(
        settings,
        session_factory or _session_factory(settings.database_url),
        queue if queue is not None else make_queue(settings, session_factory),
        store_for(settings),
    )


def _run(job: str, arguments: dict[str, Any], ctx: JobContext) -> Any:
    try:
        function = JOBS[job]
    except KeyError:
        raise ValueError(f"unknown job {job!r}") from None
    return function(ctx, **arguments)


def run(job: str, arguments: dict[str, Any], *, settings: Settings) -> Any:
    """Run ``job`` with ``arguments`` in the context of ``settings``."""
    return _run(job, arguments, context(settings))


def run_from_rq(job: str, arguments: dict[str, Any]) -> Any:
    """Entry point of RQ workers: settings come from this process's environment."""
    return run(job, arguments, settings=Settings.from_env())
