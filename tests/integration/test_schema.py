"""The migrated schema: built by Alembic alike on both backends; the history is append-only."""

import pytest
from sqlalchemy import Engine, delete, inspect, select, update
from sqlalchemy.exc import DBAPIError

from sne.db import Base
from sne.models import Historique
from sne.services import demandes
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def test_migrations_create_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_history_rows_cannot_be_deleted_nor_rewritten(ref: Referentiel) -> None:
    demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    with ref.uow() as uow, pytest.raises(DBAPIError, match="ajout seul"):
        uow.session.execute(delete(Historique))
    with ref.uow() as uow, pytest.raises(DBAPIError, match="ajout seul"):
        uow.session.execute(update(Historique).values(action="effacement"))
    with ref.uow() as uow:
        assert uow.session.scalars(select(Historique.action)).all()
