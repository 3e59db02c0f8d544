"""doublons: identity keys on personne, forced duplicates, merges, reports

Revision ID: 5b7d0c3e9a41
Revises: 1feaf2e1e0a2
Create Date: 2026-11-23 10:00:00

``personne`` gains its normalised identity keys (``sne.identite``) and a
partial index on (birth date, identity key) for applicants and co-holders;
existing rows are backfilled. New tables record forced duplicates, merges and
the guichets' reports of suspected duplicates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sne import identite

revision = '5b7d0c3e9a41'
down_revision = '1feaf2e1e0a2'
branch_labels = None
depends_on = None

TITULAIRES_SQL = "role IN ('demandeur', 'cotitulaire')"
LOT = 5000


def upgrade() -> None:
    with op.batch_alter_table('personne', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cle_nom', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cle_prenoms', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('cle_identite', sa.String(length=250), nullable=True))
    _remplir_cles()
    op.create_index(
        'ix_personne_naissance_cle',
        'personne',
        ['date_naissance', 'cle_identite'],
        unique=False,
        postgresql_where=sa.text(TITULAIRES_SQL),
        sqlite_where=sa.text(TITULAIRES_SQL),
    )

    op.create_table('doublon_force',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demande_id', sa.Integer(), nullable=False),
    sa.Column('territoire_code', sa.String(length=3), nullable=False),
    sa.Column('guichet_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('jour', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('candidats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['utilisateur.id'], name=op.f('fk_doublon_force_agent_id_utilisateur')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande.id'], name=op.f('fk_doublon_force_demande_id_demande'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guichet_id'], ['guichet.id'], name=op.f('fk_doublon_force_guichet_id_guichet')),
    sa.ForeignKeyConstraint(['territoire_code'], ['territoire.code'], name=op.f('fk_doublon_force_territoire_code_territoire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_doublon_force'))
    )
    op.create_index('ix_doublon_force_territoire_jour', 'doublon_force', ['territoire_code', 'jour'], unique=False)

    op.create_table('fusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivante_id', sa.Integer(), nullable=False),
    sa.Column('absorbee_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('gestionnaire_id', sa.Integer(), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['absorbee_id'], ['demande.id'], name=op.f('fk_fusion_absorbee_id_demande')),
    sa.ForeignKeyConstraint(['gestionnaire_id'], ['utilisateur.id'], name=op.f('fk_fusion_gestionnaire_id_utilisateur')),
    sa.ForeignKeyConstraint(['survivante_id'], ['demande.id'], name=op.f('fk_fusion_survivante_id_demande')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fusion')),
    sa.UniqueConstraint('absorbee_id', name=op.f('uq_fusion_absorbee_id'))
    )
    op.create_index(op.f('ix_fusion_survivante_id'), 'fusion', ['survivante_id'], unique=False)

    op.create_table('signalement_doublon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('territoire_code', sa.String(length=3), nullable=False),
    sa.Column('guichet_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('numeros', sa.JSON(), nullable=False),
    sa.Column('donnees', sa.JSON(), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('statut', sa.String(length=8), nullable=False),
    sa.Column('traite_le', sa.DateTime(), nullable=True),
    sa.Column('traite_par_id', sa.Integer(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.CheckConstraint("statut IN ('ouvert', 'traite', 'rejete')", name=op.f('ck_signalement_doublon_statut_connu')),
    sa.ForeignKeyConstraint(['agent_id'], ['utilisateur.id'], name=op.f('fk_signalement_doublon_agent_id_utilisateur')),
    sa.ForeignKeyConstraint(['guichet_id'], ['guichet.id'], name=op.f('fk_signalement_doublon_guichet_id_guichet')),
    sa.ForeignKeyConstraint(['territoire_code'], ['territoire.code'], name=op.f('fk_signalement_doublon_territoire_code_territoire')),
    sa.ForeignKeyConstraint(['traite_par_id'], ['utilisateur.id'], name=op.f('fk_signalement_doublon_traite_par_id_utilisateur')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signalement_doublon'))
    )
    op.create_index('ix_signalement_doublon_territoire_statut', 'signalement_doublon', ['territoire_code', 'statut'], unique=False)


def _remplir_cles() -> None:
    """Compute the keys of the rows already there, in batches ordered by id."""
    bind = op.get_bind()
    personne = sa.table(
        'personne',
        sa.column('id', sa.Integer()),
        sa.column('nom_naissance', sa.String()),
        sa.column('prenoms', sa.String()),
        sa.column('cle_nom', sa.String()),
        sa.column('cle_prenoms', sa.String()),
        sa.column('cle_identite', sa.String()),
    )
    dernier = 0
    while True:
        lignes = bind.execute(
            sa.select(personne.c.id, personne.c.nom_naissance, personne.c.prenoms)
            .where(personne.c.id > dernier, personne.c.nom_naissance.is_not(None))
            .order_by(personne.c.id)
            .limit(LOT)
        ).all()
        if not lignes:
            return
        bind.execute(
            personne.update()
            .where(personne.c.id == sa.bindparam('pid'))
            .values(
                cle_nom=sa.bindparam('n'),
                cle_prenoms=sa.bindparam('p'),
                cle_identite=sa.bindparam('i'),
            ),
            [
                {
                    'pid': pid,
                    'n': identite.cle_nom(nom),
                    'p': identite.cle_prenoms(prenoms),
                    'i': identite.cle_identite(nom, prenoms),
                }
                for pid, nom, prenoms in lignes
            ],
        )
        dernier = lignes[-1][0]


def downgrade() -> None:
    op.drop_index('ix_signalement_doublon_territoire_statut', table_name='signalement_doublon')
    op.drop_table('signalement_doublon')
    op.drop_index(op.f('ix_fusion_survivante_id'), table_name='fusion')
    op.drop_table('fusion')
    op.drop_index('ix_doublon_force_territoire_jour', table_name='doublon_force')
    op.drop_table('doublon_force')
    op.drop_index('ix_personne_naissance_cle', table_name='personne')
    with op.batch_alter_table('personne', schema=None) as batch_op:
        batch_op.drop_column('cle_identite')
        batch_op.drop_column('cle_prenoms')
        batch_op.drop_column('cle_nom')
