"""Complaints about radiations: why and how a demande was radiated, then reactivate or refuse.

The manager sees the motif, the date and who radiated; for a non-renewal, the
préavis sent (date, channel, the address or e-mail used). A demande radiated
for non-renewal may be reactivated up to 18 months after its last filing or
renewal (``radiation.reactiver``); otherwise the complaint is refused with a
reason, traced on the demande so the history shows the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, ValidationError
from sne.models import Guichet, Historique, Preavis, Utilisateur
from sne.services import radiation
from sne.services.demandes import charger
from sne.services.trace import tracer
from sne.uow import UnitOfWork

REPONSES = ("reactivation", "reclamation_refusee")


@dataclass(frozen=True)
class PreavisVu:
    """A préavis sent before the radiation."""

    date_envoi: date
    date_expiration: date
    canal: str
    destinataire: str | None
    #: For a letter: the store key of the run's PDF of letters and the page in it.
    courrier: str | None = None
    courrier_page: int | None = None
    #: For an e-mail: "envoye", "echec", or None when unknown (sent before this was kept).
    statut_envoi: str | None = None


@dataclass(frozen=True)
class Reponse:
    """An earlier answer to a complaint on this demande."""

    le: date
    action: str
    par: str | None
    justification: str | None


@dataclass(frozen=True)
class DossierRadiation:
    """What the manager needs to answer a complaint."""

    numero: str
    demandeur: str
    statut: str
    motif: str | None
    motif_libelle: str | None
    sous_motif: str | None
    date_radiation: date | None
    par: str
    commentaire: str | None
    preavis: list[PreavisVu]
    reactivable_jusqua: date | None
    reponses: list[Reponse]

    @property
    def radiee(self) -> bool:
        return self.statut == "radiee"

    @property
    def statut_libelle(self) -> str:
        return codes.libelle(codes.STATUT_DEMANDE, self.statut)


def dossier(uow: UnitOfWork, acteur: Acteur, numero: str, jour: date) -> DossierRadiation:
    """The radiation of ``numero``, its préavis and the earlier answers."""
    with uow:
        session = uow.session
        demande = charger(session, numero)
        acteur.exiger("traiter_reclamations", demande.territoire_code)
        ligne = demande.radiation
        par = "le traitement quotidien (système)"
        if ligne is not None and ligne.agent_id is not None:
            agent = session.get(Utilisateur, ligne.agent_id)
            guichet = session.get(Guichet, ligne.guichet_id) if ligne.guichet_id else None
            if agent is not None:
                par = f"{agent.prenom} {agent.nom}" + (
                    f" (guichet {guichet.code})" if guichet else ""
                )
        preavis = [
            PreavisVu(
                p.date_envoi,
                p.date_expiration,
                p.canal,
                p.destinataire,
                p.courrier,
                p.courrier_page,
                p.statut_envoi,
            )
            for p in session.scalars(
                select(Preavis).where(Preavis.demande_id == demande.id).order_by(Preavis.id)
            )
        ]
        reponses = [
            Reponse(h.at.date(), h.action, f"{prenom} {nom}" if nom else None, h.justification)
            for h, prenom, nom in session.execute(
                select(Historique, Utilisateur.prenom, Utilisateur.nom)
                .outerjoin(Utilisateur, Utilisateur.id == Historique.utilisateur_id)
                .where(Historique.demande_id == demande.id, Historique.action.in_(REPONSES))
                .order_by(Historique.id)
            )
        ]
        limite = None
        if ligne is not None and ligne.motif == "RADREN" and demande.statut == "radiee":
            limite = (
                demande.date_renouvellement or demande.date_depot
            ) + radiation.DELAI_REACTIVATION
            limite = limite if jour <= limite else None
        personne = demande.demandeur
        return DossierRadiation(
            numero=demande.numero,
            demandeur=(
                f"{personne.prenoms} {personne.nom_usage or personne.nom_naissance}"
                if personne
                else demande.raison_sociale or "données purgées"
            ),
            statut=demande.statut,
            motif=ligne.motif if ligne else None,
            motif_libelle=codes.libelle(codes.MOTIF_RADIATION, ligne.motif) if ligne else None,
            sous_motif=ligne.sous_motif if ligne else None,
            date_radiation=ligne.date_radiation if ligne else None,
            par=par,
            commentaire=ligne.commentaire if ligne else None,
            preavis=preavis,
            reactivable_jusqua=limite,
            reponses=reponses,
        )


def refuser(uow: UnitOfWork, acteur: Acteur, numero: str, motif: str) -> None:
    """Refuse a complaint about ``numero``'s radiation, with the reason given to the applicant."""
    with uow:
        demande = charger(uow.session, numero, verrou=True)
        acteur.exiger("traiter_reclamations", demande.territoire_code)
        if demande.statut != "radiee":
            raise Conflict(
                f"La demande {demande.numero} n'est pas radiée : rien à refuser.",
                code="NON_RADIEE",
            )
        if not motif.strip():
            raise ValidationError({"motif": "indiquez la raison du refus"})
        tracer(
            uow.session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="reclamation_refusee",
            demande_id=demande.id,
            justification=motif.strip(),
        )
        uow.commit()


def reactiver(uow: UnitOfWork, acteur: Acteur, numero: str, justification: str, jour: date) -> date:
    """Accept the complaint: reactivate the demande; return its new expiry date."""
    acteur.exiger("traiter_reclamations")
    if not justification.strip():
        raise ValidationError({"justification": "indiquez pourquoi la demande est réactivée"})
    faite = radiation.reactiver(uow, acteur, numero, aujourd_hui=jour, justification=justification)
    return faite.date_expiration
