"""accounts signing in on the portals: failed attempts, temporary lock, forced change, session token

Revision ID: e1a6b7c8d9f0
Revises: d0f5a6b7c8e9
Create Date: 2026-12-02 13:00:00

Accounts that existed before keep their password without a forced change;
accounts created from now on must change the password someone else chose.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "e1a6b7c8d9f0"
down_revision = "d0f5a6b7c8e9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("utilisateur") as batch_op:
        batch_op.add_column(
            sa.Column("echecs_connexion", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("verrouille_jusqua", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "mot_de_passe_a_changer",
                sa.Boolean(),
                nullable=False,
                server_default=sa.text("false"),
            )
        )
        batch_op.add_column(sa.Column("jeton_session", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("derniere_connexion", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("utilisateur") as batch_op:
        batch_op.drop_column("derniere_connexion")
        batch_op.drop_column("jeton_session")
        batch_op.drop_column("mot_de_passe_a_changer")
        batch_op.drop_column("verrouille_jusqua")
        batch_op.drop_column("echecs_connexion")
