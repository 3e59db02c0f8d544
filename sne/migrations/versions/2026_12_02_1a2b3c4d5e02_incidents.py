"""incident reports (fiches incident) of guichets about the digitisation service

Revision ID: 1a2b3c4d5e02
Revises: 1a2b3c4d5e03
Create Date: 2026-12-02 16:40:00

A guichet reports pieces sent and not processed, a deadline exceeded, pieces
misclassified, a notification not received, or something else, about one of its
envois, lots, demandes or pieces; the digitiser's operators answer and close it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e02"
down_revision = "1a2b3c4d5e03"  # main's head when this branch was rebased
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territoire_code", sa.String(length=3), nullable=False),
        sa.Column("guichet_id", sa.Integer(), nullable=False),
        sa.Column("nature", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("envoi_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("demande_id", sa.Integer(), nullable=True),
        sa.Column("piece_id", sa.Integer(), nullable=True),
        sa.Column("statut", sa.String(length=8), nullable=False),
        sa.Column("cree_par_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reponse", sa.Text(), nullable=True),
        sa.Column("repondu_par_id", sa.Integer(), nullable=True),
        sa.Column("repondu_le", sa.DateTime(), nullable=True),
        sa.Column("nb_reponses", sa.Integer(), nullable=False),
        sa.Column("clos_le", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "statut IN ('ouvert', 'repondu', 'clos')", name=op.f("ck_incident_statut_connu")
        ),
        sa.CheckConstraint(
            "nature IN ('pieces_non_traitees', 'delai_depasse', 'pieces_mal_classees', "
            "'notification_non_recue', 'autre')",
            name=op.f("ck_incident_nature_connue"),
        ),
        sa.ForeignKeyConstraint(
            ["territoire_code"],
            ["territoire.code"],
            name=op.f("fk_incident_territoire_code_territoire"),
        ),
        sa.ForeignKeyConstraint(
            ["guichet_id"], ["guichet.id"], name=op.f("fk_incident_guichet_id_guichet")
        ),
        sa.ForeignKeyConstraint(["envoi_id"], ["envoi.id"], name=op.f("fk_incident_envoi_id_envoi")),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_incident_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["demande_id"], ["demande.id"], name=op.f("fk_incident_demande_id_demande")
        ),
        sa.ForeignKeyConstraint(["piece_id"], ["piece.id"], name=op.f("fk_incident_piece_id_piece")),
        sa.ForeignKeyConstraint(
            ["cree_par_id"], ["utilisateur.id"], name=op.f("fk_incident_cree_par_id_utilisateur")
        ),
        sa.ForeignKeyConstraint(
            ["repondu_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_incident_repondu_par_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    op.create_index(
        "ix_incident_guichet_statut", "incident", ["guichet_id", "statut"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_incident_guichet_statut", table_name="incident")
    op.drop_table("incident")
