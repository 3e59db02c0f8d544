"""Territories, guichets and user accounts: created, closed and authenticated here.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's
recommendations); only the hash is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, Forbidden, NotFound, ValidationError
from sne.models import Guichet, Territoire, Utilisateur
from sne.numero import GUICHET_RE, TERRITOIRE_RE
from sne.services.formulaire import EMAIL_RE
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

_HASHER = PasswordHasher()
MOT_DE_PASSE_MIN = 12
ROLES_DE_GUICHET = {"agent_guichet"}
ROLES_DE_TERRITOIRE = {
    "gestionnaire_territorial",
    "consultant_liste",
    "consultant_standard",
    "consultant_complet",
}


@dataclass(frozen=True)
class CompteCree:
    """What creating an account hands back."""

    id: int
    login: str
    role: str


def hacher(mot_de_passe: str) -> str:
    """Hash a password with Argon2id."""
    return _HASHER.hash(mot_de_passe)


def verifier_mot_de_passe(hash_: str, mot_de_passe: str) -> bool:
    """Tell whether ``mot_de_passe`` matches ``hash_`` (never raises on a bad hash)."""
    try:
        return _HASHER.verify(hash_, mot_de_passe)
    except (VerificationError, InvalidHashError):
        return False


def creer_territoire(uow: UnitOfWork, acteur: Acteur, code: str, nom: str) -> str:
    """Create a territory (département code on 3 characters, or 111 for Île-de-France)."""
    with uow:
        acteur.exiger("gerer_territoires")
        code = code.strip().upper()
        if not TERRITOIRE_RE.match(code):
            raise ValidationError(
                {"code": f"« {code} » n'est pas un code territoire (ex. 013, 02A, 974, 111)"}
            )
        if uow.session.get(Territoire, code) is not None:
            raise Conflict(f"Le territoire {code} existe déjà.", code="DEJA_EXISTANT")
        uow.session.add(Territoire(code=code, nom=nom.strip()))
        tracer(
            uow.session,
            acteur,
            entite="territoire",
            entite_id=code,
            action="creation",
            changements={"nom": nom},
        )
        uow.commit()
        return code


def creer_guichet(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    code: str,
    nom: str,
    type: str,
    territoire: str,
    referent_email: str | None = None,
    adresse: str | None = None,
) -> str:
    """Create a guichet enregistreur of ``territoire``."""
    with uow:
        acteur.exiger("gerer_guichets", territoire)
        code = code.strip().upper()
        problemes = {}
        if not GUICHET_RE.match(code):
            problemes["code"] = f"« {code} » invalide : G suivi de 4 lettres ou chiffres"
        if type not in codes.TYPE_GUICHET:
            problemes["type"] = f"type « {type} » inconnu (admis : {', '.join(codes.TYPE_GUICHET)})"
        if referent_email and not EMAIL_RE.match(referent_email):
            problemes["referent_email"] = f"adresse « {referent_email} » invalide"
        if problemes:
            raise ValidationError(problemes)
        if uow.session.get(Territoire, territoire) is None:
            raise NotFound(f"Le territoire {territoire} n'existe pas.")
        if uow.session.scalar(select(Guichet.id).where(Guichet.code == code)) is not None:
            raise Conflict(f"Le guichet {code} existe déjà.", code="DEJA_EXISTANT")
        guichet = Guichet(
            code=code,
            nom=nom.strip(),
            type=type,
            territoire_code=territoire,
            referent_email=referent_email,
            adresse=adresse,
            actif=True,
        )
        uow.session.add(guichet)
        tracer(
            uow.session,
            acteur,
            entite="guichet",
            entite_id=code,
            action="creation",
            changements={
                "nom": nom,
                "type": type,
                "territoire": territoire,
                "referent_email": referent_email,
            },
        )
        uow.commit()
        return code


def creer_utilisateur(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    login: str,
    nom: str,
    prenom: str,
    role: str,
    mot_de_passe: str,
    email: str | None = None,
    guichet: str | None = None,
    territoire: str | None = None,
    provisoire: bool = True,
) -> CompteCree:
    """Open an account; an agent belongs to a guichet, a manager or consultant to a territory.

    ``provisoire``: the password was chosen by whoever opens the account, so its owner
    changes it at first sign-in (only the demo's published accounts say False).
    """
    with uow:
        session = uow.session
        problemes = {}
        login = login.strip().lower()
        if not re.match(r"^[a-z0-9][a-z0-9._\-]{2,99}$", login):
            problemes["login"] = "3 à 100 caractères : lettres, chiffres, point, tiret"
        if role not in codes.ROLE:
            problemes["role"] = f"rôle « {role} » inconnu (admis : {', '.join(codes.ROLE)})"
        if len(mot_de_passe) < MOT_DE_PASSE_MIN:
            problemes["mot_de_passe"] = f"{MOT_DE_PASSE_MIN} caractères au moins"
        if email and not EMAIL_RE.match(email):
            problemes["email"] = f"adresse « {email} » invalide"
        guichet_obj = None
        if role in ROLES_DE_GUICHET:
            if not guichet:
                problemes["guichet"] = "un agent est rattaché à un guichet"
            else:
                guichet_obj = session.scalar(select(Guichet).where(Guichet.code == guichet.upper()))
                if guichet_obj is None:
                    problemes["guichet"] = f"guichet {guichet} inconnu"
                else:
                    territoire = guichet_obj.territoire_code
        elif role in ROLES_DE_TERRITOIRE and (
            not territoire or session.get(Territoire, territoire) is None
        ):
            problemes["territoire"] = "territoire existant obligatoire pour ce rôle"
        if problemes:
            raise ValidationError(problemes)
        acteur.exiger("gerer_utilisateurs", territoire)
        if role == "administrateur" and acteur.role != "administrateur":
            raise Forbidden("Seul un administrateur peut créer un compte administrateur.")
        if session.scalar(select(Utilisateur.id).where(Utilisateur.login == login)) is not None:
            raise Conflict(f"Le compte « {login} » existe déjà.", code="DEJA_EXISTANT")
        user = Utilisateur(
            login=login,
            nom=nom.strip(),
            prenom=prenom.strip(),
            email=email,
            password_hash=hacher(mot_de_passe),
            role=role,
            guichet_id=guichet_obj.id if guichet_obj else None,
            territoire_code=territoire,
            actif=True,
            created_at=utcnow(),
            mot_de_passe_a_changer=provisoire,
        )
        session.add(user)
        session.flush()
        tracer(
            session,
            acteur,
            entite="utilisateur",
            entite_id=login,
            action="creation",
            changements={"role": role, "guichet": guichet, "territoire": territoire},
        )
        uow.commit()
        return CompteCree(user.id, login, role)


def fermer_compte(uow: UnitOfWork, acteur: Acteur, login: str, motif: str) -> None:
    """Close an account: it can no longer log in nor act; its traces stay."""
    with uow:
        user = uow.session.scalar(select(Utilisateur).where(Utilisateur.login == login))
        if user is None:
            raise NotFound(f"Aucun compte « {login} ».")
        territoire = user.guichet.territoire_code if user.guichet else user.territoire_code
        acteur.exiger("gerer_utilisateurs", territoire)
        if not user.actif:
            raise Conflict(f"Le compte « {login} » est déjà fermé.", code="DEJA_FERME")
        user.actif = False
        tracer(
            uow.session,
            acteur,
            entite="utilisateur",
            entite_id=login,
            action="fermeture",
            changements={"actif": [True, False]},
            justification=motif,
        )
        uow.commit()
