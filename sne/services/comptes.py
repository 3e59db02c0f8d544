"""Signing in on the portals: Argon2 check, temporary lock, forced and voluntary password change.

Every sign-in, failure, lock and password change is traced in the history. A
failure says the same thing whether the login exists or not (no account
probing); only a locked account is told until when it is locked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sne.acteurs import Acteur, acteur_de, acteur_pour
from sne.errors import SneError
from sne.models import Utilisateur
from sne.services.referentiel import (
    _HASHER,
    MOT_DE_PASSE_MIN,
    hacher,
    verifier_mot_de_passe,
)
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: Consecutive failures that lock an account, and for how long.
ECHECS_MAX = 5
DUREE_VERROU = timedelta(minutes=15)


@dataclass(frozen=True)
class Compte:
    """A signed-in account as the portals need it: who acts, and what to show or demand."""

    acteur: Acteur
    nom_affiche: str
    jeton_session: str
    doit_changer_mot_de_passe: bool


class CompteVerrouille(SneError):
    """Too many failed sign-ins: the account refuses sign-in for a while."""

    code = "COMPTE_VERROUILLE"


def _compte(user: Utilisateur, acteur: Acteur) -> Compte:
    """Build the portal's view of ``user``."""
    return Compte(
        acteur=acteur,
        nom_affiche=f"{user.prenom} {user.nom}".strip(),
        jeton_session=user.jeton_session or "",
        doit_changer_mot_de_passe=user.mot_de_passe_a_changer,
    )


def _refus() -> SneError:
    """The one message of every failed sign-in."""
    return SneError("Identifiant ou mot de passe incorrect.", code="AUTHENTIFICATION")


def connecter(
    uow: UnitOfWork, login: str, mot_de_passe: str, *, maintenant: datetime | None = None
) -> Compte:
    """Check ``login`` and ``mot_de_passe``; count failures and lock after ``ECHECS_MAX``."""
    maintenant = maintenant or utcnow()
    with uow:
        session = uow.session
        user = session.scalar(
            select(Utilisateur).where(Utilisateur.login == login.strip().lower()).with_for_update()
        )
        if user is None:
            _HASHER.hash(mot_de_passe)  # same cost as a real check: timing tells nothing
            raise _refus()
        acteur = Acteur(user.id, user.login, user.role, user.territoire_code)
        if user.verrouille_jusqua is not None and user.verrouille_jusqua > maintenant:
            raise CompteVerrouille(
                "Ce compte est verrouillé après plusieurs essais infructueux ; réessayez après "
                f"{user.verrouille_jusqua:%H:%M} (heure UTC) ou demandez à votre gestionnaire.",
            )
        if not verifier_mot_de_passe(user.password_hash, mot_de_passe):
            user.echecs_connexion = (user.echecs_connexion or 0) + 1
            action = "echec_connexion"
            if user.echecs_connexion >= ECHECS_MAX:
                user.verrouille_jusqua = maintenant + DUREE_VERROU
                user.echecs_connexion = 0
                action = "verrouillage"
            tracer(session, acteur, entite="utilisateur", entite_id=user.login, action=action)
            uow.commit()
            raise _refus()
        if not user.actif:
            raise SneError("Ce compte est fermé.", code="COMPTE_FERME")
        acteur = acteur_pour(session, user.login)
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = hacher(mot_de_passe)
        user.echecs_connexion = 0
        user.verrouille_jusqua = None
        user.derniere_connexion = maintenant
        user.jeton_session = user.jeton_session or secrets.token_urlsafe(32)
        tracer(session, acteur, entite="utilisateur", entite_id=user.login, action="connexion")
        uow.commit()
        return _compte(user, acteur)


def charger(uow: UnitOfWork, utilisateur_id: int, jeton_session: str) -> Compte | None:
    """The account of an open session, or None when it was closed or its sessions ended."""
    with uow:
        user = uow.session.get(
            Utilisateur, utilisateur_id, options=[joinedload(Utilisateur.guichet)]
        )
        if user is None or not user.actif or not user.jeton_session:
            return None
        if not secrets.compare_digest(user.jeton_session, jeton_session):
            return None
        if user.guichet is not None and not user.guichet.actif:
            return None
        return _compte(user, acteur_de(user))


def deconnecter(uow: UnitOfWork, acteur: Acteur) -> None:
    """End every open session of the account (a new token invalidates the old cookies)."""
    with uow:
        user = uow.session.get(Utilisateur, acteur.utilisateur_id)
        if user is None:
            return
        user.jeton_session = secrets.token_urlsafe(32)
        tracer(
            uow.session, acteur, entite="utilisateur", entite_id=user.login, action="deconnexion"
        )
        uow.commit()


def changer_mot_de_passe(
    uow: UnitOfWork, acteur: Acteur, actuel: str, nouveau: str, confirmation: str
) -> Compte:
    """Replace the password after checking the current one; other sessions end."""
    with uow:
        session = uow.session
        user = session.get(Utilisateur, acteur.utilisateur_id)
        if user is None:
            raise _refus()
        problemes = {}
        if not verifier_mot_de_passe(user.password_hash, actuel):
            problemes["actuel"] = "mot de passe actuel incorrect"
        if len(nouveau) < MOT_DE_PASSE_MIN:
            problemes["nouveau"] = f"{MOT_DE_PASSE_MIN} caractères au moins"
        elif nouveau == actuel:
            problemes["nouveau"] = "le nouveau mot de passe doit différer de l'actuel"
        elif user.login in nouveau.lower():
            problemes["nouveau"] = "le mot de passe ne doit pas contenir l'identifiant"
        if nouveau != confirmation:
            problemes["confirmation"] = "la confirmation ne reprend pas le nouveau mot de passe"
        if problemes:
            raise SneError(
                "Le mot de passe n'a pas été changé.", code="MOT_DE_PASSE_REFUSE", details=problemes
            )
        user.password_hash = hacher(nouveau)
        user.mot_de_passe_a_changer = False
        user.jeton_session = secrets.token_urlsafe(32)
        tracer(
            session,
            acteur,
            entite="utilisateur",
            entite_id=user.login,
            action="changement_mot_de_passe",
        )
        uow.commit()
        return _compte(user, acteur)


def logins_presents(uow: UnitOfWork) -> dict[str, bool]:
    """Every account's login, and whether it must choose its password at next sign-in."""
    with uow:
        lignes = uow.session.execute(select(Utilisateur.login, Utilisateur.mot_de_passe_a_changer))
        return {login: bool(changer) for login, changer in lignes}
