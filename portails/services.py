"""What both portals' views reach through ``app.extensions``: settings, database, job queue, keys."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.documents.cles import keyring_for
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue
from workers.queue import make_queue


def brancher(
    app: Flask,
    settings: Settings,
    uow_factory: Callable[[], UnitOfWork] | None,
    queue: JobQueue | None,
) -> None:
    """Give ``app`` its units of work and job queue (built from ``settings`` unless given)."""
    session_factory = None
    if uow_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory)

    if queue is None:
        queue = make_queue(settings, session_factory, arriere_plan=True)
    app.extensions["sne.settings"] = settings
    app.extensions["sne.uow"] = uow_factory
    app.extensions["sne.queue"] = queue
    app.extensions["sne.keyring"] = keyring_for(settings)
