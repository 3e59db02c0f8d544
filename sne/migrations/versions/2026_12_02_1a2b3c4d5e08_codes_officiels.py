"""Official code lists stored as the SNE spells them (ZUS/QPV, collective agreement, links, RPLS)

Revision ID: 1a2b3c4d5e08
Revises: 1a2b3c4d5e00
Create Date: 2026-12-02 16:45:00

Stored codes become those of the official lists, so interfaceNuu files carry
them unchanged:

- ``radiation.logement_zus_qpv``: OUI, NON, NSP → ZUSOUI, ZUSNON, ZUSNSP;
- ``radiation.accord_collectif``: a boolean → a code: true → ACD (the
  departmental agreement, the one every département has; an intercommunal one
  could not be told apart), false → AUCUN, unknown stays empty;
- ``radiation.logement_typologie``: the RPLS list has no room: C → T1;
- ``personne.lien`` of everyone but the co-holder (whose M, P, C, L are
  official already): ENF → E, ASC → P, COL and AUT → A.

Downgrade gives the former codes back; what the old lists could not say is
folded: ACI → true, NONDOC → empty, A → AUT, civilité 3 (Mademoiselle, read
from old files) → 2, and a T1 stays T1. History lines keep the codes they
recorded (the history is append-only).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "1a2b3c4d5e08"
down_revision = "1a2b3c4d5e00"
branch_labels = None
depends_on = None

ZUS = (("OUI", "ZUSOUI"), ("NON", "ZUSNON"), ("NSP", "ZUSNSP"))
LIEN = (("ENF", "E"), ("ASC", "P"), ("COL", "A"), ("AUT", "A"))
LIEN_RETOUR = (("E", "ENF"), ("P", "ASC"), ("A", "AUT"))
#: Persons whose ``lien`` is a ``lienParente`` code (the co-holder's is ``lienDemandeur``).
PARENTE = "role <> 'cotitulaire'"


def _recoder(table: str, colonne: str, paires: tuple[tuple[str, str], ...], ou: str = "") -> None:
    """Rewrite each old code of ``table.colonne`` as its new one."""
    filtre = f" AND {ou}" if ou else ""
    for ancien, nouveau in paires:
        op.execute(
            sa.text(
                f"UPDATE {table} SET {colonne} = :nouveau WHERE {colonne} = :ancien{filtre}"
            ).bindparams(ancien=ancien, nouveau=nouveau)
        )


def _remplacer_accord(nouveau_type: sa.types.TypeEngine[Any], conversion: str) -> None:
    """Replace ``radiation.accord_collectif`` by a column of ``nouveau_type`` filled by ``conversion``."""
    with op.batch_alter_table("radiation") as batch_op:
        batch_op.add_column(sa.Column("accord_collectif_nouveau", nouveau_type, nullable=True))
    op.execute(f"UPDATE radiation SET accord_collectif_nouveau = {conversion}")
    with op.batch_alter_table("radiation") as batch_op:
        batch_op.drop_column("accord_collectif")
        batch_op.alter_column("accord_collectif_nouveau", new_column_name="accord_collectif")


def upgrade() -> None:
    with op.batch_alter_table("radiation") as batch_op:
        batch_op.alter_column(
            "logement_zus_qpv", type_=sa.String(length=6), existing_type=sa.String(length=3)
        )
    _recoder("radiation", "logement_zus_qpv", ZUS)
    _recoder("radiation", "logement_typologie", (("C", "T1"),))
    _recoder("personne", "lien", LIEN, PARENTE)
    _remplacer_accord(
        sa.String(length=6),
        "CASE WHEN accord_collectif THEN 'ACD' WHEN NOT accord_collectif THEN 'AUCUN' END",
    )


def downgrade() -> None:
    _remplacer_accord(
        sa.Boolean(),
        "CASE WHEN accord_collectif IN ('ACD', 'ACI') THEN true "
        "WHEN accord_collectif = 'AUCUN' THEN false END",
    )
    _recoder("personne", "lien", LIEN_RETOUR, PARENTE)
    _recoder("personne", "civilite", (("3", "2"),))
    _recoder("radiation", "logement_zus_qpv", tuple((new, old) for old, new in ZUS))
    with op.batch_alter_table("radiation") as batch_op:
        batch_op.alter_column(
            "logement_zus_qpv", type_=sa.String(length=3), existing_type=sa.String(length=6)
        )
