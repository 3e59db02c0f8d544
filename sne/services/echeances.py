"""The two-working-day commitment: what is due today, what is late, one alert per late batch.

A batch is done when its status is ``traite`` (everything attached); one still
received, in progress, in error or waiting for an operator is open. It is late
after its due date (``lot.echeance``, two working days after reception). The
first time a late batch is seen, ``alerter_retards`` records the alert
(``alerte_retard_le``, traced) and mails it when an alert address is configured;
it never alerts twice for the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sne.acteurs import SYSTEME
from sne.mail import Envoyer, composer
from sne.models import Lot
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

OUVERTS = ("recu", "en_cours", "a_revoir", "erreur")


@dataclass(frozen=True)
class LotOuvert:
    """An open batch and where it stands against its deadline."""

    id: int
    nom_fichier: str
    recu_le: str
    echeance: date
    statut: str
    en_retard: bool
    alerte_le: str | None


def ouverts(uow: UnitOfWork, jour: date, territoire: str | None = None) -> list[LotOuvert]:
    """Open batches due on or before ``jour`` (late ones first), for operators."""
    with uow:
        requete = (
            select(Lot)
            .where(Lot.statut.in_(OUVERTS), Lot.echeance <= jour, Lot.doublon_de_id.is_(None))
            .order_by(Lot.echeance, Lot.id)
        )
        if territoire is not None:
            requete = requete.where(Lot.territoire_code == territoire)
        return [
            LotOuvert(
                id=lot.id,
                nom_fichier=lot.nom_fichier,
                recu_le=f"{lot.recu_le:%d/%m/%Y %H:%M}",
                echeance=lot.echeance,
                statut=lot.statut,
                en_retard=lot.echeance < jour,
                alerte_le=f"{lot.alerte_retard_le:%d/%m/%Y}" if lot.alerte_retard_le else None,
            )
            for lot in uow.session.scalars(requete)
        ]


def alerter_retards(
    uow: UnitOfWork,
    jour: date,
    *,
    envoyer: Envoyer,
    expediteur: str,
    destinataire: str | None,
) -> list[int]:
    """Alert once for each batch late on ``jour``; return the batches alerted now."""
    with uow:
        session = uow.session
        retards = session.scalars(
            select(Lot)
            .where(
                Lot.statut.in_(OUVERTS),
                Lot.echeance < jour,
                Lot.alerte_retard_le.is_(None),
                Lot.doublon_de_id.is_(None),
            )
            .order_by(Lot.id)
        ).all()
        for lot in retards:
            lot.alerte_retard_le = utcnow()
            tracer(
                session,
                SYSTEME,
                entite="lot",
                entite_id=lot.id,
                action="alerte_retard",
                changements={"echeance": lot.echeance, "statut": lot.statut},
            )
        if retards and destinataire:
            lignes = [
                f"- lot n° {lot.id} « {lot.nom_fichier} », reçu le {lot.recu_le:%d/%m/%Y}, "
                f"échéance {lot.echeance:%d/%m/%Y}, {lot.statut}"
                for lot in retards
            ]
            message = composer(
                expediteur=expediteur,
                destinataire=destinataire,
                sujet=f"Numérisation : {len(retards)} lot(s) en retard sur l'engagement de 2 jours ouvrés",
                texte="Bonjour,\n\nCes lots ont dépassé leur échéance de traitement :\n\n"
                + "\n".join(lignes)
                + "\n\nListe à jour : sne lots echeances.",
            )
            uow.after_commit(lambda: envoyer(message))
        ids = [lot.id for lot in retards]
        uow.commit()
        return ids
