"""The SNE's disability lists on the demande, the DALO typology on an attribution

Revision ID: 1a2b3c4d5e12
Revises: 1a2b3c4d5e10
Create Date: 2026-12-03 07:40:00

New columns only (nullable, or an empty list): the « Complément handicap »
codes (état, capacité de marche, nature motrice and sensorielle) and lists
(aides techniques, équipements) of ``sne.codes``, and ``typologie_dalo`` on a
radiation. Nothing stored maps to them (the two booleans say neither which
aid nor which equipment), so no row is rewritten; the downgrade drops them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e12"
down_revision = "1a2b3c4d5e10"
branch_labels = None
depends_on = None


def _liste(nom: str) -> sa.Column[Any]:
    return sa.Column(nom, sa.JSON(), nullable=False, server_default=sa.text("'[]'"))


def _colonnes() -> tuple[tuple[str, tuple[sa.Column[Any], ...]], ...]:
    return (
        (
            "demande",
            (
                sa.Column("handicap_etat", sa.String(length=3), nullable=True),
                sa.Column("handicap_capacite_marche", sa.String(length=1), nullable=True),
                sa.Column("handicap_moteur", sa.String(length=2), nullable=True),
                sa.Column("handicap_sensoriel", sa.String(length=2), nullable=True),
                _liste("handicap_aides_techniques"),
                _liste("handicap_equipements"),
            ),
        ),
        ("radiation", (sa.Column("typologie_dalo", sa.String(length=2), nullable=True),)),
    )


def upgrade() -> None:
    for table, colonnes in _colonnes():
        for colonne in colonnes:
            op.add_column(table, colonne)


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 too): a batch copy of ``demande``
    # would drop the table, and its radiations with it (ON DELETE CASCADE).
    for table, colonnes in _colonnes():
        for colonne in reversed(colonnes):
            op.drop_column(table, colonne.name)
