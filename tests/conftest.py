"""Shared fixtures: real databases built by the migrations, factories, fixed dates.

Integration tests run on SQLite and on the real PostgreSQL server. Each test
works inside a transaction rolled back at the end (services' commits become
savepoint releases), so tests never see each other's rows.

PostgreSQL and Redis are required when ``SNE_REQUIRE_SERVICES=1`` (CI sets it):
then an unreachable server fails the run instead of skipping its tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import sessionmaker

from sne import migrate
from sne.config import Settings
from sne.db import make_engine
from sne.uow import UnitOfWork
from tests import s3server
from tests.factories import JOUR as JOUR  # re-exported: test modules import it from here
from tests.factories import Chaine, Referentiel, nouvelle_chaine
from tests.s3server import S3Server

# One database per test run (by process id), so concurrent runs never drop each other's.
POSTGRES_URL = os.environ.get(
    "SNE_TEST_POSTGRES_URL", f"postgresql+psycopg://postgres@127.0.0.1:5432/sne_test_{os.getpid()}"
)
REDIS_URL = os.environ.get("SNE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("SNE_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, error: Exception) -> None:
    message = f"{what} injoignable : {error}"
    if REQUIRE_SERVICES:
        pytest.fail(
            message + " (SNE_REQUIRE_SERVICES=1 : ce serveur est obligatoire)", pytrace=False
        )
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    try:
        engine = migrate.recreer_base_postgres(POSTGRES_URL)
    except Exception as error:  # noqa: BLE001 - any connection failure means "unreachable"
        _unavailable("PostgreSQL", error)
    yield engine
    engine.dispose()
    migrate.supprimer_base_postgres(POSTGRES_URL)


@pytest.fixture
def postgres_jetable() -> Iterator[Engine]:
    """A migrated PostgreSQL database of its own, dropped afterwards.

    For the tests that must really commit from several connections at once
    (concurrency): their rows would otherwise stay in the run's database and
    be counted by tests that look at every territory.
    """
    adresse = make_url(POSTGRES_URL)
    url = adresse.set(database=f"{adresse.database}_jetable").render_as_string(hide_password=False)
    try:
        engine = migrate.recreer_base_postgres(url)
    except Exception as error:  # noqa: BLE001 - any connection failure means "unreachable"
        _unavailable("PostgreSQL", error)
    yield engine
    engine.dispose()
    migrate.supprimer_base_postgres(url)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("sqlite") / "sne.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The migrated database, once per backend."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    result: Engine = request.getfixturevalue(name)
    return result


@pytest.fixture
def uow(engine: Engine) -> Iterator[Callable[[], UnitOfWork]]:
    """A factory of units of work sharing one outer transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield lambda: UnitOfWork(factory)
    outer.rollback()
    connection.close()


@pytest.fixture
def redis_url() -> str:
    """URL of the real Redis server (database 15, flushed by the tests that use it)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        _unavailable("Redis", error)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def ref(uow: Callable[[], UnitOfWork]) -> Referentiel:
    return Referentiel(uow)


@pytest.fixture
def tmp_var(tmp_path: Path) -> Path:
    """An empty ``var/`` directory for settings built in tests."""
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its production cost makes every account creation take ~50 ms; tests need speed."""
    from argon2 import PasswordHasher

    from sne.services import referentiel

    production = referentiel._HASHER
    referentiel._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    referentiel._HASHER = production


@pytest.fixture
def sne_cli(tmp_path: Path) -> Callable[..., Result]:
    """Run ``sne`` commands on an SQLite file in ``tmp_path``, with an ``App`` of the test's own."""
    from click.testing import CliRunner

    from sne.cli import main
    from sne.cli.app import App
    from sne.config import Settings

    app = App(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}",
            var_dir=tmp_path,
            secret_key="clef-de-test-de-la-ligne-de-commande",
        )
    )
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), obj=app)

    return invoke


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (SeaweedFS) for the whole session, stopped at its end."""
    try:
        server = s3server.start(tmp_path_factory.mktemp("seaweedfs"))
    except Exception as error:  # noqa: BLE001 - binary missing or server not starting
        _unavailable("SeaweedFS (S3)", error)
    yield server
    server.stop()


@pytest.fixture
def s3_settings(tmp_var: Path, s3_server: S3Server) -> Settings:
    """Settings storing files in the test bucket, under a prefix of this test's own."""
    return Settings(
        database_url="sqlite://",
        var_dir=tmp_var,
        secret_key="s" * 40,
        storage_url=f"s3://{s3server.BUCKET}/{tmp_var.parent.name}",
        s3_endpoint_url=s3_server.endpoint_url,
        s3_access_key=s3server.ACCESS_KEY,
        s3_secret_key=s3server.SECRET_KEY,
        s3_region=s3server.REGION,
    )


@pytest.fixture
def chaine(tmp_path: Path) -> Chaine:
    """A committed SQLite database, its referential and the jobs' context (files in a folder)."""
    return nouvelle_chaine(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}",
            var_dir=tmp_path,
            secret_key="k" * 40,
        )
    )
