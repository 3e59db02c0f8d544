"""notification body: the French text written when the notification is prepared

Revision ID: b8d2e3f4a5c6
Revises: a7c1d2e3f4b5
Create Date: 2026-11-26 09:00:00

The mail's text is composed once, from the committed outcome of the batch, and
kept with the notification: a retried send sends exactly what was prepared.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'b8d2e3f4a5c6'
down_revision = 'a7c1d2e3f4b5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification') as batch_op:
        batch_op.add_column(sa.Column('corps', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_column('corps')
