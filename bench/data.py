"""What the benchmarks draw: realistic households and names, and a ready territory.

The benchmarks reach the demo's household generator (``demo.donnees``) only
through this module, so a change there touches one import. The territory and
its accounts come from the test factory.
"""

from __future__ import annotations

from collections.abc import Callable

from demo.donnees import NOMS, PRENOMS_F, PRENOMS_M, foyer
from sne.uow import UnitOfWork
from tests.factories import Referentiel

__all__ = ["NOMS", "PRENOMS_F", "PRENOMS_M", "foyer", "territoire"]


def territoire(uow: Callable[[], UnitOfWork], code: str = "013") -> Referentiel:
    """Create territory ``code`` with two guichets and accounts of every role (``agent13``…)."""
    return Referentiel(uow, code)
