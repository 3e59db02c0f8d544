"""The agent's worklist on the portal's home page: what needs doing at the guichet now.

Four lists, each scoped to the agent's guichet (or, for an account without a
guichet, to its territory; a national account sees every territory): demandes
expiring within a month, préavis sent lately and whether the demande was renewed
since, duplicates the guichet reported and their outcome, and the recent
activity of the history. Each list is capped; ``a_expirer_total`` counts them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import aliased

from sne.acteurs import Acteur
from sne.models import (
    Demande,
    Guichet,
    Historique,
    Personne,
    Preavis,
    SignalementDoublon,
    Utilisateur,
)
from sne.uow import UnitOfWork

#: At most this many items in each list of the worklist.
LIMITE = 50
#: How far ahead "expiring soon" looks, and how far back préavis and reports are shown.
HORIZON = relativedelta(months=1)
RECUL_PREAVIS = timedelta(days=31)
RECUL_SIGNALEMENTS = timedelta(days=90)

#: French label of each history action, as the activity list shows it.
ACTIONS = {
    "enregistrement": "Enregistrement",
    "modification": "Modification",
    "renouvellement": "Renouvellement",
    "radiation": "Radiation",
    "reactivation": "Réactivation",
    "scission": "Scission du couple",
    "creation_scission": "Création par scission",
    "doublon_force": "Doublon forcé",
    "attestation": "Attestation imprimée",
    "preavis": "Préavis envoyé",
    "purge": "Données personnelles effacées",
    "fusion": "Fusion de demandes",
    "correction_identite": "Correction d'identité",
    "signalement": "Doublon signalé",
    "cloture": "Signalement clos",
    "preparation": "Envoi préparé",
    "envoi_pieces": "Pièces envoyées",
    "dossier_rattache": "Pièces rattachées",
    "depot_doublon": "Lot déposé deux fois",
    "reception": "Envoi reçu",
}
CANAUX_PREAVIS = {"email": "courriel", "courrier": "courrier à poster"}
STATUTS_SIGNALEMENT = {
    "ouvert": "En attente du gestionnaire",
    "traite": "Traité",
    "rejete": "Rejeté (pas un doublon)",
}


@dataclass(frozen=True)
class DemandeAExpirer:
    """An active demande whose validity ends within a month: to renew with the applicant."""

    numero: str
    demandeur: str
    date_expiration: date
    #: The day the préavis was sent for this expiry, if it was.
    preavis_le: date | None


@dataclass(frozen=True)
class PreavisEnvoye:
    """A préavis sent lately; ``renouvelee`` once the demande was renewed since."""

    numero: str
    demandeur: str
    date_envoi: date
    #: "courriel" or "courrier à poster" (a letter the guichet must post).
    canal: str
    date_expiration: date
    renouvelee: bool


@dataclass(frozen=True)
class SignalementSuivi:
    """A report of suspected duplicates made by the guichet, and what became of it."""

    id: int
    numero: str  # the first demande reported
    numeros: tuple[str, ...]
    signale_le: date
    statut: str  # "ouvert", "traite", "rejete"
    statut_libelle: str
    conclusion: str | None


@dataclass(frozen=True)
class Activite:
    """One line of the history: who did what, when, on which demande, and why."""

    numero: str | None
    at: datetime
    action: str
    action_libelle: str
    agent: str | None
    justification: str | None


@dataclass(frozen=True)
class TableauDeBord:
    """The four lists of the home page."""

    a_expirer: list[DemandeAExpirer]
    preavis_envoyes: list[PreavisEnvoye]
    signalements: list[SignalementSuivi]
    activite_recente: list[Activite]
    #: How many demandes expire within a month (``a_expirer`` shows the first ``LIMITE``).
    a_expirer_total: int


def tableau_de_bord(uow: UnitOfWork, acteur: Acteur, jour: date) -> TableauDeBord:
    """Build the worklist of ``acteur`` on ``jour``."""
    acteur.exiger("consulter", acteur.territoire_code)
    with uow:
        session = uow.session
        perimetre = _perimetre(acteur)
        demandeur = aliased(Personne)
        nom_demandeur = (
            select(
                func.coalesce(demandeur.prenoms, "")
                + " "
                + func.coalesce(demandeur.nom_naissance, "")
            )
            .where(demandeur.demande_id == Demande.id, demandeur.role == "demandeur")
            .limit(1)
            .scalar_subquery()
        )
        fin = jour + HORIZON
        proches = (
            Demande.statut == "active",
            Demande.date_expiration >= jour,
            Demande.date_expiration <= fin,
            perimetre,
        )
        total = session.scalar(select(func.count()).select_from(Demande).where(*proches)) or 0
        a_expirer = [
            DemandeAExpirer(numero, (nom or "").strip(), expiration, preavis_le)
            for numero, nom, expiration, preavis_le in session.execute(
                select(Demande.numero, nom_demandeur, Demande.date_expiration, Preavis.date_envoi)
                .outerjoin(
                    Preavis,
                    (Preavis.demande_id == Demande.id)
                    & (Preavis.date_expiration == Demande.date_expiration),
                )
                .where(*proches)
                .order_by(Demande.date_expiration, Demande.numero)
                .limit(LIMITE)
            )
        ]
        preavis = [
            PreavisEnvoye(
                numero=numero,
                demandeur=(nom or "").strip(),
                date_envoi=envoi,
                canal=CANAUX_PREAVIS.get(canal, canal),
                date_expiration=expiration,
                renouvelee=expiration_actuelle > expiration,
            )
            for numero, nom, envoi, canal, expiration, expiration_actuelle in session.execute(
                select(
                    Demande.numero,
                    nom_demandeur,
                    Preavis.date_envoi,
                    Preavis.canal,
                    Preavis.date_expiration,
                    Demande.date_expiration,
                )
                .join(Demande, Demande.id == Preavis.demande_id)
                .where(
                    Preavis.date_envoi >= jour - RECUL_PREAVIS,
                    Preavis.date_envoi <= jour,
                    perimetre,
                )
                .order_by(Preavis.date_envoi.desc(), Demande.numero)
                .limit(LIMITE)
            )
        ]
        return TableauDeBord(
            a_expirer=a_expirer,
            preavis_envoyes=preavis,
            signalements=_signalements(uow, acteur, jour),
            activite_recente=_activite(uow, acteur),
            a_expirer_total=total,
        )


def _perimetre(acteur: Acteur) -> ColumnElement[bool]:
    """The demandes the worklist covers: the agent's guichet, else the account's territory."""
    if acteur.guichet_id is not None and acteur.territoire_code is not None:
        # The territory too, so the (territory, status, expiry) index bounds the scan.
        return and_(
            Demande.territoire_code == acteur.territoire_code,
            Demande.guichet_id == acteur.guichet_id,
        )
    if acteur.guichet_id is not None:
        return Demande.guichet_id == acteur.guichet_id
    if acteur.territoire_code is not None:
        return Demande.territoire_code == acteur.territoire_code
    return true()


def _signalements(uow: UnitOfWork, acteur: Acteur, jour: date) -> list[SignalementSuivi]:
    """Reports of the guichet (or territory): the open ones and those closed lately."""
    query = select(SignalementDoublon).where(
        (SignalementDoublon.statut == "ouvert")
        | (
            SignalementDoublon.created_at
            >= datetime.combine(jour - RECUL_SIGNALEMENTS, datetime.min.time())
        )
    )
    if acteur.guichet_id is not None:
        query = query.where(SignalementDoublon.guichet_id == acteur.guichet_id)
    elif acteur.territoire_code is not None:
        query = query.where(SignalementDoublon.territoire_code == acteur.territoire_code)
    query = query.order_by(SignalementDoublon.created_at.desc(), SignalementDoublon.id.desc())
    return [
        SignalementSuivi(
            id=s.id,
            numero=s.numeros[0],
            numeros=tuple(s.numeros),
            signale_le=s.created_at.date(),
            statut=s.statut,
            statut_libelle=STATUTS_SIGNALEMENT.get(s.statut, s.statut),
            conclusion=s.conclusion,
        )
        for s in uow.session.scalars(query.limit(LIMITE))
    ]


def _activite(uow: UnitOfWork, acteur: Acteur) -> list[Activite]:
    """The latest work traced at the guichet (or at the territory's guichets), sign-ins aside."""
    query: Any = select(
        Historique.entite,
        Historique.entite_id,
        Historique.at,
        Historique.action,
        Utilisateur.prenom,
        Utilisateur.nom,
        Historique.justification,
    ).outerjoin(Utilisateur, Utilisateur.id == Historique.utilisateur_id)
    # The accounts' own lines (sign-in, sign-out, password) are not work on demandes.
    query = query.where(Historique.entite != "utilisateur")
    if acteur.guichet_id is not None:
        query = query.where(Historique.guichet_id == acteur.guichet_id)
    elif acteur.territoire_code is not None:
        territoire = select(Guichet.id).where(Guichet.territoire_code == acteur.territoire_code)
        query = query.where(Historique.guichet_id.in_(territoire))
    query = query.order_by(Historique.at.desc(), Historique.id.desc()).limit(LIMITE)
    return [
        Activite(
            numero=entite_id if entite == "demande" else None,
            at=at,
            action=action,
            action_libelle=ACTIONS.get(action, action.replace("_", " ").capitalize()),
            agent=f"{prenom} {nom}" if nom is not None else None,
            justification=justification,
        )
        for entite, entite_id, at, action, prenom, nom, justification in uow.session.execute(query)
    ]
