"""The two-working-day commitment: what is due today, what is late, one alert per late item.

Items are batches (lots) and the paper sendings (envois) received in them. A
batch is done when its status is ``traite`` (everything attached); one still
received, in progress, in error or waiting for an operator is open. A sending is
open from the reading of its bordereau until all its dossiers are attached.
Both are late after their due date (two working days after reception). The first
time a late item is seen, ``alerter_retards`` records the alert on it (traced)
and, when an alert address is configured, prepares one notification mail for
the items newly late, sent after the commit and retried like every other mail.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from sne.acteurs import SYSTEME
from sne.models import Envoi, Guichet, Lot, Notification
from sne.services.notifications import Planifier
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

OUVERTS = ("recu", "en_cours", "a_revoir", "erreur")


@dataclass(frozen=True)
class Ouvert:
    """An open batch or sending and where it stands against its deadline."""

    nature: str  # "lot" or "envoi"
    id: int
    libelle: str
    recu_le: str
    echeance: date
    statut: str
    en_retard: bool
    alerte_le: str | None


def _lots(jour: date, territoire: str | None, *, a_alerter: bool = False) -> Select[tuple[Lot]]:
    """Open batches due by ``jour``; with ``a_alerter``, those late and not alerted yet."""
    requete = select(Lot).where(Lot.statut.in_(OUVERTS), Lot.doublon_de_id.is_(None))
    if a_alerter:
        requete = requete.where(Lot.echeance < jour, Lot.alerte_retard_le.is_(None))
    else:
        requete = requete.where(Lot.echeance <= jour)
    if territoire is not None:
        requete = requete.where(Lot.territoire_code == territoire)
    return requete.order_by(Lot.echeance, Lot.id)


def _envois(
    jour: date, territoire: str | None, *, a_alerter: bool = False
) -> Select[tuple[Envoi, str]]:
    """Received sendings due by ``jour``, with their guichet's code; ``a_alerter`` as for lots."""
    requete = select(Envoi, Guichet.code).join(Guichet, Guichet.id == Envoi.guichet_id)
    requete = requete.where(Envoi.statut == "recu", Envoi.echeance.is_not(None))
    if a_alerter:
        requete = requete.where(Envoi.echeance < jour, Envoi.alerte_retard_le.is_(None))
    else:
        requete = requete.where(Envoi.echeance <= jour)
    if territoire is not None:
        requete = requete.where(Envoi.territoire_code == territoire)
    return requete.order_by(Envoi.echeance, Envoi.id)


def _libelle_lot(lot: Lot) -> str:
    return f"lot n° {lot.id} « {lot.nom_fichier} »"


def _libelle_envoi(envoi: Envoi, guichet: str) -> str:
    return f"envoi {envoi.identifiant} du guichet {guichet} (lot n° {envoi.lot_id})"


def ouverts(uow: UnitOfWork, jour: date, territoire: str | None = None) -> list[Ouvert]:
    """Open batches and sendings due on or before ``jour``, by due date, for operators."""
    with uow:
        session = uow.session
        elements = [
            Ouvert(
                "lot",
                lot.id,
                _libelle_lot(lot),
                f"{lot.recu_le:%d/%m/%Y %H:%M}",
                lot.echeance,
                lot.statut,
                lot.echeance < jour,
                f"{lot.alerte_retard_le:%d/%m/%Y}" if lot.alerte_retard_le else None,
            )
            for lot in session.scalars(_lots(jour, territoire))
        ]
        for envoi, guichet in session.execute(_envois(jour, territoire)):
            assert envoi.echeance is not None and envoi.recu_le is not None
            elements.append(
                Ouvert(
                    "envoi",
                    envoi.id,
                    _libelle_envoi(envoi, guichet),
                    f"{envoi.recu_le:%d/%m/%Y %H:%M}",
                    envoi.echeance,
                    envoi.statut,
                    envoi.echeance < jour,
                    f"{envoi.alerte_retard_le:%d/%m/%Y}" if envoi.alerte_retard_le else None,
                )
            )
        return sorted(elements, key=lambda e: (e.echeance, e.nature, e.id))


def alerter_retards(
    uow: UnitOfWork,
    jour: date,
    *,
    destinataire: str | None,
    planifier: Planifier,
) -> list[str]:
    """Alert once for each batch and sending late on ``jour``; return them (``"lot:3"``)."""
    with uow:
        session = uow.session
        maintenant = utcnow()
        # Each newly late item: itself, its kind, its line in the mail, what the trace records.
        nouveaux: list[tuple[Lot | Envoi, str, str, dict[str, object]]] = [
            (
                lot,
                "lot",
                f"{_libelle_lot(lot)}, reçu le {lot.recu_le:%d/%m/%Y}, "
                f"échéance {lot.echeance:%d/%m/%Y}, {lot.statut}",
                {"echeance": lot.echeance, "statut": lot.statut},
            )
            for lot in session.scalars(_lots(jour, None, a_alerter=True))
        ]
        nouveaux += [
            (
                envoi,
                "envoi",
                f"{_libelle_envoi(envoi, guichet)}, reçu le {envoi.recu_le:%d/%m/%Y}, "
                f"échéance {envoi.echeance:%d/%m/%Y}, dossiers non tous rattachés",
                {"echeance": envoi.echeance},
            )
            for envoi, guichet in session.execute(_envois(jour, None, a_alerter=True))
        ]
        for element, entite, _, changements in nouveaux:
            element.alerte_retard_le = maintenant
            tracer(
                session,
                SYSTEME,
                entite=entite,
                entite_id=element.id,
                action="alerte_retard",
                changements=changements,
            )
        alertes = [f"{entite}:{element.id}" for element, entite, _, _ in nouveaux]
        lignes = [f"- {ligne}" for _, _, ligne, _ in nouveaux]
        if alertes and destinataire:
            empreinte = hashlib.sha256(",".join(alertes).encode()).hexdigest()[:16]
            notification = Notification(
                destinataire=destinataire,
                sujet=(
                    f"Numérisation : {len(alertes)} élément(s) en retard "
                    "sur l'engagement de 2 jours ouvrés"
                ),
                corps="Bonjour,\n\nCes lots et envois ont dépassé leur échéance de traitement :\n\n"
                + "\n".join(lignes)
                + "\n\nListe à jour : sne lots echeances.",
                type="alerte_retard",
                statut="a_envoyer",
                tentatives=0,
                cle=f"alerte_retard:{jour.isoformat()}:{empreinte}",
                created_at=maintenant,
            )
            session.add(notification)
            session.flush()
            uow.after_commit(functools.partial(planifier, notification.id))
        uow.commit()
        return alertes
