"""Engine and session factory, built once at start-up and shared by every entry point.

The same code runs on SQLite (embedded default) and PostgreSQL. On SQLite we
take over transaction control from the driver so that ``BEGIN IMMEDIATE``,
savepoints and foreign keys behave as they do on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Constraint names identical on every backend, so that migrations alter them alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``database_url`` with the settings each backend needs."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_transactions(engine)
        return engine
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # No pre-ping: it costs a round trip per transaction on the registration hot path;
    # connections are recycled hourly and jobs retry on a dropped connection instead.
    kwargs.setdefault("pool_recycle", 3600)
    return create_engine(url, **kwargs)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself (the pysqlite driver's own handling breaks savepoints)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at once: two writers wait for each other
        # instead of failing with "database is locked" when upgrading a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def table_of(model: type[Base]) -> Table:
    """Return the Core table behind ``model``, for Core statements on hot paths."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
