"""The digitisation console's use cases: intake, the queue of lots, the deadlines board, mails.

An operator (role ``operateur_numerisation``) is national when the account has no
territory, and works for one territory otherwise: every lot, envoi, notification
and incident outside that territory is then as invisible as one that does not
exist. Operators never edit a demande: they only read lots and their outcome,
re-run or close a lot, and resend a notification mail.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sne import codes
from sne.acteurs import Acteur
from sne.errors import NotFound, ValidationError
from sne.models import Demande, Envoi, Guichet, Lot, Notification, Piece, Territoire
from sne.services import exploitation_lots, lots
from sne.services.echeances import OUVERTS
from sne.services.lots import Enqueue, LotRecu
from sne.services.notifications import Planifier
from sne.services.trace import tracer
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow

#: The channels an operator receives batches by (mail from guichets, mail from applicants).
CANAUX_CONSOLE = {c: codes.CANAL[c] for c in ("courrier_guichet", "courrier_demandeur")}
#: How far back a reception date may go (a batch is scanned within days of its arrival).
RECEPTION_MAX_JOURS = 31
#: The queue's filters, with their French labels.
FILTRES = {
    "aujourdhui": "À traiter aujourd'hui",
    "en_retard": "En retard",
    "a_revoir": "À revoir",
    "erreur": "En erreur",
}
#: Most lots shown in the queue at once (the oldest due first).
LIMITE_FILE = 300
#: Weeks counted in the "pieces uploaded per week" table.
SEMAINES = 8


def portee(acteur: Acteur) -> str | None:
    """The territory the operator works for (None: every territory); refuse other roles."""
    acteur.exiger("exploiter_numerisation")
    return acteur.territoire_code


def _dans_la_portee(acteur: Acteur, territoire: str | None, quoi: str) -> None:
    """Answer "not found" for an object outside the operator's territory."""
    limite = portee(acteur)
    if limite is not None and territoire != limite:
        raise NotFound(f"{quoi} introuvable.", code="INTROUVABLE")


def territoires(uow: UnitOfWork, acteur: Acteur) -> dict[str, str]:
    """The territories the operator may deposit a batch for, code → name."""
    limite = portee(acteur)
    with uow:
        requete = select(Territoire.code, Territoire.nom).order_by(Territoire.code)
        if limite is not None:
            requete = requete.where(Territoire.code == limite)
        return {code: f"{code} — {nom}" for code, nom in uow.session.execute(requete)}


def deposer(
    uow: UnitOfWork,
    acteur: Acteur,
    fichier: Path,
    *,
    canal: str,
    recu_le: date | None,
    jour: date,
    territoire: str | None,
    storage: FileStore,
    enqueue: Enqueue,
) -> LotRecu:
    """Take in a scanned batch received by mail on ``recu_le``; checks, storage and queue as lots do."""
    limite = portee(acteur)
    problemes = {}
    if canal not in CANAUX_CONSOLE:
        problemes["canal"] = "choisissez le canal de réception du courrier"
    if recu_le is None:
        problemes["recu_le"] = "date de réception obligatoire, par exemple 02/12/2026"
    elif recu_le > jour:
        problemes["recu_le"] = "la date de réception ne peut pas être dans le futur"
    elif recu_le < jour - timedelta(days=RECEPTION_MAX_JOURS):
        problemes["recu_le"] = f"la date de réception remonte à plus de {RECEPTION_MAX_JOURS} jours"
    territoire = limite or territoire
    if not territoire or territoire not in territoires(uow, acteur):
        problemes["territoire"] = "choisissez le territoire du courrier"
    if problemes:
        raise ValidationError(problemes)
    assert recu_le is not None
    # Today's batch is received now; an earlier one in the morning of its day (Paris time aside).
    recu = utcnow() if recu_le == jour else datetime.combine(recu_le, time(8, 0))
    return lots.deposer(
        uow,
        acteur,
        fichier,
        canal=canal,
        storage=storage,
        enqueue=enqueue,
        territoire=territoire,
        recu_le=recu,
    )


@dataclass(frozen=True)
class LigneLot:
    """One lot of the queue, as the console lists it."""

    id: int
    nom_fichier: str
    canal: str
    guichet: str | None
    recu_le: datetime
    echeance: date
    statut: str
    pages_total: int
    pages_faites: int
    dossiers_total: int
    dossiers_faits: int
    doublon_de: int | None
    erreur: str | None
    en_retard: bool

    @property
    def progression(self) -> int:
        """Percentage of pages processed (100 once the lot is finished)."""
        if self.statut in ("traite", "a_revoir", "clos"):
            return 100
        return round(100 * self.pages_faites / self.pages_total) if self.pages_total else 0

    @property
    def ouvert(self) -> bool:
        """Still counted against the two-working-day commitment."""
        return self.statut in OUVERTS and self.doublon_de is None


def _filtrer(requete: Select[Any], filtre: str | None, jour: date) -> Select[Any]:
    ouverts = Lot.statut.in_(OUVERTS) & Lot.doublon_de_id.is_(None)
    if filtre == "aujourdhui":
        return requete.where(ouverts, Lot.echeance == jour)
    if filtre == "en_retard":
        return requete.where(ouverts, Lot.echeance < jour)
    if filtre in ("a_revoir", "erreur"):
        return requete.where(Lot.statut == filtre)
    return requete


def file(uow: UnitOfWork, acteur: Acteur, jour: date, filtre: str | None = None) -> list[LigneLot]:
    """The lots of the operator's territory, open ones first by due date, then the latest done."""
    limite = portee(acteur)
    if filtre is not None and filtre not in FILTRES:
        raise ValidationError({"filtre": f"filtre inconnu « {filtre} »"})
    with uow:
        requete = select(Lot, Guichet.code).outerjoin(Guichet, Guichet.id == Lot.guichet_id)
        if limite is not None:
            requete = requete.where(Lot.territoire_code == limite)
        requete = _filtrer(requete, filtre, jour)
        ouvert = Lot.statut.in_(OUVERTS) & Lot.doublon_de_id.is_(None)
        requete = requete.order_by(ouvert.desc(), Lot.echeance, Lot.id.desc()).limit(LIMITE_FILE)
        return [_ligne(lot, guichet, jour) for lot, guichet in uow.session.execute(requete)]


def _ligne(lot: Lot, guichet: str | None, jour: date) -> LigneLot:
    return LigneLot(
        lot.id,
        lot.nom_fichier,
        lot.canal,
        guichet,
        lot.recu_le,
        lot.echeance,
        lot.statut,
        lot.pages_total,
        lot.pages_faites,
        lot.dossiers_total,
        lot.dossiers_faits,
        lot.doublon_de_id,
        lot.erreur,
        lot.statut in OUVERTS and lot.doublon_de_id is None and lot.echeance < jour,
    )


def lot(uow: UnitOfWork, acteur: Acteur, lot_id: int, jour: date) -> LigneLot:
    """One lot of the operator's territory, as the queue shows it (else "not found")."""
    with uow:
        trouve = _lot_visible(uow.session, acteur, lot_id)
        guichet = uow.session.get(Guichet, trouve.guichet_id) if trouve.guichet_id else None
        return _ligne(trouve, guichet.code if guichet else None, jour)


def _lot_visible(session: Session, acteur: Acteur, lot_id: int) -> Lot:
    lot = session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(f"Aucun lot n° {lot_id}.", code="LOT_INCONNU")
    _dans_la_portee(acteur, lot.territoire_code, f"Lot n° {lot_id}")
    return lot


def relancer(uow: UnitOfWork, acteur: Acteur, lot_id: int, enqueue: Enqueue) -> bool:
    """Re-run a failed lot of the operator's territory; False when there was nothing to re-run."""
    with uow:
        _lot_visible(uow.session, acteur, lot_id)
    if not exploitation_lots.rouvrir(uow, acteur, lot_id):
        return False
    enqueue(lot_id)
    lots.marquer_en_file(uow, lot_id)
    return True


def clore(uow: UnitOfWork, acteur: Acteur, lot_id: int, motif: str) -> None:
    """Close a lot of the operator's territory for good, with the operator's reason."""
    with uow:
        _lot_visible(uow.session, acteur, lot_id)
    exploitation_lots.clore(uow, acteur, lot_id, motif)


# --------------------------------------------------------------------------- deadlines board


@dataclass(frozen=True)
class LigneEcheances:
    """Lots of one guichet (or of applicants' mail) on one channel, against the commitment."""

    guichet: str
    canal: str
    a_echeance: int  # open, due today
    en_retard: int  # open, past their due date
    traites: int  # processed (or closed)
    dans_les_delais: int  # processed on or before their due date

    @property
    def taux(self) -> int | None:
        """Share of processed lots done within two working days, in percent."""
        return round(100 * self.dans_les_delais / self.traites) if self.traites else None


@dataclass(frozen=True)
class TableauEcheances:
    """The deadlines board of a day: per guichet and channel, totals, pieces per week."""

    jour: date
    lignes: tuple[LigneEcheances, ...]
    total: LigneEcheances
    pieces_par_semaine: tuple[tuple[date, int], ...]  # (Monday, pieces added that week)


def tableau_echeances(uow: UnitOfWork, acteur: Acteur, jour: date) -> TableauEcheances:
    """Count the lots due today, late and processed, by guichet and channel; pieces per week."""
    limite = portee(acteur)
    comptes: dict[tuple[str, str], Counter[str]] = {}
    with uow:
        session = uow.session
        requete = (
            select(Lot.canal, Guichet.code, Lot.statut, Lot.echeance, Lot.traite_le)
            .outerjoin(Guichet, Guichet.id == Lot.guichet_id)
            .where(Lot.doublon_de_id.is_(None), Lot.canal != lots.TELEVERSEMENT)
        )
        if limite is not None:
            requete = requete.where(Lot.territoire_code == limite)
        for canal, guichet, statut, echeance, traite_le in session.execute(requete):
            compte = comptes.setdefault((guichet or "demandeurs", canal), Counter())
            if statut in OUVERTS:
                compte["a_echeance"] += echeance == jour
                compte["en_retard"] += echeance < jour
            elif statut in ("traite", "clos") and traite_le is not None:
                compte["traites"] += 1
                compte["dans_les_delais"] += traite_le.date() <= echeance
        semaines = _pieces_par_semaine(session, limite, jour)
    lignes = tuple(
        LigneEcheances(
            guichet, canal, c["a_echeance"], c["en_retard"], c["traites"], c["dans_les_delais"]
        )
        for (guichet, canal), c in sorted(comptes.items())
    )
    total = LigneEcheances(
        "Total",
        "",
        *(
            sum(getattr(ligne, champ) for ligne in lignes)
            for champ in ("a_echeance", "en_retard", "traites", "dans_les_delais")
        ),
    )
    return TableauEcheances(jour, lignes, total, semaines)


def _pieces_par_semaine(
    session: Session, territoire: str | None, jour: date
) -> tuple[tuple[date, int], ...]:
    """Pieces added to dossiers in each of the last ``SEMAINES`` weeks (Monday to Sunday)."""
    lundi = jour - timedelta(days=jour.weekday())
    debut = lundi - timedelta(weeks=SEMAINES - 1)
    requete = select(Piece.created_at).where(Piece.created_at >= datetime.combine(debut, time()))
    if territoire is not None:
        requete = requete.join(Demande, Demande.id == Piece.demande_id).where(
            Demande.territoire_code == territoire
        )
    parsemaine = Counter(
        (cree.date() - timedelta(days=cree.weekday())) for cree in session.scalars(requete)
    )
    return tuple(
        (debut + timedelta(weeks=n), parsemaine[debut + timedelta(weeks=n)])
        for n in range(SEMAINES)
    )


# --------------------------------------------------------------------------- mails


@dataclass(frozen=True)
class LigneNotification:
    """One notification mail of a lot or envoi, as sent (or not yet)."""

    id: int
    type: str
    destinataire: str
    sujet: str
    corps: str
    statut: str
    tentatives: int
    derniere_erreur: str | None
    created_at: datetime
    envoyee_le: datetime | None


#: The notification statuses in French.
STATUT_NOTIFICATION = {"a_envoyer": "à envoyer", "envoyee": "envoyée", "echec": "en échec"}


def notifications_du_lot(uow: UnitOfWork, acteur: Acteur, lot_id: int) -> list[LigneNotification]:
    """The notification log of a lot of the operator's territory, oldest first."""
    with uow:
        _lot_visible(uow.session, acteur, lot_id)
        return _journal(uow.session, Notification.lot_id == lot_id)


def notifications_de_l_envoi(
    uow: UnitOfWork, acteur: Acteur, identifiant: str
) -> list[LigneNotification]:
    """The notification log of an envoi (by its identifiant) of the operator's territory."""
    with uow:
        envoi = uow.session.scalar(select(Envoi).where(Envoi.identifiant == identifiant.upper()))
        if envoi is None:
            raise NotFound(f"Aucun envoi {identifiant}.", code="ENVOI_INCONNU")
        _dans_la_portee(acteur, envoi.territoire_code, f"Envoi {identifiant}")
        return _journal(uow.session, Notification.envoi_id == envoi.id)


def _journal(session: Session, condition: object) -> list[LigneNotification]:
    return [
        LigneNotification(
            n.id,
            n.type,
            n.destinataire,
            n.sujet,
            n.corps,
            n.statut,
            n.tentatives,
            n.derniere_erreur,
            n.created_at,
            n.envoyee_le,
        )
        for n in session.scalars(
            select(Notification).where(condition).order_by(Notification.id)  # type: ignore[arg-type]
        )
    ]


def _territoire_de(session: Session, notification: Notification) -> str | None:
    """The territory a notification belongs to, through its lot, envoi or demande."""
    lot = session.get(Lot, notification.lot_id) if notification.lot_id else None
    envoi = session.get(Envoi, notification.envoi_id) if notification.envoi_id else None
    demande = session.get(Demande, notification.demande_id) if notification.demande_id else None
    for objet in (lot, envoi, demande):
        if objet is not None:
            return objet.territoire_code
    return None


def renvoyer_notification(
    uow: UnitOfWork, acteur: Acteur, notification_id: int, planifier: Planifier
) -> None:
    """Send a notification mail again (the same text), after the commit; traced."""
    with uow:
        session = uow.session
        notification = session.get(Notification, notification_id)
        if notification is None:
            raise NotFound(f"Aucune notification n° {notification_id}.", code="INTROUVABLE")
        _dans_la_portee(acteur, _territoire_de(session, notification), "Notification")
        ancien = notification.statut
        notification.statut = "a_envoyer"
        tracer(
            session,
            acteur,
            entite="notification",
            entite_id=notification.id,
            action="renvoi",
            changements={"statut": ancien, "destinataire": notification.destinataire},
        )
        uow.after_commit(functools.partial(planifier, notification.id))
        uow.commit()
