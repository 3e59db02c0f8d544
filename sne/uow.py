"""Unit of work: one transaction per use case, and work to run only once it has committed.

Services take a ``UnitOfWork``, do their reads and writes through ``uow.session``,
register follow-up work with ``uow.after_commit`` (jobs, mails) and call
``uow.commit()``; leaving the block without committing rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


def utcnow() -> datetime:
    """Current UTC time without tzinfo (stored as such on every backend)."""
    return datetime.now(UTC).replace(tzinfo=None)


class UnitOfWork:
    """A database session plus the callbacks to run after its commit."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """The factory of this unit's sessions (jobs run in-process share it)."""
        return self._session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._after_commit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(callback)

    def commit(self) -> None:
        """Commit, then run the follow-up work registered so far."""
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()
