"""Linking an applicant's account to a demande: identity first, then a one-time code.

Step one takes the numéro unique, the birth name and the birth date of a
titulaire (applicant or co-holder, each with their own identity) and, when
they match, mails a one-time code to the demande's e-mail address (or keeps it
for a guichet to print when the demande has none). Whatever is typed, step
one answers the same, and step two refuses every wrong case with one message:
nobody learns whether a numéro, a name or an address exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from sne import identite
from sne.acteurs import PORTAIL, Acteur
from sne.errors import Conflict, SneError
from sne.models import CompteDemandeur, Demande, LienDemande
from sne.numero import NumeroInvalide, analyser
from sne.services import referentiel
from sne.services.comptes_demandeurs import Courrier, poster
from sne.services.demandes import charger
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: How long a code holds, and how many wrong codes kill it.
DUREE_CODE = timedelta(minutes=30)
DUREE_CODE_GUICHET = timedelta(days=7)
ESSAIS_MAX = 5


@dataclass(frozen=True)
class CodeImprime:
    """A code a guichet hands over to an applicant whose demande has no e-mail address."""

    code: str
    expire_le: datetime


def _nouveau_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def _titulaire(demande: Demande, nom_naissance: str, date_naissance: date) -> int | None:
    """The id of the demande's applicant or co-holder with this birth name and date."""
    cle = identite.cle_nom(nom_naissance)
    for personne in demande.personnes:
        if (
            personne.role in identite.ROLES_TITULAIRES
            and cle is not None
            and identite.cle_nom(personne.nom_naissance) == cle
            and personne.date_naissance == date_naissance
        ):
            return personne.id
    return None


def _demande_ouverte(uow: UnitOfWork, numero: str) -> Demande | None:
    """The demande ``numero`` if it exists and is not erased or merged, else None."""
    try:
        numero = str(analyser(numero))
    except NumeroInvalide:
        return None
    demande = uow.session.scalar(select(Demande).where(Demande.numero == numero))
    if demande is None or demande.statut in {"purgee", "fusionnee"}:
        return None
    return charger(uow.session, demande.numero)


def demander(
    uow: UnitOfWork,
    courrier: Courrier,
    compte_id: int,
    numero: str,
    nom_naissance: str,
    date_naissance: date,
    *,
    maintenant: datetime | None = None,
) -> None:
    """Start linking: when the identity matches, send (or keep) a one-time code. Says nothing."""
    maintenant = maintenant or utcnow()
    code = _nouveau_code()
    empreinte = referentiel.hacher(code)  # always paid, so timing tells nothing either
    with uow:
        session = uow.session
        demande = _demande_ouverte(uow, numero)
        personne_id = _titulaire(demande, nom_naissance, date_naissance) if demande else None
        if demande is None or personne_id is None:
            return
        lien = session.scalar(
            select(LienDemande).where(
                LienDemande.compte_id == compte_id, LienDemande.demande_id == demande.id
            )
        )
        if lien is not None and lien.confirme_le is not None:
            return  # already linked: nothing to do, and nothing to say
        if lien is None:
            lien = LienDemande(compte_id=compte_id, demande_id=demande.id, created_at=maintenant)
            session.add(lien)
        lien.personne_id = personne_id
        lien.essais = 0
        if demande.email:
            lien.code_hash = empreinte
            lien.code_expire_le = maintenant + DUREE_CODE
            poster(
                uow,
                courrier,
                demande.email,
                "Votre code pour suivre votre demande de logement social",
                "Bonjour,\n\nPour relier votre compte du portail des demandeurs à la demande "
                f"{demande.numero}, saisissez ce code (valable 30 minutes) :\n\n{code}\n\n"
                "Si vous n'avez rien demandé, ne faites rien : personne ne peut voir votre "
                "demande sans ce code.",
            )
        else:
            lien.code_hash = None  # the guichet prints one (``imprimer_code``)
            lien.code_expire_le = None
        session.flush()
        tracer(
            session,
            PORTAIL,
            entite="demande",
            entite_id=demande.numero,
            action="liaison_demandee",
            demande_id=demande.id,
            changements={"compte": compte_id},
        )
        uow.commit()


def _refus() -> SneError:
    return SneError(
        "Le code n'est pas bon, a expiré, ou ne correspond pas aux informations saisies. "
        "Vérifiez le code reçu ou recommencez la demande de code.",
        code="LIAISON_REFUSEE",
    )


def confirmer(
    uow: UnitOfWork, compte_id: int, numero: str, code: str, *, maintenant: datetime | None = None
) -> str:
    """Finish linking with the code; return the numéro linked (one refusal for every failure)."""
    maintenant = maintenant or utcnow()
    with uow:
        session = uow.session
        demande = _demande_ouverte(uow, numero)
        lien = (
            session.scalar(
                select(LienDemande)
                .where(LienDemande.compte_id == compte_id, LienDemande.demande_id == demande.id)
                .with_for_update()
            )
            if demande
            else None
        )
        code = "".join(code.split())
        if (
            demande is None
            or lien is None
            or lien.confirme_le is not None
            or lien.code_hash is None
            or lien.code_expire_le is None
            or lien.code_expire_le < maintenant
            or lien.essais >= ESSAIS_MAX
        ):
            referentiel.hacher(code)
            raise _refus()
        if not referentiel.verifier_mot_de_passe(lien.code_hash, code):
            lien.essais += 1
            uow.commit()
            raise _refus()
        lien.confirme_le = maintenant
        lien.code_hash = None
        tracer(
            session,
            PORTAIL,
            entite="demande",
            entite_id=demande.numero,
            action="liaison_confirmee",
            demande_id=demande.id,
            changements={"compte": compte_id},
        )
        uow.commit()
        return demande.numero


def imprimer_code(
    uow: UnitOfWork, acteur: Acteur, numero: str, *, maintenant: datetime | None = None
) -> CodeImprime:
    """Give a guichet a code for the applicant of a demande without e-mail who asked to link."""
    maintenant = maintenant or utcnow()
    with uow:
        session = uow.session
        demande = charger(session, numero, verrou=True)
        acteur.exiger("modifier", demande.territoire_code)
        liens = session.scalars(
            select(LienDemande).where(
                LienDemande.demande_id == demande.id, LienDemande.confirme_le.is_(None)
            )
        ).all()
        if not liens:
            raise Conflict(
                "Personne n'a demandé à relier un compte à cette demande sur le portail des "
                "demandeurs : le demandeur doit d'abord saisir son numéro unique sur le portail.",
                code="AUCUNE_LIAISON",
            )
        code = _nouveau_code()
        empreinte = referentiel.hacher(code)
        for lien in liens:
            lien.code_hash = empreinte
            lien.code_expire_le = maintenant + DUREE_CODE_GUICHET
            lien.essais = 0
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="code_liaison_imprime",
            demande_id=demande.id,
        )
        uow.commit()
        return CodeImprime(code, maintenant + DUREE_CODE_GUICHET)


def demandes_liees(uow: UnitOfWork, compte_id: int) -> list[str]:
    """Numéros of the demandes the account is linked to (confirmed links only)."""
    with uow:
        return list(
            uow.session.scalars(
                select(Demande.numero)
                .join(LienDemande, LienDemande.demande_id == Demande.id)
                .join(CompteDemandeur, CompteDemandeur.id == LienDemande.compte_id)
                .where(LienDemande.compte_id == compte_id, LienDemande.confirme_le.is_not(None))
                .order_by(Demande.date_depot)
            )
        )
