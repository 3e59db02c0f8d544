"""applicants' uploads: a lot for one demande, with the piece type the applicant declared

Revision ID: d0f5a6b7c8e9
Revises: c9e4f5a6b7d8
Create Date: 2026-11-28 09:00:00

A piece uploaded on the public portal is taken in like a batch (original kept by
hash, channel ``portail_demandeur``, reception time, due date, progress and
notification), but it names its demande itself instead of carrying a separator.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'd0f5a6b7c8e9'
down_revision = 'c9e4f5a6b7d8'
branch_labels = None
depends_on = None

ANCIENS = "canal IN ('courrier_guichet', 'courrier_demandeur', 'depot_professionnel')"
CANAUX = (
    "canal IN ('courrier_guichet', 'courrier_demandeur', 'depot_professionnel', "
    "'portail_demandeur')"
)


def upgrade() -> None:
    with op.batch_alter_table('lot') as batch_op:
        batch_op.add_column(sa.Column('numero', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('type_declare', sa.String(length=40), nullable=True))
        batch_op.drop_constraint(op.f('ck_lot_canal_connu'), type_='check')
        batch_op.create_check_constraint('canal_connu', CANAUX)


def downgrade() -> None:
    with op.batch_alter_table('lot') as batch_op:
        batch_op.drop_constraint(op.f('ck_lot_canal_connu'), type_='check')
        batch_op.create_check_constraint('canal_connu', ANCIENS)
        batch_op.drop_column('type_declare')
        batch_op.drop_column('numero')
