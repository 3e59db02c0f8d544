"""Job functions: identifiers and plain values in, services called in their own unit of work.

``run`` dispatches a job by name with a context built from the settings; RQ
calls ``run_from_rq``, which builds that context once per worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sne.acteurs import SYSTEME
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.mail import envoyeur
from sne.services import cycle
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class Contexte:
    """What a job needs: settings and the session factory."""

    settings: Settings
    session_factory: sessionmaker[Session]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


@cache
def _session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per database and process, shared by every job it runs."""
    return make_session_factory(make_engine(database_url))


def _contexte(settings: Settings) -> Contexte:
    return Contexte(settings, _session_factory(settings.database_url))


def cycle_quotidien(ctx: Contexte, *, jour: str, territoire: str | None = None) -> dict[str, int]:
    """Run the daily lifecycle for ``jour`` (ISO date); safe to run twice."""
    bilan = cycle.executer(
        ctx.uow(),
        SYSTEME,
        date.fromisoformat(jour),
        envoyer=envoyeur(ctx.settings),
        expediteur=ctx.settings.mail_from,
        territoire=territoire,
    )
    for cle in bilan.fichiers_a_supprimer:
        (ctx.settings.storage / cle).unlink(missing_ok=True)
    return {
        "preavis_email": len(bilan.preavis_email),
        "preavis_courrier": len(bilan.preavis_courrier),
        "radiees": len(bilan.radiees),
        "purgees": len(bilan.purgees),
    }


JOBS: dict[str, Callable[..., Any]] = {"cycle_quotidien": cycle_quotidien}


def run(job: str, arguments: dict[str, Any], *, settings: Settings) -> Any:
    """Run ``job`` with ``arguments`` in the context of ``settings``."""
    try:
        function = JOBS[job]
    except KeyError:
        raise ValueError(f"unknown job {job!r}") from None
    return function(_contexte(settings), **arguments)


def run_from_rq(job: str, arguments: dict[str, Any]) -> Any:
    """Entry point of RQ workers: settings come from this process's environment."""
    return run(job, arguments, settings=Settings.from_env())
