"""API tokens of the guichets' privative systems: created, listed, revoked, checked, warned.

A token acts as one agent account of one guichet (its calls are traced under
that agent and guichet). Only the SHA-256 of the secret is stored: the secret
is shown once, at creation. A token carries scopes (``lecture``, ``ecriture``,
``pieces``), an expiry date (a warning mail goes to the guichet's référent
``AVERTISSEMENT`` before it) and optionally the IP ranges it may call from.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select

from sne.acteurs import Acteur
from sne.db import table_of
from sne.errors import Forbidden, NotFound, SneError, ValidationError
from sne.mail import Envoyer, composer
from sne.models import AppelApi, Guichet, JetonApi, Utilisateur
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

PORTEES = {
    "lecture": "lire les demandes, les doublons, les radiations et l'avancement des dépôts",
    "ecriture": "enregistrer, modifier, renouveler, radier et scinder des demandes",
    "pieces": "lister, déposer et télécharger les pièces justificatives",
}
#: Longest validity a manager may give a token.
DUREE_MAX = timedelta(days=366)
#: How long before expiry the référent is warned.
AVERTISSEMENT = timedelta(days=30)
APPEL = table_of(AppelApi)


class JetonRefuse(SneError):
    """The bearer token is missing, unknown, revoked or expired (HTTP 401)."""

    code = "JETON_INVALIDE"


@dataclass(frozen=True)
class JetonCree:
    """A new token: ``secret`` is given this once and never again."""

    id: int
    secret: str
    expire_le: date


@dataclass(frozen=True)
class JetonVue:
    """A token as the console lists it (never its secret)."""

    id: int
    nom: str
    prefixe: str
    guichet: str
    agent: str
    portees: tuple[str, ...]
    plages_ip: tuple[str, ...]
    expire_le: date
    cree_le: datetime
    revoque_le: datetime | None
    dernier_usage_le: datetime | None

    def etat(self, jour: date) -> str:
        """French state: active, expired or revoked."""
        if self.revoque_le is not None:
            return "révoqué"
        return "expiré" if self.expire_le < jour else "actif"


@dataclass(frozen=True)
class Porteur:
    """Who calls the API: the token and the agent ``Acteur`` it acts as."""

    jeton_id: int
    acteur: Acteur
    portees: frozenset[str]


def empreinte(secret: str) -> str:
    """SHA-256 of a token (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def lire_plages(texte: str | None) -> tuple[str, ...]:
    """Parse comma- or space-separated CIDR ranges; raise ``ValidationError`` on a bad one."""
    plages = []
    for morceau in (texte or "").replace(",", " ").split():
        try:
            plages.append(str(ipaddress.ip_network(morceau, strict=False)))
        except ValueError:
            raise ValidationError(
                {
                    "plages_ip": f"« {morceau} » n'est pas une adresse ou une plage IP (ex. 192.0.2.0/24)"
                }
            ) from None
    return tuple(plages)


def creer(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    nom: str,
    agent: str,
    portees: list[str],
    expire_le: date,
    aujourd_hui: date,
    plages_ip: str | None = None,
) -> JetonCree:
    """Create a token acting as the agent account ``agent`` (login) for its guichet."""
    problemes: dict[str, str] = {}
    nom = (nom or "").strip()
    if not nom:
        problemes["nom"] = "indiquer un nom (le logiciel qui utilisera le jeton)"
    choisies = sorted(set(portees))
    if not choisies or set(choisies) - set(PORTEES):
        problemes["portees"] = "choisir au moins une portée parmi lecture, écriture et pièces"
    if not aujourd_hui < expire_le <= aujourd_hui + DUREE_MAX:
        problemes["expire_le"] = "choisir une date d'expiration dans l'année qui vient"
    try:
        plages = lire_plages(plages_ip)
    except ValidationError as exc:
        problemes.update(exc.problems)
    if problemes:
        raise ValidationError(problemes)
    with uow:
        session = uow.session
        user = session.scalar(select(Utilisateur).where(Utilisateur.login == (agent or "").strip()))
        acteur.exiger("gerer_jetons")
        # An agent of another territory is answered as an unknown one (no hint it exists).
        if (
            user is None
            or user.guichet is None
            or user.role != "agent_guichet"
            or (
                acteur.role != "administrateur"
                and user.guichet.territoire_code != acteur.territoire_code
            )
        ):
            raise ValidationError(
                {"agent": "choisir le compte d'un agent d'un guichet de votre territoire"}
            )
        if not user.actif or not user.guichet.actif:
            raise ValidationError({"agent": "ce compte ou son guichet est fermé"})
        prefixe = secrets.token_hex(6)
        secret = f"sne_{prefixe}_{secrets.token_urlsafe(32)}"
        jeton = JetonApi(
            prefixe=prefixe,
            empreinte=empreinte(secret),
            nom=nom[:100],
            guichet_id=user.guichet.id,
            utilisateur_id=user.id,
            portees=" ".join(choisies),
            plages_ip=",".join(plages) or None,
            expire_le=expire_le,
            cree_le=utcnow(),
            cree_par_id=acteur.utilisateur_id,
        )
        session.add(jeton)
        session.flush()
        tracer(
            session,
            acteur,
            entite="jeton_api",
            entite_id=jeton.id,
            action="creation",
            changements={
                "nom": jeton.nom,
                "guichet": user.guichet.code,
                "agent": user.login,
                "portees": choisies,
                "plages_ip": list(plages),
                "expire_le": expire_le,
            },
        )
        uow.commit()
        return JetonCree(jeton.id, secret, expire_le)


def _vue(jeton: JetonApi, dernier_usage: datetime | None = None) -> JetonVue:
    return JetonVue(
        id=jeton.id,
        nom=jeton.nom,
        prefixe=jeton.prefixe,
        guichet=jeton.guichet.code,
        agent=jeton.utilisateur.login,
        portees=tuple(jeton.portees.split()),
        plages_ip=tuple((jeton.plages_ip or "").split(",")) if jeton.plages_ip else (),
        expire_le=jeton.expire_le,
        cree_le=jeton.cree_le,
        revoque_le=jeton.revoque_le,
        dernier_usage_le=dernier_usage,
    )


def lister(uow: UnitOfWork, acteur: Acteur) -> list[JetonVue]:
    """The tokens of the manager's territory (every territory for an administrator)."""
    acteur.exiger("gerer_jetons")
    # The last call of each token, read through the (jeton_id, at) index of the calls.
    dernier = (
        select(func.max(AppelApi.at))
        .where(AppelApi.jeton_id == JetonApi.id)
        .correlate(JetonApi)
        .scalar_subquery()
    )
    with uow:
        query = (
            select(JetonApi, dernier).join(Guichet).order_by(Guichet.code, JetonApi.cree_le.desc())
        )
        if acteur.role != "administrateur":
            query = query.where(Guichet.territoire_code == acteur.territoire_code)
        return [_vue(j, at) for j, at in uow.session.execute(query)]


def revoquer(uow: UnitOfWork, acteur: Acteur, jeton_id: int) -> JetonVue:
    """Revoke a token at once (its next call is refused); revoking twice changes nothing."""
    with uow:
        session = uow.session
        jeton = session.get(JetonApi, jeton_id)
        if jeton is None:
            raise NotFound("Aucun jeton ne porte ce numéro.", code="JETON_INCONNU")
        try:
            acteur.exiger("gerer_jetons", jeton.guichet.territoire_code)
        except Forbidden:
            raise NotFound("Aucun jeton ne porte ce numéro.", code="JETON_INCONNU") from None
        if jeton.revoque_le is None:
            jeton.revoque_le = utcnow()
            jeton.revoque_par_id = acteur.utilisateur_id
            tracer(session, acteur, entite="jeton_api", entite_id=jeton.id, action="revocation")
        vue = _vue(jeton)
        uow.commit()
        return vue


def authentifier(
    uow: UnitOfWork, secret: str | None, *, adresse: str | None, aujourd_hui: date
) -> Porteur:
    """Check a bearer token and return who it acts as; ``JetonRefuse`` or ``Forbidden`` else."""
    prefixe = (secret or "").split("_")[1] if (secret or "").count("_") >= 2 else ""
    with uow:
        # One row, only the columns the check needs: this runs before every call.
        jeton = uow.session.execute(
            select(
                JetonApi.id,
                JetonApi.empreinte,
                JetonApi.revoque_le,
                JetonApi.expire_le,
                JetonApi.plages_ip,
                JetonApi.portees,
                JetonApi.guichet_id.label("guichet_du_jeton"),
                Utilisateur.id.label("utilisateur_id"),
                Utilisateur.login,
                Utilisateur.role,
                Utilisateur.actif,
                Guichet.id.label("guichet_id"),
                Guichet.code.label("guichet_code"),
                Guichet.actif.label("guichet_actif"),
                Guichet.territoire_code,
            )
            .join(Utilisateur, Utilisateur.id == JetonApi.utilisateur_id)
            .outerjoin(Guichet, Guichet.id == Utilisateur.guichet_id)
            .where(JetonApi.prefixe == prefixe)
        ).first()
    if jeton is None or not hmac.compare_digest(jeton.empreinte, empreinte(secret or "")):
        raise JetonRefuse("Jeton d'accès absent ou inconnu.")
    if jeton.revoque_le is not None:
        raise JetonRefuse(
            "Ce jeton a été révoqué par le gestionnaire territorial.", code="JETON_REVOQUE"
        )
    if jeton.expire_le < aujourd_hui:
        raise JetonRefuse(
            f"Ce jeton a expiré le {jeton.expire_le:%d/%m/%Y} ; demandez-en un nouveau au "
            "gestionnaire territorial.",
            code="JETON_EXPIRE",
        )
    if jeton.plages_ip and not _adresse_admise(adresse, jeton.plages_ip):
        raise Forbidden(
            f"L'adresse {adresse} n'est pas dans les plages autorisées pour ce jeton.",
            code="ADRESSE_NON_AUTORISEE",
        )
    # Refused if the agent's account closed, or it left the guichet the token was made for.
    if not jeton.actif or not jeton.guichet_actif or jeton.guichet_id != jeton.guichet_du_jeton:
        raise JetonRefuse(
            "Le compte de ce jeton est fermé ou n'est plus rattaché à son guichet ouvert.",
            code="JETON_INVALIDE",
        )
    acteur = Acteur(
        utilisateur_id=jeton.utilisateur_id,
        login=jeton.login,
        role=jeton.role,
        territoire_code=jeton.territoire_code,
        guichet_id=jeton.guichet_id,
        guichet_code=jeton.guichet_code,
    )
    return Porteur(jeton.id, acteur, frozenset(jeton.portees.split()))


def _adresse_admise(adresse: str | None, plages: str) -> bool:
    try:
        ip = ipaddress.ip_address(adresse or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in plages.split(","))


def exiger_portee(porteur: Porteur, portee: str) -> None:
    """Refuse a call that needs a scope the token lacks."""
    if portee not in porteur.portees:
        raise Forbidden(
            f"Ce jeton n'a pas la portée « {portee} » ({PORTEES[portee]}).",
            code="PORTEE_INSUFFISANTE",
        )


def tracer_appel(
    uow: UnitOfWork,
    porteur: Porteur,
    *,
    methode: str,
    chemin: str,
    statut: int,
    adresse: str | None,
) -> None:
    """Record one API call with the token's guichet and agent."""
    with uow:
        uow.session.connection().execute(
            insert(APPEL),
            {
                "at": utcnow(),
                "jeton_id": porteur.jeton_id,
                "guichet_id": porteur.acteur.guichet_id,
                "utilisateur_id": porteur.acteur.utilisateur_id,
                "methode": methode[:8],
                "chemin": chemin[:300],
                "statut": statut,
                "adresse": (adresse or "")[:45] or None,
            },
        )
        uow.commit()


def avertir_expirations(
    uow: UnitOfWork, jour: date, *, envoyer: Envoyer, expediteur: str
) -> list[int]:
    """Mail each guichet's référent once about its tokens expiring within ``AVERTISSEMENT``.

    A step of the daily run, safe to run twice (``averti_le`` is set after the mail).
    """
    with uow:
        jetons = uow.session.scalars(
            select(JetonApi).where(
                JetonApi.revoque_le.is_(None),
                JetonApi.averti_le.is_(None),
                JetonApi.expire_le >= jour,
                JetonApi.expire_le <= jour + AVERTISSEMENT,
            )
        ).all()
        avertis = []
        for jeton in jetons:
            destinataire = jeton.guichet.referent_email
            if destinataire:
                envoyer(
                    composer(
                        expediteur=expediteur,
                        destinataire=destinataire,
                        sujet=f"SNE : le jeton d'accès « {jeton.nom} » expire le "
                        f"{jeton.expire_le:%d/%m/%Y}",
                        texte=(
                            f"Bonjour,\n\nLe jeton d'accès aux services web « {jeton.nom} » du "
                            f"guichet {jeton.guichet.code} (compte {jeton.utilisateur.login}) "
                            f"expire le {jeton.expire_le:%d/%m/%Y}. Après cette date, votre "
                            "logiciel ne pourra plus appeler le SNE avec ce jeton.\n\n"
                            "Demandez dès maintenant un nouveau jeton à votre gestionnaire "
                            "territorial, puis remplacez l'ancien dans votre logiciel.\n\n"
                            "Ce message est envoyé automatiquement."
                        ),
                    )
                )
            jeton.averti_le = utcnow()
            avertis.append(jeton.id)
        uow.commit()
        return avertis


#: How long the trace of API calls is kept: a year to look into a disputed call, then erased
#: (the CNIL recommends keeping access logs from six months to a year).
CONSERVATION_APPELS = timedelta(days=365)


def purger_appels(uow: UnitOfWork, jour: date) -> int:
    """Erase the API calls traced more than ``CONSERVATION_APPELS`` ago (daily run); how many."""
    limite = datetime.combine(jour, time()) - CONSERVATION_APPELS
    with uow:
        resultat = uow.session.execute(delete(AppelApi).where(AppelApi.at < limite))
        uow.commit()
        return int(getattr(resultat, "rowcount", 0) or 0)
