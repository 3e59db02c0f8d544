"""The territorial sweep: every group of likely duplicates of a territory, ranked.

It groups the territory in SQL on the stored normalised keys, so Python only
compares persons already sharing a birth date and a name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    select,
)
from sqlalchemy.orm import Session

from sne import identite
from sne.acteurs import Acteur
from sne.identite import Correspondance, Identite
from sne.models import (
    TITULAIRES,
    Demande,
    Personne,
)
from sne.services.doublons.controle import ecrite
from sne.services.doublons.ecartes import paires_ecartees
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class MembreDoublon:
    """One demande of a group of probable duplicates."""

    numero: str
    date_depot: date
    personne: str
    role: str


@dataclass(frozen=True)
class Lien:
    """Why two demandes of a group are probably the same person's."""

    numero_a: str
    numero_b: str
    code: str
    motif: str
    confiance: float


@dataclass(frozen=True)
class GroupeDoublons:
    """Demandes probably held by one person; ``confiance`` is that of the surest link."""

    confiance: float
    code: str
    motif: str
    membres: tuple[MembreDoublon, ...]
    liens: tuple[Lien, ...]

    @property
    def numeros(self) -> list[str]:
        return [m.numero for m in self.membres]


@dataclass
class _Ligne:
    personne_id: int
    demande_id: int
    numero: str
    date_depot: date
    role: str
    nom: str
    prenoms: str
    naissance: date

    @property
    def identite(self) -> Identite:
        return Identite(self.nom, self.prenoms, self.naissance)


def _cle_naissance_sql() -> Any:
    """SQL twin of ``identite.cle_naissance``: year, then day and month in ascending order."""
    jour = cast(extract("day", Personne.date_naissance), Integer)
    mois = cast(extract("month", Personne.date_naissance), Integer)
    annee = cast(extract("year", Personne.date_naissance), Integer)
    return annee * 10_000 + case((mois <= jour, mois * 100 + jour), else_=jour * 100 + mois)


def balayer(uow: UnitOfWork, acteur: Acteur, territoire: str) -> list[GroupeDoublons]:
    """Every group of probable duplicates among the territory's active demandes, surest first.

    Three SQL groupings find the persons worth comparing: same identity key
    and birth date up to a day/month swap; same birth date and first names
    (a typing error in the name); same birth date and name (one in the first
    names). Python then compares only inside those small blocks. Pairs a manager
    judged "not the same person" (``ecartes``) are left out.
    """
    acteur.exiger("balayer_doublons", territoire)
    with uow:
        session = uow.session
        base = [
            Demande.territoire_code == territoire,
            Demande.statut == "active",
            TITULAIRES,
            Personne.cle_identite.is_not(None),
            Personne.date_naissance.is_not(None),
        ]
        blocages = [
            (Personne.cle_identite, _cle_naissance_sql()),
            (Personne.date_naissance, Personne.cle_prenoms),
            (Personne.date_naissance, Personne.cle_nom),
        ]
        liens: dict[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]] = {}
        for cles in blocages:
            for bloc in _blocs(session, base, cles):
                _comparer_bloc(bloc, liens)
        ecartees = paires_ecartees(session, territoire)
        gardes = {
            cle: lien
            for cle, lien in liens.items()
            if (lien[0].demande_id, lien[1].demande_id) not in ecartees
        }
        return _grouper(gardes)


def _blocs(session: Session, base: list[Any], cles: tuple[Any, Any]) -> list[list[_Ligne]]:
    """The persons sharing both ``cles`` with a person of another demande, block by block."""
    a, b = (c.label(f"k{i}") for i, c in enumerate(cles))
    groupes = (
        select(a, b)
        .select_from(Personne)
        .join(Demande, Demande.id == Personne.demande_id)
        .where(*base)
        .group_by(*cles)
        .having(func.count(func.distinct(Personne.demande_id)) > 1)
        .subquery()
    )
    query = (
        select(
            Personne.id,
            Personne.demande_id,
            Demande.numero,
            Demande.date_depot,
            Personne.role,
            Personne.nom_naissance,
            Personne.prenoms,
            Personne.date_naissance,
            cles[0],
            cles[1],
        )
        .join(Demande, Demande.id == Personne.demande_id)
        .join(groupes, and_(cles[0] == groupes.c.k0, cles[1] == groupes.c.k1))
        .where(*base)
    )
    blocs: dict[tuple[Any, Any], list[_Ligne]] = defaultdict(list)
    for pid, did, numero, depot, role, nom, prenoms, naissance, k0, k1 in session.execute(query):
        blocs[(k0, k1)].append(_Ligne(pid, did, numero, depot, role, nom, prenoms, naissance))
    return list(blocs.values())


def _comparer_bloc(
    bloc: list[_Ligne], liens: dict[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]]
) -> None:
    for i, a in enumerate(bloc):
        for b in bloc[i + 1 :]:
            if a.demande_id == b.demande_id:
                continue
            premier, second = (a, b) if a.demande_id < b.demande_id else (b, a)
            cle = (premier.personne_id, second.personne_id)
            if cle in liens:
                continue
            correspondance = identite.comparer(premier.identite, second.identite)
            if correspondance is not None:
                liens[cle] = (premier, second, correspondance)


def _grouper(
    liens: Mapping[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]],
) -> list[GroupeDoublons]:
    """Join linked demandes into groups (union-find) and rank them by confidence."""
    parent: dict[int, int] = {}

    def racine(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    membres: dict[int, _Ligne] = {}
    for a, b, _ in liens.values():
        membres.setdefault(a.demande_id, a)
        membres.setdefault(b.demande_id, b)
        parent[racine(a.demande_id)] = racine(b.demande_id)
    par_groupe: dict[int, list[tuple[_Ligne, _Ligne, Correspondance]]] = defaultdict(list)
    for a, b, correspondance in liens.values():
        par_groupe[racine(a.demande_id)].append((a, b, correspondance))
    demandes_du_groupe: dict[int, list[int]] = defaultdict(list)
    for demande_id in membres:
        demandes_du_groupe[racine(demande_id)].append(demande_id)
    groupes = []
    for racine_id, ses_liens in par_groupe.items():
        ids = sorted(
            demandes_du_groupe[racine_id],
            key=lambda d: (membres[d].date_depot, membres[d].numero),
        )
        ses_liens.sort(key=lambda t: -t[2].confiance)
        meilleur = ses_liens[0][2]
        groupes.append(
            GroupeDoublons(
                confiance=meilleur.confiance,
                code=meilleur.code,
                motif=meilleur.motif,
                membres=tuple(
                    MembreDoublon(
                        numero=membres[d].numero,
                        date_depot=membres[d].date_depot,
                        personne=ecrite(membres[d].nom, membres[d].prenoms, membres[d].naissance),
                        role=membres[d].role,
                    )
                    for d in ids
                ),
                liens=tuple(
                    Lien(a.numero, b.numero, c.code, c.motif, c.confiance) for a, b, c in ses_liens
                ),
            )
        )
    groupes.sort(key=lambda g: (-g.confiance, g.membres[0].date_depot, g.membres[0].numero))
    return groupes
