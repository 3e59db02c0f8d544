"""Helpers of the API tests: a token created through the service, and its headers."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sne.services import jetons
from tests.conftest import JOUR
from tests.factories import Referentiel

_cles = itertools.count(1)


def creer_jeton(
    ref: Referentiel,
    *,
    portees: tuple[str, ...] = ("lecture", "ecriture", "pieces"),
    expire_le: date | None = None,
    plages_ip: str | None = None,
    agent: str | None = None,
) -> jetons.JetonCree:
    """A token of the referential's guichet, created by its territorial manager."""
    return jetons.creer(
        ref.uow(),
        ref.gestionnaire,
        nom="Logiciel du bailleur",
        agent=agent or ref.agent.login,
        portees=list(portees),
        expire_le=expire_le or JOUR + timedelta(days=90),
        aujourd_hui=JOUR,
        plages_ip=plages_ip,
    )


def entetes(secret: str, *, cle: str | None = None, **autres: str) -> dict[str, str]:
    """Bearer header, and a fresh Idempotency-Key unless ``cle`` is given."""
    return {
        "Authorization": f"Bearer {secret}",
        "Idempotency-Key": cle or f"cle-{next(_cles)}",
        **autres,
    }
