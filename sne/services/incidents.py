"""Incident reports (fiches incident): guichets report, the digitiser's operators answer and close.

An agent files a report for their own guichet about one of its envois or lots,
a demande or a piece of its territory (each optional, each checked within the
agent's reach), and follows the guichet's reports. Operators read the reports
of their territory (all of them when national), answer, and close them. Each
answer is mailed to the guichet's référent through a ``notification`` row sent
after the commit and retried like every other mail.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, ValidationError
from sne.models import Demande, Envoi, Guichet, Historique, Incident, Lot, Notification, Piece
from sne.services.notifications import Planifier
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

NATURES = {
    "pieces_non_traitees": "Pièces envoyées non traitées",
    "delai_depasse": "Délai de traitement dépassé",
    "pieces_mal_classees": "Pièces mal classées",
    "notification_non_recue": "Notification non reçue",
    "autre": "Autre",
}
STATUTS = {"ouvert": "Ouvert", "repondu": "Répondu", "clos": "Clos"}
DESCRIPTION_MAX = 4000


@dataclass(frozen=True)
class VueIncident:
    """A report as agents and operators read it."""

    id: int
    nature: str
    description: str
    statut: str
    guichet: str
    guichet_nom: str
    territoire: str
    cree_le: datetime
    envoi: str | None
    lot_id: int | None
    numero: str | None
    piece_id: int | None
    reponse: str | None
    repondu_le: datetime | None
    clos_le: datetime | None
    #: Every answer, oldest first, with its time (filled by ``consulter``; lists show the latest).
    reponses: tuple[tuple[datetime, str], ...] = ()

    @property
    def nature_libelle(self) -> str:
        """The kind in French."""
        return NATURES.get(self.nature, self.nature)

    @property
    def concerne(self) -> str:
        """What the report is about, in French ("" when nothing was named)."""
        objets = [
            f"envoi {self.envoi}" if self.envoi else "",
            f"lot n° {self.lot_id}" if self.lot_id else "",
            f"demande {self.numero}" if self.numero else "",
            f"pièce n° {self.piece_id}" if self.piece_id else "",
        ]
        return ", ".join(o for o in objets if o)

    @property
    def statut_libelle(self) -> str:
        """The status in French."""
        return STATUTS.get(self.statut, self.statut)


def _texte(valeur: str | None) -> str:
    return " ".join((valeur or "").split()) if valeur else ""


def signaler(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    nature: str,
    description: str,
    envoi: str | None = None,
    lot_id: int | None = None,
    numero: str | None = None,
    piece_id: int | None = None,
) -> int:
    """File a report for the agent's guichet; return its id."""
    acteur.exiger("signaler_incident")
    problemes: dict[str, str] = {}
    if nature not in NATURES:
        problemes["nature"] = "choisissez la nature de l'incident"
    description = (description or "").strip()
    if not description:
        problemes["description"] = "décrivez l'incident"
    elif len(description) > DESCRIPTION_MAX:
        problemes["description"] = f"{DESCRIPTION_MAX} caractères au plus"
    with uow:
        session = uow.session
        guichet = session.get(Guichet, acteur.guichet_id) if acteur.guichet_id else None
        if guichet is None:
            raise NotFound("Votre compte n'est rattaché à aucun guichet.", code="SANS_GUICHET")
        liens = _liens(session, acteur, envoi, lot_id, numero, piece_id, problemes)
        if problemes:
            raise ValidationError(problemes)
        incident = Incident(
            territoire_code=guichet.territoire_code,
            guichet_id=guichet.id,
            nature=nature,
            description=description,
            statut="ouvert",
            cree_par_id=acteur.utilisateur_id,
            created_at=utcnow(),
            nb_reponses=0,
            **liens,
        )
        session.add(incident)
        session.flush()
        tracer(
            session,
            acteur,
            entite="incident",
            entite_id=incident.id,
            action="signalement",
            changements={"nature": nature, **liens},
        )
        uow.commit()
        return incident.id


def _liens(
    session: Session,
    acteur: Acteur,
    envoi: str | None,
    lot_id: int | None,
    numero: str | None,
    piece_id: int | None,
    problemes: dict[str, str],
) -> dict[str, int | None]:
    """Resolve what the report is about; anything outside the agent's reach is "not found"."""
    liens: dict[str, int | None] = {}
    if envoi := _texte(envoi).upper():
        trouve = session.scalar(select(Envoi).where(Envoi.identifiant == envoi))
        if trouve is None or trouve.guichet_id != acteur.guichet_id:
            problemes["envoi"] = f"aucun envoi {envoi} de votre guichet"
        else:
            liens["envoi_id"] = trouve.id
    if lot_id is not None:
        lot = session.get(Lot, lot_id)
        if lot is None or lot.guichet_id != acteur.guichet_id:
            problemes["lot"] = f"aucun lot n° {lot_id} de votre guichet"
        else:
            liens["lot_id"] = lot.id
    if numero := _texte(numero).replace(" ", "").upper():
        demande = session.scalar(select(Demande).where(Demande.numero == numero))
        if demande is None or demande.territoire_code != acteur.territoire_code:
            problemes["numero"] = f"aucune demande {numero} dans votre territoire"
        else:
            liens["demande_id"] = demande.id
    if piece_id is not None:
        piece = session.get(Piece, piece_id)
        demande = session.get(Demande, piece.demande_id) if piece is not None else None
        if demande is None or demande.territoire_code != acteur.territoire_code:
            problemes["piece"] = f"aucune pièce n° {piece_id} dans votre territoire"
        else:
            liens["piece_id"] = piece_id
    return liens


def _requete(acteur: Acteur) -> Select[tuple[Incident, Guichet]]:
    """The reports ``acteur`` may read: their guichet's (agents) or their territory's (operators)."""
    requete = select(Incident, Guichet).join(Guichet, Guichet.id == Incident.guichet_id)
    if acteur.peut("signaler_incident"):
        return requete.where(Incident.guichet_id == acteur.guichet_id)
    territoire = _portee_operateur(acteur)
    if territoire is not None:
        requete = requete.where(Incident.territoire_code == territoire)
    return requete


def _portee_operateur(acteur: Acteur) -> str | None:
    """An operator's territory (None: national), as in the console."""
    acteur.exiger("traiter_incidents")
    return acteur.territoire_code


def _vue(session: Session, incident: Incident, guichet: Guichet) -> VueIncident:
    envoi = session.get(Envoi, incident.envoi_id) if incident.envoi_id else None
    demande = session.get(Demande, incident.demande_id) if incident.demande_id else None
    return VueIncident(
        incident.id,
        incident.nature,
        incident.description,
        incident.statut,
        guichet.code,
        guichet.nom,
        incident.territoire_code,
        incident.created_at,
        envoi.identifiant if envoi else None,
        incident.lot_id,
        demande.numero if demande else None,
        incident.piece_id,
        incident.reponse,
        incident.repondu_le,
        incident.clos_le,
    )


def lister(uow: UnitOfWork, acteur: Acteur, statut: str | None = None) -> list[VueIncident]:
    """The reports ``acteur`` may read, open ones first, latest first."""
    requete = _requete(acteur)
    if statut is not None:
        if statut not in STATUTS:
            raise ValidationError({"statut": f"statut inconnu « {statut} »"})
        requete = requete.where(Incident.statut == statut)
    with uow:
        session = uow.session
        requete = requete.order_by((Incident.statut == "clos").asc(), Incident.id.desc())
        return [_vue(session, i, g) for i, g in session.execute(requete.limit(500))]


def _charger(session: Session, acteur: Acteur, incident_id: int) -> tuple[Incident, Guichet]:
    ligne = session.execute(_requete(acteur).where(Incident.id == incident_id)).first()
    if ligne is None:
        raise NotFound(f"Aucun incident n° {incident_id}.", code="INCIDENT_INCONNU")
    return ligne[0], ligne[1]


def consulter(uow: UnitOfWork, acteur: Acteur, incident_id: int) -> VueIncident:
    """One report, if ``acteur`` may read it (else "not found")."""
    with uow:
        vue = _vue(uow.session, *_charger(uow.session, acteur, incident_id))
        return replace(vue, reponses=_reponses(uow.session, incident_id))


def _reponses(session: Session, incident_id: int) -> tuple[tuple[datetime, str], ...]:
    """The answers given to a report, oldest first, as the history recorded them."""
    lignes = session.execute(
        select(Historique.at, Historique.changements)
        .where(
            Historique.entite == "incident",
            Historique.entite_id == str(incident_id),
            Historique.action.in_(("reponse", "reponse_cloture")),
        )
        .order_by(Historique.id)
    )
    return tuple((at, str(changements.get("reponse", ""))) for at, changements in lignes)


def repondre(
    uow: UnitOfWork,
    acteur: Acteur,
    incident_id: int,
    reponse: str,
    planifier: Planifier,
    *,
    clore: bool = False,
) -> None:
    """Answer a report (and close it if asked); the guichet's référent is mailed after commit."""
    acteur.exiger("traiter_incidents")
    reponse = (reponse or "").strip()
    if not reponse:
        raise ValidationError({"reponse": "écrivez la réponse au guichet"})
    if len(reponse) > DESCRIPTION_MAX:
        raise ValidationError({"reponse": f"{DESCRIPTION_MAX} caractères au plus"})
    with uow:
        session = uow.session
        incident, guichet = _charger(session, acteur, incident_id)
        if incident.statut == "clos":
            raise Conflict(f"L'incident n° {incident.id} est clos.", code="INCIDENT_CLOS")
        maintenant = utcnow()
        incident.reponse = reponse
        incident.repondu_par_id = acteur.utilisateur_id
        incident.repondu_le = maintenant
        incident.nb_reponses += 1
        incident.statut = "clos" if clore else "repondu"
        if clore:
            incident.clos_le = maintenant
        tracer(
            session,
            acteur,
            entite="incident",
            entite_id=incident.id,
            action="reponse_cloture" if clore else "reponse",
            changements={"reponse": reponse},
        )
        _notifier(session, uow, acteur, incident, guichet, planifier)
        uow.commit()


def _notifier(
    session: Session,
    uow: UnitOfWork,
    acteur: Acteur,
    incident: Incident,
    guichet: Guichet,
    planifier: Planifier,
) -> None:
    """Prepare the mail of the answer to the guichet's référent (sent after the commit)."""
    if not guichet.referent_email:
        tracer(
            session,
            acteur,
            entite="incident",
            entite_id=incident.id,
            action="notification_impossible",
            changements={"motif": "aucune adresse de référent pour le guichet"},
        )
        return
    nature = NATURES[incident.nature]
    repondu = "a répondu à l'incident"
    if incident.statut == "clos":
        repondu = "a répondu et clos l'incident"
    notification = Notification(
        lot_id=incident.lot_id,
        envoi_id=incident.envoi_id,
        demande_id=incident.demande_id,
        destinataire=guichet.referent_email,
        sujet=f"Incident n° {incident.id} ({nature.lower()}) : réponse du service de numérisation",
        corps="\n\n".join(
            [
                "Bonjour,",
                f"Le service de numérisation {repondu} n° {incident.id}, signalé par le "
                f"guichet {guichet.code} le {incident.created_at:%d/%m/%Y}.",
                f"Votre signalement : {incident.description}",
                f"Réponse : {incident.reponse}",
                "Vous pouvez suivre vos incidents sur le portail des guichets, rubrique "
                "« Incidents de numérisation ».",
                "Le service de numérisation des pièces justificatives",
            ]
        ),
        type="incident_reponse",
        statut="a_envoyer",
        tentatives=0,
        cle=f"incident:{incident.id}:reponse:{incident.nb_reponses}",
        created_at=utcnow(),
    )
    session.add(notification)
    session.flush()
    uow.after_commit(functools.partial(planifier, notification.id))


def clore(uow: UnitOfWork, acteur: Acteur, incident_id: int) -> None:
    """Close a report without a new answer (it was answered, or needs nothing more)."""
    acteur.exiger("traiter_incidents")
    with uow:
        session = uow.session
        incident, _ = _charger(session, acteur, incident_id)
        if incident.statut == "clos":
            return
        incident.statut, incident.clos_le = "clos", utcnow()
        tracer(session, acteur, entite="incident", entite_id=incident.id, action="cloture")
        uow.commit()
