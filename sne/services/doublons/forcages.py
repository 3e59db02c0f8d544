"""Forced duplicates counted per guichet over a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    func,
    select,
)

from sne.acteurs import Acteur
from sne.errors import SneError
from sne.models import (
    DoublonForce,
    Guichet,
    Utilisateur,
)
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class ForcagesGuichet:
    """How many duplicates a guichet forced over a period, and by which agents."""

    guichet: str
    nom: str
    nombre: int
    par_agent: tuple[tuple[str, int], ...]


def compter_forcages(
    uow: UnitOfWork, acteur: Acteur, *, territoire: str, du: date, au: date
) -> list[ForcagesGuichet]:
    """Forced duplicates per guichet of ``territoire`` between ``du`` and ``au`` (inclusive)."""
    acteur.exiger("suivre_doublons_forces", territoire)
    if au < du:
        raise SneError("La fin de la période précède son début.", code="PERIODE_INVALIDE")
    with uow:
        lignes = uow.session.execute(
            select(Guichet.code, Guichet.nom, Utilisateur.login, func.count(DoublonForce.id))
            .select_from(DoublonForce)
            .join(Guichet, Guichet.id == DoublonForce.guichet_id)
            .outerjoin(Utilisateur, Utilisateur.id == DoublonForce.agent_id)
            .where(
                DoublonForce.territoire_code == territoire,
                DoublonForce.jour >= du,
                DoublonForce.jour <= au,
            )
            .group_by(Guichet.code, Guichet.nom, Utilisateur.login)
        ).all()
    par_guichet: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for code, nom, login, nombre in lignes:
        par_guichet[(code, nom)].append((login or "?", int(nombre)))
    resultat = [
        ForcagesGuichet(
            guichet=code,
            nom=nom,
            nombre=sum(n for _, n in agents),
            par_agent=tuple(sorted(agents, key=lambda a: (-a[1], a[0]))),
        )
        for (code, nom), agents in par_guichet.items()
    ]
    return sorted(resultat, key=lambda f: (-f.nombre, f.guichet))
