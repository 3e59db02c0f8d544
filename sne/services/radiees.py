"""Demandes radiated since a date, in the actor's territory (the SNE's ``demandesRadieesDepuisLe``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sne.acteurs import Acteur
from sne.errors import SneError
from sne.models import Demande, Radiation
from sne.uow import UnitOfWork

LIMITE_MAX = 1000


@dataclass(frozen=True)
class Radiee:
    """One radiation: which demande, why and when."""

    numero: str
    motif: str
    date_radiation: date


def depuis(uow: UnitOfWork, acteur: Acteur, jour: date, *, limite: int = 500) -> list[Radiee]:
    """Radiations in force dated ``jour`` or later, oldest first (at most ``limite``).

    A client pages on by asking again from the last date it received.
    """
    if acteur.territoire_code is None:
        raise SneError("Compte sans territoire.", code="TERRITOIRE_REQUIS")
    acteur.exiger("consulter", acteur.territoire_code)
    limite = max(1, min(limite, LIMITE_MAX))
    with uow:
        query = (
            select(Demande.numero, Radiation.motif, Radiation.date_radiation)
            .join(Radiation, Radiation.demande_id == Demande.id)
            .where(
                Demande.territoire_code == acteur.territoire_code,
                Radiation.date_radiation >= jour,
                Radiation.annulee_le.is_(None),
            )
            .order_by(Radiation.date_radiation, Demande.numero)
            .limit(limite)
        )
        return [Radiee(n, m, d) for n, m, d in uow.session.execute(query)]
