"""sending due dates: when a prepared sending is received, and by when it must be processed

Revision ID: c9e4f5a6b7d8
Revises: b8d2e3f4a5c6
Create Date: 2026-11-27 09:00:00

A sending (envoi) is received when its bordereau is read in a batch: it then
carries the batch, the reception time and the same two-working-day due date,
and the day its lateness was alerted (once).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'c9e4f5a6b7d8'
down_revision = 'b8d2e3f4a5c6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('envoi') as batch_op:
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recu_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('echeance', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('alerte_retard_le', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_envoi_lot_id_lot', 'lot', ['lot_id'], ['id'])
        batch_op.create_index('ix_envoi_statut_echeance', ['statut', 'echeance'])


def downgrade() -> None:
    with op.batch_alter_table('envoi') as batch_op:
        batch_op.drop_index('ix_envoi_statut_echeance')
        batch_op.drop_constraint('fk_envoi_lot_id_lot', type_='foreignkey')
        batch_op.drop_column('alerte_retard_le')
        batch_op.drop_column('echeance')
        batch_op.drop_column('recu_le')
        batch_op.drop_column('lot_id')
