"""the guichet's demandes by status and expiry: one index serves the worklist

Revision ID: 1a2b3c4d5e00
Revises: a4d1e2f3b5c6
Create Date: 2026-12-02 16:40:00

The agent's worklist counts and lists the guichet's active demandes expiring
within a month. The territory index made PostgreSQL visit every demande of the
territory in that month (about 16,000 at 200,000 demandes) and filter by guichet;
``(guichet_id, statut, date_expiration)`` reaches them directly, and replaces the
plain ``guichet_id`` index, which is its prefix.
"""

from __future__ import annotations

from alembic import op


revision = "1a2b3c4d5e00"
down_revision = "a4d1e2f3b5c6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("demande") as batch_op:
        batch_op.create_index(
            "ix_demande_guichet_statut_expiration",
            ["guichet_id", "statut", "date_expiration"],
            unique=False,
        )
        batch_op.drop_index(batch_op.f("ix_demande_guichet_id"))


def downgrade() -> None:
    with op.batch_alter_table("demande") as batch_op:
        batch_op.create_index(batch_op.f("ix_demande_guichet_id"), ["guichet_id"], unique=False)
        batch_op.drop_index("ix_demande_guichet_statut_expiration")
