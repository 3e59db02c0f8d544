"""The manager's accounts: list, change a role, close at once, and the periodic review.

Opening an account is ``referentiel.creer_utilisateur``; closing one here also
replaces its session token, so an open session ends on its next request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, Forbidden, NotFound, ValidationError
from sne.models import Guichet, Utilisateur
from sne.services.referentiel import ROLES_DE_GUICHET
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
