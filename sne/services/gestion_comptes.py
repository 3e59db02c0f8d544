"""The manager's accounts: list, change a role, close at once, and the periodic review.

Opening an account is ``referentiel.creer_utilisateur``; closing one here also
replaces its session token, so an open session ends on its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from sne import codes
from sne.acteurs import Acteur, acteur_pour
from sne.errors import Conflict, Forbidden, NotFound, SneError, ValidationError
from sne.mail import Envoyer, composer
from sne.models import Guichet, Utilisateur
from sne.services.referentiel import (
    MOT_DE_PASSE_MIN,
    ROLES_DE_GUICHET,
    creer_utilisateur,
    hacher,
)
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: An account not used for this long is listed by the review.
INUTILISE = timedelta(days=90)
NATIONAUX = {"administrateur", "systeme"}


@dataclass(frozen=True)
class CompteVu:
    """One account as the console lists it."""

    login: str
    nom: str
    role: str
    role_libelle: str
    guichet: str | None
    guichet_actif: bool
    actif: bool
    derniere_connexion: datetime | None
    #: Why the review lists it (empty when it does not).
    a_revoir: tuple[str, ...]
    #: When the activation link mailed to its owner expires (None once the password is chosen).
    lien_expire_le: datetime | None = None
    #: Whether that link has expired already (a new one can be sent).
    lien_expire: bool = False


def _territoire_de(user: Utilisateur) -> str | None:
    return user.guichet.territoire_code if user.guichet else user.territoire_code


def _motifs_revue(user: Utilisateur, jour: date) -> tuple[str, ...]:
    """Why the periodic review lists an open account."""
    if not user.actif:
        return ()
    motifs = []
    depuis = user.derniere_connexion or user.created_at
    if depuis < datetime.combine(jour, datetime.min.time()) - INUTILISE:
        motifs.append("inutilisé depuis plus de 90 jours")
    if user.guichet is not None and not user.guichet.actif:
        motifs.append("guichet fermé")
    if user.role == "administrateur":
        motifs.append("compte administrateur")
    return tuple(motifs)


def _vu(user: Utilisateur, jour: date) -> CompteVu:
    return CompteVu(
        login=user.login,
        nom=f"{user.prenom} {user.nom}".strip(),
        role=user.role,
        role_libelle=codes.libelle(codes.ROLE, user.role),
        guichet=user.guichet.code if user.guichet else None,
        guichet_actif=user.guichet.actif if user.guichet else True,
        actif=user.actif,
        derniere_connexion=user.derniere_connexion,
        a_revoir=_motifs_revue(user, jour),
        lien_expire_le=user.jeton_activation_expire if user.jeton_activation else None,
        lien_expire=bool(
            user.jeton_activation
            and user.jeton_activation_expire
            and user.jeton_activation_expire < utcnow()
        ),
    )


def lister(
    uow: UnitOfWork, acteur: Acteur, jour: date, *, a_revoir: bool = False
) -> list[CompteVu]:
    """The accounts of the actor's territory (all for an administrator); ``a_revoir``: the review."""
    acteur.exiger("gerer_utilisateurs")
    query = (
        select(Utilisateur)
        .outerjoin(Guichet, Guichet.id == Utilisateur.guichet_id)
        .options(joinedload(Utilisateur.guichet))
        .order_by(Utilisateur.actif.desc(), Utilisateur.login)
    )
    if acteur.role not in NATIONAUX:
        territoire = acteur.territoire_code
        query = query.where(
            or_(Guichet.territoire_code == territoire, Utilisateur.territoire_code == territoire)
        )
    with uow:
        comptes = [_vu(user, jour) for user in uow.session.scalars(query)]
    return [c for c in comptes if c.a_revoir] if a_revoir else comptes


def _charger(uow: UnitOfWork, acteur: Acteur, login: str) -> Utilisateur:
    """The account ``login`` if the actor manages it (else not found)."""
    user = uow.session.scalar(
        select(Utilisateur)
        .where(Utilisateur.login == login.strip().lower())
        .options(joinedload(Utilisateur.guichet))
    )
    if user is None:
        raise NotFound(f"Aucun compte « {login} ».")
    try:
        acteur.exiger("gerer_utilisateurs", _territoire_de(user))
    except Forbidden as exc:
        raise NotFound(f"Aucun compte « {login} ».") from exc
    return user


def consulter(uow: UnitOfWork, acteur: Acteur, login: str, jour: date) -> CompteVu:
    """One account the actor manages."""
    with uow:
        return _vu(_charger(uow, acteur, login), jour)


def changer_role(uow: UnitOfWork, acteur: Acteur, login: str, role: str, motif: str) -> None:
    """Give ``login`` another role of the same attachment (guichet roles stay at the guichet)."""
    with uow:
        user = _charger(uow, acteur, login)
        problemes = {}
        if role not in codes.ROLE:
            problemes["role"] = "rôle inconnu"
        elif (role in ROLES_DE_GUICHET) != (user.guichet_id is not None):
            problemes["role"] = (
                "ce rôle demande un autre rattachement (guichet ou territoire) : "
                "fermez ce compte et ouvrez-en un nouveau"
            )
        if not motif.strip():
            problemes["motif"] = "indiquez pourquoi le rôle change"
        if problemes:
            raise ValidationError(problemes)
        if "administrateur" in {role, user.role} and acteur.role != "administrateur":
            raise Forbidden("Seul un administrateur peut donner ou retirer ce rôle.")
        if not user.actif:
            raise Conflict(f"Le compte « {user.login} » est fermé.", code="DEJA_FERME")
        if role == user.role:
            return
        ancien, user.role = user.role, role
        # A new role takes effect at once: the account signs in again.
        user.jeton_session = secrets.token_urlsafe(32)
        tracer(
            uow.session,
            acteur,
            entite="utilisateur",
            entite_id=user.login,
            action="changement_role",
            changements={"role": [ancien, role]},
            justification=motif.strip(),
        )
        uow.commit()


def fermer(uow: UnitOfWork, acteur: Acteur, login: str, motif: str) -> None:
    """Close ``login`` at once: its open sessions end on their next request."""
    with uow:
        user = _charger(uow, acteur, login)
        if not motif.strip():
            raise ValidationError({"motif": "indiquez pourquoi le compte est fermé"})
        if not user.actif:
            raise Conflict(f"Le compte « {user.login} » est déjà fermé.", code="DEJA_FERME")
        if user.id == acteur.utilisateur_id:
            raise Conflict("Vous ne pouvez pas fermer votre propre compte.", code="PROPRE_COMPTE")
        user.actif = False
        user.jeton_session = secrets.token_urlsafe(32)
        tracer(
            uow.session,
            acteur,
            entite="utilisateur",
            entite_id=user.login,
            action="fermeture",
            changements={"actif": [True, False], "ferme_le": utcnow().isoformat()},
            justification=motif.strip(),
        )
        uow.commit()


#: How long the link mailed to a new account stays valid.
VALIDITE_LIEN = timedelta(hours=72)


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def ouvrir_par_lien(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    login: str,
    nom: str,
    prenom: str,
    role: str,
    email: str,
    guichet: str | None,
    adresse_activation: Callable[[str], str],
    envoyer: Envoyer,
    expediteur: str,
) -> str:
    """Open an account whose owner sets the password through a single-use link mailed to them.

    Nobody ever knows the account's first password (a random one, then unusable);
    only the hash of the link's token is stored. Returns the login.
    """
    if not email.strip():
        raise ValidationError({"email": "adresse obligatoire pour envoyer le lien"})
    cree = creer_utilisateur(
        uow,
        acteur,
        login=login,
        nom=nom,
        prenom=prenom,
        role=role,
        mot_de_passe=secrets.token_urlsafe(32),
        email=email.strip(),
        guichet=guichet,
        territoire=acteur.territoire_code,
        provisoire=False,
    )
    _envoyer_lien(
        uow,
        acteur,
        cree.login,
        action="invitation",
        adresse_activation=adresse_activation,
        envoyer=envoyer,
        expediteur=expediteur,
    )
    return cree.login


def renvoyer_lien(
    uow: UnitOfWork,
    acteur: Acteur,
    login: str,
    *,
    adresse_activation: Callable[[str], str],
    envoyer: Envoyer,
    expediteur: str,
) -> None:
    """Mail a new activation link to an account whose owner has not chosen a password yet.

    The previous link stops working (only the new token's hash is kept).
    """
    with uow:
        user = _charger(uow, acteur, login)
        if not user.actif or user.jeton_activation is None:
            raise Conflict(
                "Ce compte n'attend pas d'activation : son titulaire a déjà choisi son mot de "
                "passe, ou le compte est fermé."
            )
    _envoyer_lien(
        uow,
        acteur,
        login,
        action="invitation_renvoyee",
        adresse_activation=adresse_activation,
        envoyer=envoyer,
        expediteur=expediteur,
    )


def _envoyer_lien(
    uow: UnitOfWork,
    acteur: Acteur,
    login: str,
    *,
    action: str,
    adresse_activation: Callable[[str], str],
    envoyer: Envoyer,
    expediteur: str,
) -> None:
    """Store a new single-use link's hash and expiry, trace it, and mail the link after commit."""
    jeton = secrets.token_urlsafe(32)
    with uow:
        user = _charger(uow, acteur, login)
        user.jeton_activation = _empreinte(jeton)
        user.jeton_activation_expire = utcnow() + VALIDITE_LIEN
        tracer(uow.session, acteur, entite="utilisateur", entite_id=user.login, action=action)
        message = composer(
            expediteur=expediteur,
            destinataire=user.email or "",
            sujet="Votre compte sur le portail des guichets du SNE",
            texte=(
                f"Bonjour {user.prenom} {user.nom},\n\n"
                f"Un compte « {user.login} » vous a été ouvert sur le portail des guichets du "
                "système national d'enregistrement des demandes de logement social.\n\n"
                "Choisissez votre mot de passe en suivant ce lien, utilisable une seule fois "
                f"pendant 72 heures :\n{adresse_activation(jeton)}\n\n"
                "Si vous n'attendiez pas ce message, ignorez-le."
            ),
        )
        uow.after_commit(partial(envoyer, message))
        uow.commit()


def activer(uow: UnitOfWork, jeton: str, mot_de_passe: str, confirmation: str) -> str:
    """Set the password of the account the link ``jeton`` names, and spend the link."""
    with uow:
        user = uow.session.scalar(
            select(Utilisateur).where(Utilisateur.jeton_activation == _empreinte(jeton))
        )
        if (
            user is None
            or not user.actif
            or user.jeton_activation_expire is None
            or user.jeton_activation_expire < utcnow()
        ):
            raise SneError(
                "Ce lien n'est plus valable (déjà utilisé ou expiré) : demandez-en un autre "
                "à votre gestionnaire territorial.",
                code="LIEN_INVALIDE",
            )
        problemes = {}
        if len(mot_de_passe) < MOT_DE_PASSE_MIN:
            problemes["nouveau"] = f"{MOT_DE_PASSE_MIN} caractères au moins"
        elif user.login in mot_de_passe.lower():
            problemes["nouveau"] = "le mot de passe ne doit pas contenir l'identifiant"
        if mot_de_passe != confirmation:
            problemes["confirmation"] = "la confirmation ne reprend pas le mot de passe"
        if problemes:
            raise ValidationError(problemes)
        user.password_hash = hacher(mot_de_passe)
        user.jeton_activation = None
        user.jeton_activation_expire = None
        user.mot_de_passe_a_changer = False
        user.jeton_session = secrets.token_urlsafe(32)
        tracer(
            uow.session,
            acteur_pour(uow.session, user.login),
            entite="utilisateur",
            entite_id=user.login,
            action="activation",
        )
        uow.commit()
        return user.login
