"""Following a guichet's paper sendings: the selection of dossiers, the list, one sending's mails.

Preparing and printing stay in ``sne.services.envois`` and ``impression``; this
module reads what a guichet needs to follow its sendings from preparation to
the notification mail (``Notification`` rows: subject, body, status as sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from sne import codes
from sne.acteurs import Acteur
from sne.models import Envoi, Notification
from sne.services.demandes import charger, exiger_active
from sne.services.envois import ROLES_LECTURE, charger_envoi, exiger_lecture, exiger_role
from sne.uow import UnitOfWork

#: Statuses of a notification mail, in French.
STATUT_NOTIFICATION = {"a_envoyer": "À envoyer", "envoyee": "Envoyé", "echec": "Échec d'envoi"}


@dataclass(frozen=True)
class DossierChoisi:
    """A demande chosen for a sending, with the applicant's name to recognise it."""

    numero: str
    nom: str


@dataclass(frozen=True)
class LigneEnvoi:
    """One sending in the guichet's list."""

    identifiant: str
    guichet: str
    date_transmission: date
    nb_dossiers: int
    nb_pages: int
    statut: str
    statut_libelle: str
    recu_le: datetime | None
    echeance: date | None
    mails: int


@dataclass(frozen=True)
class Mail:
    """A notification mail about a sending, as prepared and sent."""

    destinataire: str
    sujet: str
    corps: str
    statut: str
    envoye_le: datetime | None
    erreur: str | None


@dataclass(frozen=True)
class SuiviEnvoi:
    """A sending with its dossiers and its notification mails."""

    envoi: LigneEnvoi
    dossiers: tuple[tuple[int, str, int, int], ...]  # rang, numéro, documents, pages
    mails: tuple[Mail, ...]


def choisir(uow: UnitOfWork, acteur: Acteur, numero: str) -> DossierChoisi:
    """Check that ``acteur`` may put the demande ``numero`` in a sending; return it to keep."""
    with uow:
        exiger_role(acteur, frozenset({"agent_guichet"}), "préparer un envoi de pièces")
        demande = charger(uow.session, numero)
        acteur.exiger("consulter", demande.territoire_code)
        exiger_active(demande, "joindre des pièces à la demande")
        personne = demande.demandeur
        nom = f"{personne.nom_naissance or ''} {personne.prenoms or ''}".strip() if personne else ""
        return DossierChoisi(demande.numero, nom)


def _ligne(envoi: Envoi, mails: int) -> LigneEnvoi:
    return LigneEnvoi(
        identifiant=envoi.identifiant,
        guichet=envoi.guichet.code,
        date_transmission=envoi.date_transmission,
        nb_dossiers=envoi.nb_dossiers,
        nb_pages=envoi.nb_pages,
        statut=envoi.statut,
        statut_libelle=codes.libelle(codes.STATUT_ENVOI, envoi.statut),
        recu_le=envoi.recu_le,
        echeance=envoi.echeance,
        mails=mails,
    )


def lister(uow: UnitOfWork, acteur: Acteur, *, limite: int = 100) -> list[LigneEnvoi]:
    """The latest sendings of the agent's guichet (of the territory, for its manager)."""
    with uow:
        exiger_role(acteur, ROLES_LECTURE, "suivre les envois de pièces")
        session = uow.session
        requete = select(Envoi).order_by(Envoi.id.desc()).limit(limite)
        if acteur.role == "agent_guichet":
            requete = requete.where(Envoi.guichet_id == acteur.guichet_id)
        else:
            requete = requete.where(Envoi.territoire_code == acteur.territoire_code)
        envois = session.scalars(requete).all()
        lignes = session.execute(
            select(Notification.envoi_id, func.count())
            .where(Notification.envoi_id.in_([e.id for e in envois]))
            .group_by(Notification.envoi_id)
        ).all()
        comptes = {envoi_id: nombre for envoi_id, nombre in lignes}
        return [_ligne(e, int(comptes.get(e.id, 0))) for e in envois]


def suivre(uow: UnitOfWork, acteur: Acteur, identifiant: str) -> SuiviEnvoi:
    """One sending of the guichet with its dossiers and its notification mails as sent."""
    with uow:
        session = uow.session
        envoi = charger_envoi(session, identifiant)
        exiger_lecture(acteur, envoi, "consulter un envoi de pièces")
        notifications = session.scalars(
            select(Notification)
            .where(Notification.envoi_id == envoi.id)
            .order_by(Notification.created_at, Notification.id)
        ).all()
        return SuiviEnvoi(
            envoi=_ligne(envoi, len(notifications)),
            dossiers=tuple(
                (d.rang, d.demande.numero, d.nb_documents, d.nb_pages) for d in envoi.dossiers
            ),
            mails=tuple(
                Mail(n.destinataire, n.sujet, n.corps, n.statut, n.envoyee_le, n.derniere_erreur)
                for n in notifications
            ),
        )
