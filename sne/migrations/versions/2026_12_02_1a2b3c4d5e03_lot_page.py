"""operators' decisions on the orphan and unreadable pages of a lot (``lot_page``)

Revision ID: 1a2b3c4d5e03
Revises: 1a2b3c4d5e08
Create Date: 2026-12-02 16:45:00

A page the splitter could not place (before any separator, or unreadable) is
either set aside with a reason or added to a dossier by an operator; the page
stays in the lot's original file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e03"
down_revision = "1a2b3c4d5e08"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lot_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("statut", sa.String(length=12), nullable=False),
        sa.Column("dossier_index", sa.Integer(), nullable=True),
        sa.Column("motif", sa.Text(), nullable=True),
        sa.Column("decide_par_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "statut IN ('mise_de_cote', 'ajoutee')", name=op.f("ck_lot_page_statut_connu")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lot.id"], name=op.f("fk_lot_page_lot_id_lot"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decide_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_lot_page_decide_par_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_page")),
        sa.UniqueConstraint("lot_id", "index", name=op.f("uq_lot_page_lot_id")),
    )
    op.create_index(op.f("ix_lot_page_lot_id"), "lot_page", ["lot_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_lot_page_lot_id"), table_name="lot_page")
    op.drop_table("lot_page")
