"""The guichets of a territory, as the public and the manager's forms list them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sne import codes
from sne.models import Guichet
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class GuichetPublic:
    """A guichet as shown to the public: where to go to register or renew."""

    code: str
    nom: str
    type_libelle: str
    adresse: tuple[str, ...]


def lister(uow: UnitOfWork, territoire: str) -> list[GuichetPublic]:
    """The open guichets of ``territoire`` (public data: no actor needed), by name."""
    with uow:
        guichets = uow.session.scalars(
            select(Guichet)
            .where(Guichet.territoire_code == territoire, Guichet.actif.is_(True))
            .order_by(Guichet.nom)
        )
        return [
            GuichetPublic(
                code=g.code,
                nom=g.nom,
                type_libelle=codes.libelle(codes.TYPE_GUICHET, g.type),
                adresse=tuple(
                    ligne.strip() for ligne in (g.adresse or "").splitlines() if ligne.strip()
                ),
            )
            for g in guichets
        ]
