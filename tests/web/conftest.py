"""Fixtures of the portal tests: the app on the test's rolled-back transaction, signed-in clients."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from guichet_portal import create_app
from guichet_portal.extensions import limiter
from sne.config import Settings
from sne.models import Utilisateur
from tests.conftest import JOUR
from tests.factories import Referentiel
from tests.smtp import serveur_smtp
from workers.queue import InProcessQueue

MOT_DE_PASSE = "correct horse battery"
JETON_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Horloge:
    """A clock the tests move by hand (idle expiry)."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()


@pytest.fixture
def fabrique(ref: Referentiel, tmp_var: Path, horloge: Horloge) -> Iterator[Callable[..., Flask]]:
    """Build the portal on the test's database; existing test accounts need no password change."""
    with ref.uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()

    def construire(redis_url: str | None = None, **config: Any) -> Flask:
        settings = Settings(
            database_url="sqlite://",
            var_dir=tmp_var,
            secret_key="secret-des-tests",
            redis_url=redis_url,
        )
        app = create_app(
            settings,
            uow_factory=ref.uow,
            # Jobs run at once, on the test's transaction (the portal's default is a thread).
            queue=InProcessQueue(settings, ref.uow().session_factory),
            config={"SNE_HORLOGE": horloge, "SNE_AUJOURDHUI": lambda: JOUR, **config},
        )
        app.config["TESTING"] = True
        return app

    yield construire
    limiter.reset()


@pytest.fixture
def app(fabrique: Callable[..., Flask]) -> Flask:
    return fabrique()


def texte(reponse: Any) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(reponse.get_data(as_text=True))


def jeton(client: FlaskClient, adresse: str = "/connexion") -> str:
    """The CSRF token of the form at ``adresse``."""
    trouve = JETON_RE.search(client.get(adresse).get_data(as_text=True))
    assert trouve, f"pas de jeton CSRF dans {adresse}"
    return trouve.group(1)


def connecter(
    client: FlaskClient, login: str, mot_de_passe: str = MOT_DE_PASSE, **extra: str
) -> Any:
    """Sign in through the form, as a person would."""
    return client.post(
        "/connexion",
        data={
            "identifiant": login,
            "mot_de_passe": mot_de_passe,
            "csrf_token": jeton(client),
            **extra,
        },
    )


@pytest.fixture
def client_de(app: Flask) -> Callable[[str], FlaskClient]:
    """A signed-in test client for ``login``."""

    def ouvrir(login: str) -> FlaskClient:
        client = app.test_client()
        reponse = connecter(client, login)
        assert reponse.status_code == 302, reponse.get_data(as_text=True)
        return client

    return ouvrir


@pytest.fixture
def agent(client_de: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_de("agent13")


# --------------------------------------------------------------------------- the public portal


@pytest.fixture
def smtp_public() -> Iterator[tuple[int, Any]]:
    """A real SMTP server catching the public portal's mails (messages in ``[1].messages``)."""
    with serveur_smtp() as serveur:
        yield serveur


@pytest.fixture
def fabrique_public(
    ref: Referentiel, tmp_var: Path, horloge: Horloge, smtp_public: tuple[int, Any]
) -> Iterator[Callable[..., Flask]]:
    """Build the public portal on the test's database, mailing through the SMTP fixture."""
    from public_portal import create_app as create_public_app
    from public_portal.extensions import limiter as limiter_public

    def construire(redis_url: str | None = None, **config: Any) -> Flask:
        settings = Settings(
            database_url="sqlite://",
            var_dir=tmp_var,
            secret_key="secret-des-tests",
            redis_url=redis_url,
            smtp_host="127.0.0.1",
            smtp_port=smtp_public[0],
        )
        app = create_public_app(
            settings,
            uow_factory=ref.uow,
            # The pieces applicants send are processed at once, on the test's transaction.
            queue=InProcessQueue(settings, ref.uow().session_factory),
            config={"SNE_HORLOGE": horloge, "SNE_AUJOURDHUI": lambda: JOUR, **config},
        )
        app.config["TESTING"] = True
        return app

    yield construire
    limiter_public.reset()


def demandeur_connecte(app: Flask, email: str) -> FlaskClient:
    """A test client of the public portal signed in as the confirmed account ``email``."""
    from tests.factories import MOT_DE_PASSE_DEMANDEUR

    client = app.test_client()
    reponse = client.post(
        "/connexion",
        data={"email": email, "mot_de_passe": MOT_DE_PASSE_DEMANDEUR, "csrf_token": jeton(client)},
    )
    assert reponse.status_code == 302, reponse.get_data(as_text=True)
    return client
