"""Run the Alembic migrations programmatically, on the engine the application uses."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from sne.db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Return the Alembic configuration (no ini file: everything is set here)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine``'s database up to ``revision``."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision against ``engine`` (developers only)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def recreer_base_postgres(url: str) -> Engine:
    """Drop and recreate the PostgreSQL database named in ``url``, migrated to head.

    For the test suite and the benchmarks only: it destroys that database.
    """
    _administrer(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
    engine = make_engine(url, pool_size=10)
    upgrade(engine)
    return engine


def supprimer_base_postgres(url: str) -> None:
    """Drop the PostgreSQL database named in ``url`` (tests and benchmarks only)."""
    _administrer(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _administrer(url: str, *statements: str) -> None:
    """Run database-level statements (``{}`` is the quoted database name) from ``postgres``."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement.format(f'"{target.database}"')))
    finally:
        admin.dispose()
