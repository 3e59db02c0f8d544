"""tamper-evident history: each line carries its chain, content fingerprint and hashes; préavis keep their address

Revision ID: 1a2b3c4d5e05
Revises: 1a2b3c4d5e07
Create Date: 2026-12-02 16:30:00

Adds ``chaine``, ``empreinte``, ``hash_precedent`` and ``hash`` to ``historique``
(see ``sne.chainage``), fills them for the lines already written (in id order,
chain by chain), then forbids rewriting them as the older columns already are.
``preavis.destinataire`` keeps the e-mail or postal address a préavis went to,
``preavis.courrier``/``courrier_page`` the PDF of letters a posted one was printed in,
``preavis.statut_envoi`` whether the mail server took an e-mailed one.
``doublon_ecarte`` keeps the pairs a manager judged "not the same person";
``guichet.horaires`` the opening hours shown to the public;
``utilisateur.jeton_activation`` the hash of a new account's single-use link.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from sne import chainage

revision = "1a2b3c4d5e05"
down_revision = "1a2b3c4d5e07"
branch_labels = None
depends_on = None

COLONNES = "chaine, empreinte, hash_precedent, hash"
LOT = 5000


def _remplir() -> None:
    """Chain the existing lines, oldest first (a migration runs alone: no concurrent writer)."""
    bind = op.get_bind()
    table = sa.table(
        "historique",
        sa.column("at", sa.DateTime()),
        sa.column("changements", sa.JSON()),
        *(
            sa.column(c)
            for c in ("id", *chainage.CHAMPS[1:], "justification", *COLONNES.split(", "))
        ),
    )
    derniers: dict[str, str] = {}
    dernier_id = 0
    while True:
        lignes = (
            bind.execute(
                sa.select(table).where(table.c.id > dernier_id).order_by(table.c.id).limit(LOT)
            )
            .mappings()
            .all()
        )
        if not lignes:
            return
        for ligne in lignes:
            _chainer(bind, table, ligne, derniers)
        dernier_id = lignes[-1]["id"]


def _chainer(bind: Any, table: Any, ligne: Any, derniers: dict[str, str]) -> None:
    cle = chainage.cle_chaine(ligne["demande_id"], ligne["entite"], ligne["entite_id"])
    precedent = derniers.get(cle, chainage.GENESE)
    empreinte = chainage.empreinte(ligne["changements"], ligne["justification"])
    derniers[cle] = chainage.hacher(ligne, precedent, empreinte)
    bind.execute(
        table.update()
        .where(table.c.id == ligne["id"])
        .values(chaine=cle, empreinte=empreinte, hash_precedent=precedent, hash=derniers[cle])
    )


def upgrade() -> None:
    op.add_column("preavis", sa.Column("destinataire", sa.String(400), nullable=True))
    op.add_column("guichet", sa.Column("horaires", sa.String(500), nullable=True))
    op.add_column("utilisateur", sa.Column("jeton_activation", sa.String(64), nullable=True))
    op.add_column("utilisateur", sa.Column("jeton_activation_expire", sa.DateTime(), nullable=True))
    op.add_column("preavis", sa.Column("courrier", sa.String(200), nullable=True))
    op.add_column("preavis", sa.Column("courrier_page", sa.Integer(), nullable=True))
    op.add_column("preavis", sa.Column("statut_envoi", sa.String(10), nullable=True))
    op.add_column("historique", sa.Column("chaine", sa.String(80), nullable=True))
    op.add_column("historique", sa.Column("empreinte", sa.String(64), nullable=True))
    op.add_column("historique", sa.Column("hash_precedent", sa.String(64), nullable=True))
    op.add_column("historique", sa.Column("hash", sa.String(64), nullable=True))
    _remplir()
    op.create_table(
        "doublon_ecarte",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demande_a_id", sa.Integer(), nullable=False),
        sa.Column("demande_b_id", sa.Integer(), nullable=False),
        sa.Column("territoire_code", sa.String(3), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("gestionnaire_id", sa.Integer(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demande_a_id"],
            ["demande.id"],
            name=op.f("fk_doublon_ecarte_demande_a_id_demande"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demande_b_id"],
            ["demande.id"],
            name=op.f("fk_doublon_ecarte_demande_b_id_demande"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["territoire_code"],
            ["territoire.code"],
            name=op.f("fk_doublon_ecarte_territoire_code_territoire"),
        ),
        sa.ForeignKeyConstraint(
            ["gestionnaire_id"],
            ["utilisateur.id"],
            name=op.f("fk_doublon_ecarte_gestionnaire_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doublon_ecarte")),
        sa.UniqueConstraint(
            "demande_a_id", "demande_b_id", name=op.f("uq_doublon_ecarte_demande_a_id")
        ),
    )
    op.create_index(
        op.f("ix_doublon_ecarte_territoire_code"), "doublon_ecarte", ["territoire_code"]
    )
    op.create_index(
        "ux_historique_chaine_precedent", "historique", ["chaine", "hash_precedent"], unique=True
    )
    op.create_index("ix_historique_chaine_id", "historique", ["chaine", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER historique_chaine_no_update BEFORE UPDATE OF {COLONNES} "
            "ON historique FOR EACH ROW EXECUTE FUNCTION historique_append_only()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER historique_chaine_no_update BEFORE UPDATE OF {COLONNES} "
            "ON historique BEGIN SELECT RAISE(ABORT, 'historique est en ajout seul (UPDATE)'); END"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_doublon_ecarte_territoire_code"), table_name="doublon_ecarte")
    op.drop_table("doublon_ecarte")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER historique_chaine_no_update ON historique")
    else:
        op.execute("DROP TRIGGER historique_chaine_no_update")
    op.drop_index("ix_historique_chaine_id", table_name="historique")
    op.drop_index("ux_historique_chaine_precedent", table_name="historique")
    for colonne in reversed(COLONNES.split(", ")):
        op.drop_column("historique", colonne)
    for colonne in ("statut_envoi", "courrier_page", "courrier", "destinataire"):
        op.drop_column("preavis", colonne)
    op.drop_column("guichet", "horaires")
    op.drop_column("utilisateur", "jeton_activation_expire")
    op.drop_column("utilisateur", "jeton_activation")
