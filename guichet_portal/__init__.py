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

import portails.services
from guichet_portal import api, erreurs, securite
from guichet_portal.accueil import bp as accueil
from guichet_portal.auth import bp as auth
from guichet_portal.code_portail import bp as code_portail
from guichet_portal.console import bp as console
from guichet_portal.console_lots import bp as console_lots
from guichet_portal.cus import bp as cus
from guichet_portal.demandes import bp as demandes
from guichet_portal.depots import bp as depots
from guichet_portal.en_ligne import bp as en_ligne
from guichet_portal.envois import bp as envois
from guichet_portal.extensions import csrf, limiter, login_manager
from guichet_portal.gestion import bp as gestion
from guichet_portal.incidents import bp as incidents
from guichet_portal.indicateurs import bp as indicateurs
from guichet_portal.jetons import bp as jetons
from guichet_portal.pieces import bp as pieces
from guichet_portal.recherche import bp as recherche
from guichet_portal.saisie import bp as saisie
from guichet_portal.statiques import bp as statiques
from sne.config import Settings
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue

#: One blueprint per area: agents' daily work, then pieces and sendings, then the console.
BLUEPRINTS = (
    statiques,
    auth,
    accueil,
    recherche,
    demandes,
    code_portail,
    saisie,
    pieces,
    envois,
    depots,
    incidents,
    console,
    console_lots,
    indicateurs,
    cus,
    gestion,
    jetons,
    en_ligne,
)


def create_app(
    settings: Settings | None = None,
    *,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    queue: JobQueue | None = None,
    config: Mapping[str, Any] | None = None,
) -> Flask:
    """Build the portal for ``settings`` (from the environment by default).

    ``uow_factory`` replaces the database built from the settings (tests pass
    one bound to a transaction rolled back afterwards); ``queue`` replaces the
    job queue (RQ with ``REDIS_URL``, else a thread of this process);
    ``config`` overrides Flask settings (tests lower the sign-in limits, for instance).
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
        SNE_LIMITE_API=f"{settings.api_appels_par_minute} per minute",
    )
    app.config.update(config or {})
    portails.services.brancher(app, settings, uow_factory, queue)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    securite.init_app(app)
    erreurs.init_app(app)
    api.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(securite.jinja_globals())
    return app
