"""Sessions of applicants: loading the account of a session, idle expiry, headers."""

from __future__ import annotations

from typing import cast

from flask import Flask, Response, flash, redirect, request, session, url_for
from flask_login import logout_user

from portails import entetes, sessions
from public_portal import acces
from public_portal.extensions import login_manager
from sne.services import comptes_demandeurs


def _charger(identifiant: str) -> acces.Demandeur | None:
    """Load the account of the session, if its token still holds."""
    numero, _, jeton = identifiant.partition(":")
    if not numero.isdigit() or not jeton:
        return None
    compte = comptes_demandeurs.charger(acces.uow(), int(numero), jeton)
    return acces.Demandeur(compte) if compte else None


def _vers_connexion() -> Response:
    """The sign-in page, coming back to this page afterwards (GET only)."""
    suite = request.full_path.rstrip("?") if request.method == "GET" else None
    return cast(Response, redirect(url_for("comptes.connexion", next=suite)))


def _non_connecte() -> Response:
    flash("Connectez-vous pour accéder à cette page.", "info")
    return _vers_connexion()


def _expirer() -> Response | None:
    """End a session left idle too long."""
    if request.endpoint in entetes.STATIQUES:
        return None
    if "_user_id" in session and sessions.inactive():
        logout_user()
        session.clear()
        flash("Votre session a pris fin après un moment sans activité ; reconnectez-vous.", "info")
        return _vers_connexion()
    return None


def init_app(app: Flask) -> None:
    """Install the session checks and the headers on ``app``."""
    login_manager.session_protection = None  # the session token does this job
    login_manager.user_loader(_charger)
    login_manager.unauthorized_handler(_non_connecte)
    app.before_request(_expirer)
    app.after_request(entetes.poser)
