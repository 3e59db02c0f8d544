"""Who may use each route of the public portal: ``@public`` or ``@connecte``, and the account.

An applicant has no role: a signed-in account may use every page, and each
service it calls checks the account is linked to the demande it names.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app
from flask_login import current_user

from guichet_portal.acces import ATTRIBUT, public
from sne.services.comptes_demandeurs import CompteVue, Courrier
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue

__all__ = ["ATTRIBUT", "Demandeur", "compte", "connecte", "courrier", "public", "secret", "uow"]

F = TypeVar("F", bound=Callable[..., Any])


class Demandeur:
    """The signed-in applicant as Flask-Login sees it; the id carries the session token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, compte: CompteVue) -> None:
        self.compte = compte

    def get_id(self) -> str:
        """Identify the session by account id and session token."""
        return f"{self.compte.id}:{self.compte.jeton_session}"


def connecte(view: F) -> F:
    """Declare a route open to signed-in applicants only (others go to the sign-in page)."""

    @functools.wraps(view)
    def verifier(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    setattr(verifier, ATTRIBUT, "demandeur")
    return cast(F, verifier)


def compte() -> CompteVue:
    """The signed-in account."""
    return cast(Demandeur, current_user).compte


def uow() -> UnitOfWork:
    """A new unit of work on the portal's database."""
    factory = cast(Callable[[], UnitOfWork], current_app.extensions["sne.uow"])
    return factory()


def secret() -> str:
    """The key signing the links mailed to applicants."""
    return str(current_app.config["SECRET_KEY"])


def courrier() -> Courrier:
    """How the services mail applicants from this portal."""
    return cast(Courrier, current_app.extensions["sne.courrier"])


def queue() -> JobQueue:
    """The portal's job queue (an applicant's pieces are processed there, then mailed)."""
    return cast(JobQueue, current_app.extensions["sne.queue"])
