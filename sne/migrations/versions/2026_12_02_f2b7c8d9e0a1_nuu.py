"""interfaceNuu as the real files write it: address structure, tax years, current housing, persons

Revision ID: f2b7c8d9e0a1
Revises: e1a6b7c8d9f0
Create Date: 2026-12-02 13:40:00

New columns only (all nullable or defaulting to false): what the real format
carries and the demande could not store (street number, INSEE code and
abroad flag of the address, tax years, current housing category, occupants
and ownership; per person sex, custody code, the co-holder's family situation
and tax income, the workplace's abroad flag, postal code and INSEE code).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "f2b7c8d9e0a1"
down_revision = "e1a6b7c8d9f0"
branch_labels = None
depends_on = None


def _faux(nom: str) -> sa.Column[bool]:
    return sa.Column(nom, sa.Boolean(), nullable=False, server_default=sa.text("false"))


def _demande() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("adresse_numero", sa.String(length=20), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        _faux("adresse_etranger"),
        sa.Column("revenu_fiscal_annee_n1", sa.Integer(), nullable=True),
        sa.Column("revenu_fiscal_annee_n2", sa.Integer(), nullable=True),
        sa.Column("logement_actuel_categorie", sa.String(length=1), nullable=True),
        sa.Column("logement_actuel_habitants", sa.Integer(), nullable=True),
        _faux("logement_actuel_proprietaire"),
    )


def _personne() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("sexe", sa.String(length=1), nullable=True),
        sa.Column("co_parentalite", sa.String(length=1), nullable=True),
        sa.Column("situation_familiale", sa.String(length=1), nullable=True),
        sa.Column("revenu_fiscal_annee_n1", sa.Integer(), nullable=True),
        sa.Column("revenu_fiscal_n1", sa.Integer(), nullable=True),
        sa.Column("revenu_fiscal_annee_n2", sa.Integer(), nullable=True),
        sa.Column("revenu_fiscal_n2", sa.Integer(), nullable=True),
        _faux("travail_etranger"),
        sa.Column("travail_code_postal", sa.String(length=5), nullable=True),
        sa.Column("travail_commune_insee", sa.String(length=5), nullable=True),
    )


def upgrade() -> None:
    for table, colonnes in (("demande", _demande()), ("personne", _personne())):
        with op.batch_alter_table(table) as batch_op:
            for colonne in colonnes:
                batch_op.add_column(colonne)


def downgrade() -> None:
    for table, colonnes in (("demande", _demande()), ("personne", _personne())):
        with op.batch_alter_table(table) as batch_op:
            for colonne in reversed(colonnes):
                batch_op.drop_column(colonne.name)
