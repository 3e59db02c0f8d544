"""demandes filed online: drafts kept between steps, and the identity piece to verify

Revision ID: 1a2b3c4d5e10
Revises: 1a2b3c4d5e04
Create Date: 2026-12-03 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "1a2b3c4d5e10"
down_revision = "1a2b3c4d5e04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brouillon_demande",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("contenu", sa.JSON(), nullable=False),
        sa.Column("etape", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compte_id"],
            ["compte_demandeur.id"],
            name=op.f("fk_brouillon_demande_compte_id_compte_demandeur"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brouillon_demande")),
        sa.UniqueConstraint("compte_id", name=op.f("uq_brouillon_demande_compte_id")),
    )
    op.create_index(
        op.f("ix_brouillon_demande_updated_at"), "brouillon_demande", ["updated_at"]
    )
    op.create_table(
        "demande_en_ligne",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demande_id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("type_piece", sa.String(length=40), nullable=False),
        sa.Column("verification", sa.String(length=12), nullable=False),
        sa.Column("motif", sa.String(length=500), nullable=True),
        sa.Column("verifie_par", sa.String(length=100), nullable=True),
        sa.Column("verifie_le", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demande_id"],
            ["demande.id"],
            name=op.f("fk_demande_en_ligne_demande_id_demande"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["compte_id"],
            ["compte_demandeur.id"],
            name=op.f("fk_demande_en_ligne_compte_id_compte_demandeur"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lot.id"], name=op.f("fk_demande_en_ligne_lot_id_lot"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demande_en_ligne")),
        sa.UniqueConstraint("demande_id", name=op.f("uq_demande_en_ligne_demande_id")),
    )
    op.create_index(
        op.f("ix_demande_en_ligne_verification"), "demande_en_ligne", ["verification"]
    )


def downgrade() -> None:
    op.drop_table("demande_en_ligne")
    op.drop_table("brouillon_demande")
