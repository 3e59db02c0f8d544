"""indicators snapshot (indicateur_mois, releve_indicateurs) and CUS quartile thresholds

Revision ID: 1a2b3c4d5e06
Revises: 1a2b3c4d5e02
Create Date: 2026-12-02 16:40:00

The daily run fills ``indicateur_mois`` (one row per territory, guichet, month,
indicator and key) and records when in ``releve_indicateurs``; the territorial
manager enters each EPCI's yearly first-quartile threshold in ``seuil_quartile``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e06"
down_revision = "1a2b3c4d5e02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicateur_mois",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territoire_code", sa.String(3), nullable=False),
        sa.Column("guichet_id", sa.Integer(), nullable=True),
        sa.Column("mois", sa.String(7), nullable=False),
        sa.Column("indicateur", sa.String(30), nullable=False),
        sa.Column("cle", sa.String(30), nullable=False),
        sa.Column("nombre", sa.Integer(), nullable=False),
        sa.Column("somme", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["territoire_code"],
            ["territoire.code"],
            name=op.f("fk_indicateur_mois_territoire_code_territoire"),
        ),
        sa.ForeignKeyConstraint(
            ["guichet_id"], ["guichet.id"], name=op.f("fk_indicateur_mois_guichet_id_guichet")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicateur_mois")),
    )
    op.create_index(
        "ix_indicateur_mois_territoire_mois",
        "indicateur_mois",
        ["territoire_code", "mois", "indicateur"],
    )
    op.create_table(
        "releve_indicateurs",
        sa.Column("territoire_code", sa.String(3), nullable=False),
        sa.Column("jour", sa.Date(), nullable=False),
        sa.Column("calcule_le", sa.DateTime(), nullable=False),
        sa.Column("duree_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territoire_code"],
            ["territoire.code"],
            name=op.f("fk_releve_indicateurs_territoire_code_territoire"),
        ),
        sa.PrimaryKeyConstraint("territoire_code", name=op.f("pk_releve_indicateurs")),
    )
    op.create_table(
        "seuil_quartile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territoire_code", sa.String(3), nullable=False),
        sa.Column("annee", sa.Integer(), nullable=False),
        sa.Column("epci_code", sa.String(9), nullable=False),
        sa.Column("epci_nom", sa.String(200), nullable=False),
        sa.Column("seuil", sa.Numeric(10, 2), nullable=False),
        sa.Column("codes_postaux", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territoire_code"],
            ["territoire.code"],
            name=op.f("fk_seuil_quartile_territoire_code_territoire"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seuil_quartile")),
        sa.UniqueConstraint(
            "territoire_code",
            "annee",
            "epci_code",
            name=op.f("uq_seuil_quartile_territoire_code"),
        ),
    )


def downgrade() -> None:
    op.drop_table("seuil_quartile")
    op.drop_table("releve_indicateurs")
    op.drop_index("ix_indicateur_mois_territoire_mois", table_name="indicateur_mois")
    op.drop_table("indicateur_mois")
