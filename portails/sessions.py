"""Sessions of both portals: a fresh session at sign-in, ended after a time without requests.

The session lives in a signed cookie (Secure, HttpOnly, SameSite=Lax); the
account's own session token (checked by each portal's user loader) ends every
session of the account at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any, cast
from urllib.parse import urlsplit

from flask import current_app, session, url_for
from flask_login import login_user


def maintenant() -> float:
    """Current time in seconds (tests replace the clock through ``SNE_HORLOGE``)."""
    horloge = cast(Callable[[], float], current_app.config.get("SNE_HORLOGE", time.time))
    return horloge()


def aujourd_hui() -> date:
    """The day the portal works on (tests fix it through ``SNE_AUJOURDHUI``)."""
    jour = cast(Callable[[], date], current_app.config.get("SNE_AUJOURDHUI", date.today))
    return jour()


def ouvrir(utilisateur: Any) -> None:
    """Open a fresh session for ``utilisateur`` (nothing of the previous session survives)."""
    session.clear()
    login_user(utilisateur)
    session.permanent = True
    session["vu"] = int(maintenant())


def inactive() -> bool:
    """Tell whether the signed-in session went idle too long; else note this request's time."""
    vu = session.get("vu")
    delai = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if not isinstance(vu, int) or maintenant() - vu > delai:
        return True
    session["vu"] = int(maintenant())
    return False


def url_sure(cible: str | None) -> str:
    """Return ``cible`` when it is a path of this site, else the home page (no open redirect)."""
    if not cible or any(ord(c) < 32 for c in cible) or "\\" in cible:
        return url_for("accueil.index")
    parties = urlsplit(cible)
    if parties.scheme or parties.netloc or not cible.startswith("/") or cible.startswith("//"):
        return url_for("accueil.index")
    return cible
