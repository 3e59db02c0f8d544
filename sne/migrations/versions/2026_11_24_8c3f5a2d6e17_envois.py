"""envois: paper sendings with their dossiers, and the attestations issued

Revision ID: 8c3f5a2d6e17
Revises: 5b7d0c3e9a41
Create Date: 2026-11-24 09:00:00

A sending (``envoi``) is what a guichet agent prepares before mailing paper
pieces: its bordereau and one fiche récapitulative per demande, with the
counts declared for each; the scanning pipeline reconciles what it receives
against these rows. ``attestation`` records each attestation issued (one row
per demande, day and kind), so a scanned attestation can be checked too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '8c3f5a2d6e17'
down_revision = '5b7d0c3e9a41'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('envoi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifiant', sa.String(length=12), nullable=False),
    sa.Column('territoire_code', sa.String(length=3), nullable=False),
    sa.Column('guichet_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('date_transmission', sa.Date(), nullable=False),
    sa.Column('nb_dossiers', sa.Integer(), nullable=False),
    sa.Column('nb_pages', sa.Integer(), nullable=False),
    sa.Column('statut', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("statut IN ('prepare', 'recu', 'traite')", name=op.f('ck_envoi_statut_connu')),
    sa.CheckConstraint('nb_dossiers > 0 AND nb_pages > nb_dossiers', name=op.f('ck_envoi_comptes_positifs')),
    sa.ForeignKeyConstraint(['agent_id'], ['utilisateur.id'], name=op.f('fk_envoi_agent_id_utilisateur')),
    sa.ForeignKeyConstraint(['guichet_id'], ['guichet.id'], name=op.f('fk_envoi_guichet_id_guichet')),
    sa.ForeignKeyConstraint(['territoire_code'], ['territoire.code'], name=op.f('fk_envoi_territoire_code_territoire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_envoi')),
    sa.UniqueConstraint('identifiant', name=op.f('uq_envoi_identifiant'))
    )
    op.create_index('ix_envoi_guichet_date', 'envoi', ['guichet_id', 'date_transmission'], unique=False)

    op.create_table('envoi_demande',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('envoi_id', sa.Integer(), nullable=False),
    sa.Column('demande_id', sa.Integer(), nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.Column('nb_documents', sa.Integer(), nullable=False),
    sa.Column('nb_pages', sa.Integer(), nullable=False),
    sa.CheckConstraint('nb_documents > 0 AND nb_pages > nb_documents', name=op.f('ck_envoi_demande_comptes_positifs')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande.id'], name=op.f('fk_envoi_demande_demande_id_demande')),
    sa.ForeignKeyConstraint(['envoi_id'], ['envoi.id'], name=op.f('fk_envoi_demande_envoi_id_envoi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_envoi_demande')),
    sa.UniqueConstraint('envoi_id', 'demande_id', name=op.f('uq_envoi_demande_envoi_id'))
    )
    op.create_index(op.f('ix_envoi_demande_demande_id'), 'envoi_demande', ['demande_id'], unique=False)

    op.create_table('attestation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demande_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=14), nullable=False),
    sa.Column('date_emission', sa.Date(), nullable=False),
    sa.Column('radiee', sa.Boolean(), nullable=False),
    sa.Column('guichet_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("type IN ('enregistrement', 'renouvellement')", name=op.f('ck_attestation_type_connu')),
    sa.ForeignKeyConstraint(['agent_id'], ['utilisateur.id'], name=op.f('fk_attestation_agent_id_utilisateur')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande.id'], name=op.f('fk_attestation_demande_id_demande'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guichet_id'], ['guichet.id'], name=op.f('fk_attestation_guichet_id_guichet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation')),
    sa.UniqueConstraint('demande_id', 'date_emission', 'type', name=op.f('uq_attestation_demande_id'))
    )


def downgrade() -> None:
    op.drop_table('attestation')
    op.drop_index(op.f('ix_envoi_demande_demande_id'), table_name='envoi_demande')
    op.drop_table('envoi_demande')
    op.drop_index('ix_envoi_guichet_date', table_name='envoi')
    op.drop_table('envoi')
