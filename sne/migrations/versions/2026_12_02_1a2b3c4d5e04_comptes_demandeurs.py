"""applicants' accounts on the public portal and their links to demandes

Revision ID: 1a2b3c4d5e04
Revises: 1a2b3c4d5e05
Create Date: 2026-12-02 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "1a2b3c4d5e04"
down_revision = "1a2b3c4d5e05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compte_demandeur",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("confirme_le", sa.DateTime(), nullable=True),
        sa.Column("jeton_session", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("derniere_connexion", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compte_demandeur")),
        sa.UniqueConstraint("email", name=op.f("uq_compte_demandeur_email")),
    )
    op.create_table(
        "lien_demande",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("demande_id", sa.Integer(), nullable=False),
        sa.Column("personne_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=200), nullable=True),
        sa.Column("code_expire_le", sa.DateTime(), nullable=True),
        sa.Column("essais", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("confirme_le", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compte_id"],
            ["compte_demandeur.id"],
            name=op.f("fk_lien_demande_compte_id_compte_demandeur"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demande_id"],
            ["demande.id"],
            name=op.f("fk_lien_demande_demande_id_demande"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["personne_id"],
            ["personne.id"],
            name=op.f("fk_lien_demande_personne_id_personne"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lien_demande")),
        sa.UniqueConstraint("compte_id", "demande_id", name=op.f("uq_lien_demande_compte_id")),
    )
    op.create_index(op.f("ix_lien_demande_compte_id"), "lien_demande", ["compte_id"])
    op.create_index(op.f("ix_lien_demande_demande_id"), "lien_demande", ["demande_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lien_demande_demande_id"), table_name="lien_demande")
    op.drop_index(op.f("ix_lien_demande_compte_id"), table_name="lien_demande")
    op.drop_table("lien_demande")
    op.drop_table("compte_demandeur")
