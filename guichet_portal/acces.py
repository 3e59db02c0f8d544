"""Who may use each route: ``@exige("permission")`` or ``@public``, and the signed-in account.

The permission names are those of ``sne.acteurs.PERMISSIONS``: a route asks
the same permission as the service it calls, so a role sees only what it may
do. Territory and guichet scoping stay in the services.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, current_app
from flask_login import current_user

from sne.acteurs import PERMISSIONS, Acteur
from sne.services import impression
from sne.services.comptes import Compte
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue, enqueue_envoyer_notification

F = TypeVar("F", bound=Callable[..., Any])
#: Permissions a route may declare: the services' own, plus the printing roles.
PERMISSIONS_PORTAIL: dict[str, frozenset[str]] = {
    **PERMISSIONS,
    "imprimer_attestation": impression.ROLES_ATTESTATION,
    "imprimer_fiche": impression.ROLES_FICHE,
}
#: Attribute set on every view function by ``exige`` or ``public`` (checked by the tests).
ATTRIBUT = "sne_acces"


class Utilisateur:
    """The signed-in account as Flask-Login sees it; the id carries the session token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, compte: Compte) -> None:
        self.compte = compte

    def get_id(self) -> str:
        """Identify the session by account id and session token (ends with the token)."""
        return f"{self.compte.acteur.utilisateur_id}:{self.compte.jeton_session}"


def public(view: F) -> F:
    """Declare a route open to everyone, signed in or not."""
    setattr(view, ATTRIBUT, "public")
    return view


def exige(permission: str) -> Callable[[F], F]:
    """Declare a route open to signed-in accounts whose role has ``permission`` (else 403).

    ``"connecte"`` asks only to be signed in (own password, sign-out).
    """
    if permission != "connecte" and permission not in PERMISSIONS_PORTAIL:
        raise ValueError(f"permission inconnue : {permission}")

    def decorer(view: F) -> F:
        @functools.wraps(view)
        def verifier(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if permission != "connecte" and not peut(permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(verifier, ATTRIBUT, permission)
        return cast(F, verifier)

    return decorer


def acteur() -> Acteur:
    """The signed-in account as the services' ``Acteur``."""
    return cast(Utilisateur, current_user).compte.acteur


def compte() -> Compte:
    """The signed-in account."""
    return cast(Utilisateur, current_user).compte


def uow() -> UnitOfWork:
    """A new unit of work on the portal's database."""
    factory = cast(Callable[[], UnitOfWork], current_app.extensions["sne.uow"])
    return factory()


def queue() -> JobQueue:
    """The portal's job queue (jobs are enqueued by services after their commit)."""
    return cast(JobQueue, current_app.extensions["sne.queue"])


def planifier_mail() -> Callable[[int], None]:
    """Send a prepared notification (its id) through the portal's queue, after the commit."""
    file = queue()

    def planifier(notification_id: int) -> None:
        enqueue_envoyer_notification(file, notification_id)

    return planifier


def peut(permission: str) -> bool:
    """Tell whether the signed-in account's role has ``permission`` (territory aside)."""
    if not current_user.is_authenticated:
        return False
    return acteur().role in PERMISSIONS_PORTAIL[permission]
