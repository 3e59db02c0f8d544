"""Applicants' accounts on the public portal: create, confirm, sign in, sign out, reset.

The answers never tell whether an address has an account: creating an account
for a known address and asking a reset for an unknown one look alike to the
person typing (the mail, if any, says the rest). Links sent by mail are signed
tokens (itsdangerous) that expire and carry a fingerprint of the state they
change, so each works once: a confirmed address or a new password voids them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from sne.acteurs import PORTAIL
from sne.errors import SneError
from sne.mail import Envoyer, composer
from sne.models import CompteDemandeur
from sne.services import referentiel
from sne.services.formulaire import EMAIL_RE
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: How long a confirmation or reset link holds.
DUREE_CONFIRMATION_S = 48 * 3600
DUREE_REINITIALISATION_S = 3600


@dataclass(frozen=True)
class Courrier:
    """How the portal mails an applicant: the sender, and the address of each page it links."""

    envoyer: Envoyer
    expediteur: str
    #: Builds the absolute address of a portal page from its name and a token.
    adresse: Callable[[str, str], str]


@dataclass(frozen=True)
class CompteVue:
    """A signed-in applicant as the portal needs it."""

    id: int
    email: str
    jeton_session: str


def _serialiseur(secret: str, sel: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"sne.public.{sel}")


def _empreinte(*parties: str) -> str:
    """A short fingerprint of the state a link changes (the link dies when it changes)."""
    return hashlib.sha256("\x00".join(parties).encode()).hexdigest()[:16]


def poster(uow: UnitOfWork, courrier: Courrier, destinataire: str, sujet: str, texte: str) -> None:
    """Send a mail once the transaction has committed."""
    message = composer(
        expediteur=courrier.expediteur, destinataire=destinataire, sujet=sujet, texte=texte
    )
    uow.after_commit(lambda: courrier.envoyer(message))


def normaliser_email(email: str) -> str:
    """The form in which addresses are stored and compared."""
    return email.strip().lower()


def existe(uow: UnitOfWork, email: str) -> bool:
    """Tell whether an applicant's account uses ``email`` (the launcher prints the demo's)."""
    with uow:
        trouve = uow.session.scalar(
            select(CompteDemandeur.id).where(CompteDemandeur.email == normaliser_email(email))
        )
        return trouve is not None


def verifier_mot_de_passe_choisi(mot_de_passe: str, confirmation: str, email: str) -> None:
    """Refuse a weak or mistyped new password, field by field."""
    problemes = {}
    if len(mot_de_passe) < referentiel.MOT_DE_PASSE_MIN:
        problemes["mot_de_passe"] = f"{referentiel.MOT_DE_PASSE_MIN} caractères au moins"
    elif email and email.split("@")[0] in mot_de_passe.lower():
        problemes["mot_de_passe"] = "le mot de passe ne doit pas contenir votre adresse"
    if mot_de_passe != confirmation:
        problemes["confirmation"] = "les deux mots de passe ne sont pas identiques"
    if problemes:
        raise SneError(
            "Le mot de passe ne convient pas.", code="MOT_DE_PASSE_REFUSE", details=problemes
        )


def creer(
    uow: UnitOfWork,
    courrier: Courrier,
    secret: str,
    email: str,
    mot_de_passe: str,
    confirmation: str,
) -> None:
    """Create an account and mail its confirmation link (a known address gets a warning instead)."""
    email = normaliser_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise SneError(
            "L'adresse e-mail n'est pas valide.",
            code="EMAIL_INVALIDE",
            details={"email": "adresse de la forme nom@exemple.fr"},
        )
    verifier_mot_de_passe_choisi(mot_de_passe, confirmation, email)
    with uow:
        session = uow.session
        compte = session.scalar(select(CompteDemandeur).where(CompteDemandeur.email == email))
        if compte is not None:
            referentiel.hacher(mot_de_passe)  # same cost as a creation: timing tells nothing
            poster(
                uow,
                courrier,
                email,
                "Votre compte existe déjà",
                "Bonjour,\n\nQuelqu'un (vous, sans doute) a voulu créer un compte sur le portail "
                "des demandeurs de logement social avec cette adresse. Un compte existe déjà.\n\n"
                "Si vous avez oublié le mot de passe, choisissez-en un nouveau ici :\n"
                f"{courrier.adresse('oubli', '')}\n\n"
                "Si ce n'est pas vous, ne faites rien : votre compte ne change pas.",
            )
            uow.commit()
            return
        compte = CompteDemandeur(
            email=email,
            password_hash=referentiel.hacher(mot_de_passe),
            jeton_session=secrets.token_urlsafe(32),
            created_at=utcnow(),
        )
        session.add(compte)
        session.flush()
        jeton = _serialiseur(secret, "confirmation").dumps(
            [compte.id, _empreinte(compte.email, "non confirme")]
        )
        tracer(session, PORTAIL, entite="compte_demandeur", entite_id=compte.id, action="creation")
        poster(
            uow,
            courrier,
            email,
            "Confirmez votre adresse e-mail",
            "Bonjour,\n\nPour terminer la création de votre compte sur le portail des demandeurs "
            "de logement social, ouvrez ce lien (il est valable 48 heures et ne sert qu'une "
            f"fois) :\n{courrier.adresse('confirmer', jeton)}\n\n"
            "Si vous n'avez pas créé de compte, ne faites rien.",
        )
        uow.commit()


def _lien_refuse() -> SneError:
    return SneError(
        "Ce lien n'est plus valable : il a expiré ou a déjà servi. "
        "Vous pouvez vous connecter, ou demander un nouveau lien.",
        code="LIEN_INVALIDE",
    )


def _lire_jeton(secret: str, sel: str, jeton: str, duree: int) -> tuple[int, str]:
    """The account id and fingerprint a link carries, or the one refusal."""
    try:
        contenu = _serialiseur(secret, sel).loads(jeton, max_age=duree)
    except BadSignature:
        raise _lien_refuse() from None
    if not (isinstance(contenu, list) and len(contenu) == 2 and isinstance(contenu[0], int)):
        raise _lien_refuse()
    return contenu[0], str(contenu[1])


def confirmer(uow: UnitOfWork, secret: str, jeton: str) -> None:
    """Confirm the address the link was sent to (once, within 48 hours)."""
    compte_id, empreinte = _lire_jeton(secret, "confirmation", jeton, DUREE_CONFIRMATION_S)
    with uow:
        compte = uow.session.get(CompteDemandeur, compte_id, with_for_update=True)
        if (
            compte is None
            or compte.confirme_le is not None
            or not secrets.compare_digest(empreinte, _empreinte(compte.email, "non confirme"))
        ):
            raise _lien_refuse()
        compte.confirme_le = utcnow()
        tracer(
            uow.session,
            PORTAIL,
            entite="compte_demandeur",
            entite_id=compte.id,
            action="confirmation",
        )
        uow.commit()


def _refus_connexion() -> SneError:
    return SneError("Adresse e-mail ou mot de passe incorrect.", code="AUTHENTIFICATION")


def connecter(
    uow: UnitOfWork, email: str, mot_de_passe: str, *, maintenant: datetime | None = None
) -> CompteVue:
    """Check the address and password of a confirmed account (one refusal for every failure)."""
    with uow:
        compte = uow.session.scalar(
            select(CompteDemandeur).where(CompteDemandeur.email == normaliser_email(email))
        )
        if compte is None:
            referentiel.hacher(mot_de_passe)  # same cost as a real check
            raise _refus_connexion()
        if not referentiel.verifier_mot_de_passe(compte.password_hash, mot_de_passe):
            raise _refus_connexion()
        if compte.confirme_le is None:
            raise SneError(
                "Votre adresse e-mail n'est pas encore confirmée : ouvrez le lien du message "
                "reçu à la création du compte.",
                code="EMAIL_NON_CONFIRME",
            )
        compte.derniere_connexion = maintenant or utcnow()
        tracer(
            uow.session, PORTAIL, entite="compte_demandeur", entite_id=compte.id, action="connexion"
        )
        uow.commit()
        return CompteVue(compte.id, compte.email, compte.jeton_session)


def charger(uow: UnitOfWork, compte_id: int, jeton_session: str) -> CompteVue | None:
    """The account of an open session, or None when its sessions were ended."""
    with uow:
        compte = uow.session.get(CompteDemandeur, compte_id)
        if compte is None or not secrets.compare_digest(compte.jeton_session, jeton_session):
            return None
        return CompteVue(compte.id, compte.email, compte.jeton_session)


def deconnecter(uow: UnitOfWork, compte_id: int) -> None:
    """End every session of the account, on every device."""
    with uow:
        compte = uow.session.get(CompteDemandeur, compte_id)
        if compte is None:
            return
        compte.jeton_session = secrets.token_urlsafe(32)
        tracer(
            uow.session,
            PORTAIL,
            entite="compte_demandeur",
            entite_id=compte.id,
            action="deconnexion",
        )
        uow.commit()


def demander_reinitialisation(uow: UnitOfWork, courrier: Courrier, secret: str, email: str) -> None:
    """Mail a password-reset link if the address has an account (the answer is the same anyway)."""
    with uow:
        compte = uow.session.scalar(
            select(CompteDemandeur).where(CompteDemandeur.email == normaliser_email(email))
        )
        if compte is None:
            return
        jeton = _serialiseur(secret, "reinitialisation").dumps(
            [compte.id, _empreinte(compte.password_hash)]
        )
        poster(
            uow,
            courrier,
            compte.email,
            "Choisir un nouveau mot de passe",
            "Bonjour,\n\nPour choisir un nouveau mot de passe sur le portail des demandeurs de "
            "logement social, ouvrez ce lien (valable une heure, il ne sert qu'une fois) :\n"
            f"{courrier.adresse('reinitialiser', jeton)}\n\n"
            "Si vous n'avez rien demandé, ne faites rien : votre mot de passe ne change pas.",
        )
        uow.commit()


def _compte_reinitialisable(uow: UnitOfWork, secret: str, jeton: str) -> CompteDemandeur:
    """The account a reset link designates, if the link still holds (inside ``uow``)."""
    compte_id, empreinte = _lire_jeton(secret, "reinitialisation", jeton, DUREE_REINITIALISATION_S)
    compte = uow.session.get(CompteDemandeur, compte_id, with_for_update=True)
    if compte is None or not secrets.compare_digest(empreinte, _empreinte(compte.password_hash)):
        raise _lien_refuse()
    return compte


def verifier_reinitialisation(uow: UnitOfWork, secret: str, jeton: str) -> None:
    """Refuse a reset link that expired or already served."""
    with uow:
        _compte_reinitialisable(uow, secret, jeton)


def reinitialiser(
    uow: UnitOfWork, secret: str, jeton: str, mot_de_passe: str, confirmation: str
) -> None:
    """Set a new password through a reset link; every open session ends, the link dies."""
    with uow:
        compte = _compte_reinitialisable(uow, secret, jeton)
        verifier_mot_de_passe_choisi(mot_de_passe, confirmation, compte.email)
        compte.password_hash = referentiel.hacher(mot_de_passe)
        compte.jeton_session = secrets.token_urlsafe(32)
        # The link proves the address: an account never confirmed is confirmed now.
        compte.confirme_le = compte.confirme_le or utcnow()
        tracer(
            uow.session,
            PORTAIL,
            entite="compte_demandeur",
            entite_id=compte.id,
            action="reinitialisation_mot_de_passe",
        )
        uow.commit()
