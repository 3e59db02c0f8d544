"""Forced duplicates counted per guichet over a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    func,
    select,
)

from sne.acteurs import Acteur
from sne.errors import SneError
from sne.models import (
    Demande,
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


#: A guichet is flagged when it forces at least this many duplicates over the period…
FORCAGES_MIN_ALERTE = 3
#: …at a rate (forced / registered) at least this many times the territory's.
FACTEUR_ALERTE = 2


@dataclass(frozen=True)
class Forcage:
    """One forced duplicate and its justification."""

    jour: date
    numero: str
    agent: str | None
    justification: str


@dataclass(frozen=True)
class TauxGuichet:
    """A guichet's forced duplicates over a period, against its registrations."""

    guichet: str
    nom: str
    forcages: int
    enregistrements: int
    anormal: bool
    justifications: tuple[Forcage, ...]

    @property
    def taux(self) -> float:
        return self.forcages / self.enregistrements if self.enregistrements else 0.0


@dataclass(frozen=True)
class SuiviForcages:
    """The territory's forcing rate and each guichet's, abnormal ones flagged."""

    du: date
    au: date
    taux_territoire: float
    guichets: list[TauxGuichet]


def suivre_forcages(
    uow: UnitOfWork, acteur: Acteur, *, territoire: str, du: date, au: date
) -> SuiviForcages:
    """Per guichet: forced duplicates with their justifications, registrations, abnormal rate.

    A guichet is abnormal when it forced ``FORCAGES_MIN_ALERTE`` or more and its rate
    is ``FACTEUR_ALERTE`` times the territory's or more (few forcings prove nothing).
    """
    acteur.exiger("suivre_doublons_forces", territoire)
    if au < du:
        raise SneError("La fin de la période précède son début.", code="PERIODE_INVALIDE")
    debut, fin = datetime.combine(du, time.min), datetime.combine(au + timedelta(days=1), time.min)
    with uow:
        enregistrements = dict(
            uow.session.execute(
                select(Demande.guichet_id, func.count(Demande.id))
                .where(
                    Demande.territoire_code == territoire,
                    Demande.created_at >= debut,
                    Demande.created_at < fin,
                )
                .group_by(Demande.guichet_id)
            )
            .tuples()
            .all()
        )
        forces: dict[int, list[Forcage]] = defaultdict(list)
        for guichet_id, jour, numero, login, justification in uow.session.execute(
            select(
                DoublonForce.guichet_id,
                DoublonForce.jour,
                Demande.numero,
                Utilisateur.login,
                DoublonForce.justification,
            )
            .join(Demande, Demande.id == DoublonForce.demande_id)
            .outerjoin(Utilisateur, Utilisateur.id == DoublonForce.agent_id)
            .where(
                DoublonForce.territoire_code == territoire,
                DoublonForce.jour >= du,
                DoublonForce.jour <= au,
            )
            .order_by(DoublonForce.jour, DoublonForce.id)
        ):
            forces[guichet_id].append(Forcage(jour, numero, login, justification))
        guichets = uow.session.execute(
            select(Guichet.id, Guichet.code, Guichet.nom).where(
                Guichet.territoire_code == territoire
            )
        ).all()
    total_forces = sum(len(f) for f in forces.values())
    total_enregistrements = sum(enregistrements.values())
    taux = total_forces / total_enregistrements if total_enregistrements else 0.0
    lignes = []
    for ident, code, nom in guichets:
        liste, nombre = forces.get(ident, []), enregistrements.get(ident, 0)
        rate = len(liste) / nombre if nombre else 0.0
        anormal = len(liste) >= FORCAGES_MIN_ALERTE and rate >= FACTEUR_ALERTE * taux
        if liste or nombre:
            lignes.append(TauxGuichet(code, nom, len(liste), nombre, anormal, tuple(liste)))
    lignes.sort(key=lambda g: (not g.anormal, -g.taux, g.guichet))
    return SuiviForcages(du, au, taux, lignes)
