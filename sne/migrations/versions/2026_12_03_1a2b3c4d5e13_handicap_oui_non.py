"""The demande's two disability questions as the official OUI / NON / NONDOC codes

Revision ID: 1a2b3c4d5e13
Revises: 1a2b3c4d5e12
Create Date: 2026-12-03 10:30:00

``handicap_logement_adapte`` and ``handicap_fauteuil_roulant`` were booleans
behind a check box: ticked is ``OUI``; unticked never said « non », so it
becomes ``NONDOC`` (non renseigné) and an agent or the applicant answers ``NON``
from now on. The downgrade gives back ``true`` for ``OUI`` and ``false`` otherwise.
Each column is replaced by a new one (add, copy, drop, rename): a batch copy of
``demande`` on SQLite would drop the table, and its radiations with it
(ON DELETE CASCADE).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e13"
down_revision = "1a2b3c4d5e12"
branch_labels = None
depends_on = None

COLONNES = ("handicap_logement_adapte", "handicap_fauteuil_roulant")


def _remplacer(colonne: str, nouvelle: sa.Column[Any], valeur: str) -> None:
    """Replace ``colonne`` of ``demande`` by ``nouvelle``, filled with the SQL ``valeur``."""
    op.add_column("demande", nouvelle)
    op.execute(f"UPDATE demande SET {nouvelle.name} = {valeur}")
    op.drop_column("demande", colonne)
    op.execute(f"ALTER TABLE demande RENAME COLUMN {nouvelle.name} TO {colonne}")


def upgrade() -> None:
    for colonne in COLONNES:
        _remplacer(
            colonne,
            sa.Column(
                f"{colonne}_code", sa.String(length=6), nullable=False, server_default="NONDOC"
            ),
            f"CASE WHEN {colonne} THEN 'OUI' ELSE 'NONDOC' END",
        )


def downgrade() -> None:
    for colonne in COLONNES:
        _remplacer(
            colonne,
            sa.Column(f"{colonne}_bool", sa.Boolean(), nullable=False, server_default=sa.false()),
            f"CASE WHEN {colonne} = 'OUI' THEN true ELSE false END",
        )
