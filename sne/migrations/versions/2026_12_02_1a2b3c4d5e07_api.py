"""web-service API: the guichets' tokens, the trace of every call, idempotent replies

Revision ID: 1a2b3c4d5e07
Revises: 1a2b3c4d5e06
Create Date: 2026-12-02 17:00:00

Tokens keep only the SHA-256 of their secret. Idempotent replies are kept so a
retried POST gets the first reply instead of registering twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e07"
down_revision = "1a2b3c4d5e06"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jeton_api",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefixe", sa.String(length=16), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        sa.Column("nom", sa.String(length=100), nullable=False),
        sa.Column("guichet_id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("portees", sa.String(length=60), nullable=False),
        sa.Column("plages_ip", sa.Text(), nullable=True),
        sa.Column("expire_le", sa.Date(), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.Column("cree_par_id", sa.Integer(), nullable=True),
        sa.Column("revoque_le", sa.DateTime(), nullable=True),
        sa.Column("revoque_par_id", sa.Integer(), nullable=True),
        sa.Column("averti_le", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guichet_id"], ["guichet.id"], name=op.f("fk_jeton_api_guichet_id_guichet")
        ),
        sa.ForeignKeyConstraint(
            ["utilisateur_id"],
            ["utilisateur.id"],
            name=op.f("fk_jeton_api_utilisateur_id_utilisateur"),
        ),
        sa.ForeignKeyConstraint(
            ["cree_par_id"], ["utilisateur.id"], name=op.f("fk_jeton_api_cree_par_id_utilisateur")
        ),
        sa.ForeignKeyConstraint(
            ["revoque_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_jeton_api_revoque_par_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jeton_api")),
        sa.UniqueConstraint("prefixe", name=op.f("uq_jeton_api_prefixe")),
    )
    op.create_index(op.f("ix_jeton_api_guichet_id"), "jeton_api", ["guichet_id"])
    op.create_table(
        "appel_api",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("jeton_id", sa.Integer(), nullable=False),
        sa.Column("guichet_id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("methode", sa.String(length=8), nullable=False),
        sa.Column("chemin", sa.String(length=300), nullable=False),
        sa.Column("statut", sa.Integer(), nullable=False),
        sa.Column("adresse", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["jeton_id"], ["jeton_api.id"], name=op.f("fk_appel_api_jeton_id_jeton_api")
        ),
        sa.ForeignKeyConstraint(
            ["guichet_id"], ["guichet.id"], name=op.f("fk_appel_api_guichet_id_guichet")
        ),
        sa.ForeignKeyConstraint(
            ["utilisateur_id"],
            ["utilisateur.id"],
            name=op.f("fk_appel_api_utilisateur_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appel_api")),
    )
    op.create_index(op.f("ix_appel_api_at"), "appel_api", ["at"])
    op.create_index("ix_appel_api_jeton_at", "appel_api", ["jeton_id", "at"])
    op.create_table(
        "reponse_idempotente",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jeton_id", sa.Integer(), nullable=False),
        sa.Column("cle", sa.String(length=200), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        sa.Column("statut", sa.Integer(), nullable=True),
        sa.Column("type_contenu", sa.String(length=100), nullable=True),
        sa.Column("corps", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jeton_id"], ["jeton_api.id"], name=op.f("fk_reponse_idempotente_jeton_id_jeton_api")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reponse_idempotente")),
        sa.UniqueConstraint("jeton_id", "cle", name=op.f("uq_reponse_idempotente_jeton_id")),
    )
    op.create_index(
        op.f("ix_reponse_idempotente_created_at"), "reponse_idempotente", ["created_at"]
    )


def downgrade() -> None:
    op.drop_table("reponse_idempotente")
    op.drop_table("appel_api")
    op.drop_table("jeton_api")
