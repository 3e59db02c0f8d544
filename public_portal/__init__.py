"""The public portal: where applicants create an account, link it to their demande and follow it.

``create_app(settings)`` builds the Flask application. It shares with the
guichet portal the services (acting as the built-in ``PORTAIL`` actor for an
authenticated applicant), the HTTP hardening and error pages (``portails``),
the static files and the DSFR macros; its accounts (``CompteDemandeur``) and
templates (``templates/public/``) are its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, url_for

import portails.services
from guichet_portal import libelles
from guichet_portal.statiques import bp as statiques
from portails import cerfa, erreurs, gabarits
from public_portal import securite
from public_portal.accueil import bp as accueil
from public_portal.comptes import bp as comptes
from public_portal.depot import bp as depot
from public_portal.espace import bp as espace
from public_portal.extensions import csrf, limiter, login_manager
from public_portal.liaison import bp as liaison
from public_portal.mots import MOTS_DEMANDEUR
from public_portal.pieces import bp as pieces
from public_portal.situation import bp as situation
from sne.config import Settings
from sne.mail import envoyeur
from sne.services.comptes_demandeurs import Courrier
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue

#: French texts of the error pages, in the applicants' plain words.
PAGES: dict[int, tuple[str, str]] = {
    400: ("Demande incorrecte", "La page n'a pas compris ce qui lui a été envoyé."),
    403: ("Accès refusé", "Cette page ne vous est pas accessible."),
    404: (
        "Page introuvable",
        "Cette adresse ne correspond à aucune page, ou à aucune demande reliée à votre compte.",
    ),
    405: ("Action impossible", "Cette page ne s'utilise pas de cette façon."),
    413: ("Fichier trop lourd", "Ce que vous avez envoyé dépasse la taille admise."),
    429: (
        "Trop d'essais",
        "Vous avez fait trop d'essais en peu de temps. Patientez quelques minutes, puis réessayez.",
    ),
    500: (
        "Erreur du service",
        "Une erreur inattendue s'est produite ; rien n'a été enregistré. Réessayez plus tard.",
    ),
}
#: Page each mailed link opens (``Courrier.adresse``'s names).
PAGES_MAIL = {
    "confirmer": "comptes.confirmer",
    "reinitialiser": "comptes.reinitialiser",
    "oubli": "comptes.oubli",
    "demande": "espace.demande",
}


def _adresse(page: str, valeur: str) -> str:
    """Absolute address of a page a mail links to (with its token or numéro)."""
    endpoint = PAGES_MAIL[page]
    if not valeur:
        return url_for(endpoint, _external=True)
    cle = "numero" if page == "demande" else "jeton"
    return url_for(endpoint, _external=True, **{cle: valeur})


def create_app(
    settings: Settings | None = None,
    *,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    config: Mapping[str, Any] | None = None,
    queue: JobQueue | None = None,
) -> Flask:
    """Build the public portal for ``settings`` (from the environment by default).

    ``uow_factory`` replaces the database built from the settings (tests);
    ``config`` overrides Flask settings (tests lower the limits, fix the clock);
    ``queue`` replaces the job queue processing the pieces applicants send (RQ
    with ``REDIS_URL``, else a thread of this process).
    """
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.jinja_loader = gabarits.chargeur(Path(__file__).resolve().parent / "templates")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="sne_public",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.web_session_idle_minutes),
        REMEMBER_COOKIE_DURATION=timedelta(0),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        SNE_LIMITE_CONNEXION="10 per minute",
        SNE_LIMITE_COMPTE="5 per hour",
        SNE_LIMITE_LIAISON="10 per hour",
    )
    app.config.update(config or {})
    portails.services.brancher(app, settings, uow_factory, queue)
    app.extensions["sne.courrier"] = Courrier(
        envoyer=envoyeur(settings), expediteur=settings.mail_from, adresse=_adresse
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    securite.init_app(app)
    erreurs.installer(app, "public/erreur.html", PAGES)
    for blueprint in (statiques, accueil, comptes, liaison, espace, pieces, depot, situation):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(cerfa.globales(MOTS_DEMANDEUR))
    app.jinja_env.filters["ident"] = libelles.ident
    app.jinja_env.filters["resume_erreurs"] = libelles.resume
    app.jinja_env.filters["date_fr"] = libelles.date_fr
    return app
