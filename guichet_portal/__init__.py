"""The guichet portal: the web application agents, managers and consultants use every day.

``create_app(settings)`` builds the Flask application; views parse input, call
one service of ``sne.services`` with the signed-in ``Acteur``, and render or
redirect. Every route declares the permission it needs (``guichet_portal.acces``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from flask import Flask

from guichet_portal import erreurs, securite
from guichet_portal.accueil import bp as accueil
from guichet_portal.auth import bp as auth
from guichet_portal.code_portail import bp as code_portail
from guichet_portal.demandes import bp as demandes
from guichet_portal.extensions import csrf, limiter, login_manager
from guichet_portal.recherche import bp as recherche
from guichet_portal.saisie import bp as saisie
from guichet_portal.statiques import bp as statiques
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.documents.cles import keyring_for
from sne.uow import UnitOfWork


def create_app(
    settings: Settings | None = None,
    *,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    config: Mapping[str, Any] | None = None,
) -> Flask:
    """Build the portal for ``settings`` (from the environment by default).

    ``uow_factory`` replaces the database built from the settings (tests pass
    one bound to a transaction rolled back afterwards); ``config`` overrides
    Flask settings (tests lower the sign-in limits, for instance).
    """
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="sne_guichet",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.web_session_idle_minutes),
        REMEMBER_COOKIE_DURATION=timedelta(0),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        SNE_LIMITE_CONNEXION_ADRESSE="30 per minute",
        SNE_LIMITE_CONNEXION_COMPTE="10 per minute",
    )
    app.config.update(config or {})
    if uow_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory)

    app.extensions["sne.settings"] = settings
    app.extensions["sne.uow"] = uow_factory
    app.extensions["sne.keyring"] = keyring_for(settings)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    securite.init_app(app)
    erreurs.init_app(app)
    for blueprint in (statiques, auth, accueil, recherche, demandes, saisie):
        app.register_blueprint(blueprint)
    app.register_blueprint(code_portail)
    app.jinja_env.globals.update(securite.jinja_globals())
    return app
