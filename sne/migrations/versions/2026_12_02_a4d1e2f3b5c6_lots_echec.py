"""batches that fail, are closed by an operator (status ``clos``, its reason) or were never queued

Revision ID: a4d1e2f3b5c6
Revises: f2b7c8d9e0a1
Create Date: 2026-12-02 14:00:00

A batch whose processing failed stays ``erreur`` with its French reason until an
operator re-runs it or closes it (``clos``) with a reason, which is kept.
``mis_en_file_le`` says when a lot's job was queued: a lot recorded while the
queue was unreachable has none, and is queued by the sweep or a new deposit.
Lots recorded before this revision count as queued.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "a4d1e2f3b5c6"
down_revision = "f2b7c8d9e0a1"
branch_labels = None
depends_on = None

ANCIENS = "statut IN ('recu', 'en_cours', 'traite', 'a_revoir', 'erreur')"
STATUTS = "statut IN ('recu', 'en_cours', 'traite', 'a_revoir', 'erreur', 'clos')"


def upgrade() -> None:
    with op.batch_alter_table("lot") as batch_op:
        batch_op.add_column(sa.Column("motif_cloture", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("mis_en_file_le", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f("ck_lot_statut_connu"), type_="check")
        batch_op.create_check_constraint("statut_connu", STATUTS)
    op.execute("UPDATE lot SET mis_en_file_le = created_at")


def downgrade() -> None:
    with op.batch_alter_table("lot") as batch_op:
        batch_op.drop_constraint(op.f("ck_lot_statut_connu"), type_="check")
        batch_op.create_check_constraint("statut_connu", ANCIENS)
        batch_op.drop_column("mis_en_file_le")
        batch_op.drop_column("motif_cloture")
