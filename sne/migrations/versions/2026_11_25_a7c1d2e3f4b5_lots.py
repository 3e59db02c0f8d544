"""lots: received scanned batches, their dossiers, pieces cut from them, notifications

Revision ID: a7c1d2e3f4b5
Revises: 8c3f5a2d6e17
Create Date: 2026-11-25 09:00:00

A batch (``lot``) is a scanned file received by the digitisation service, stored
by content hash with its channel, depositor, reception and due dates and its
progress; ``lot_dossier`` records what became of each dossier found in it
(attached to a demande, or waiting for an operator with its reason). Pieces cut
from a batch carry an idempotency key (``cle``) so a re-run never attaches twice.
``notification`` holds the mails to send once a batch is processed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'a7c1d2e3f4b5'
down_revision = '8c3f5a2d6e17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('doublon_de_id', sa.Integer(), nullable=True),
    sa.Column('nom_fichier', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('canal', sa.String(length=24), nullable=False),
    sa.Column('territoire_code', sa.String(length=3), nullable=False),
    sa.Column('guichet_id', sa.Integer(), nullable=True),
    sa.Column('depose_par_id', sa.Integer(), nullable=True),
    sa.Column('recu_le', sa.DateTime(), nullable=False),
    sa.Column('echeance', sa.Date(), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('pages_total', sa.Integer(), nullable=False),
    sa.Column('pages_faites', sa.Integer(), nullable=False),
    sa.Column('dossiers_total', sa.Integer(), nullable=False),
    sa.Column('dossiers_faits', sa.Integer(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=True),
    sa.Column('erreur', sa.Text(), nullable=True),
    sa.Column('traite_le', sa.DateTime(), nullable=True),
    sa.Column('alerte_retard_le', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("canal IN ('courrier_guichet', 'courrier_demandeur', 'depot_professionnel')", name=op.f('ck_lot_canal_connu')),
    sa.CheckConstraint("statut IN ('recu', 'en_cours', 'traite', 'a_revoir', 'erreur')", name=op.f('ck_lot_statut_connu')),
    sa.ForeignKeyConstraint(['depose_par_id'], ['utilisateur.id'], name=op.f('fk_lot_depose_par_id_utilisateur')),
    sa.ForeignKeyConstraint(['doublon_de_id'], ['lot.id'], name=op.f('fk_lot_doublon_de_id_lot')),
    sa.ForeignKeyConstraint(['guichet_id'], ['guichet.id'], name=op.f('fk_lot_guichet_id_guichet')),
    sa.ForeignKeyConstraint(['territoire_code'], ['territoire.code'], name=op.f('fk_lot_territoire_code_territoire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot'))
    )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_lot_statut_echeance', ['statut', 'echeance'], unique=False)

    op.create_table('lot_dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('numero', sa.String(length=18), nullable=True),
    sa.Column('demande_id', sa.Integer(), nullable=True),
    sa.Column('envoi_id', sa.Integer(), nullable=True),
    sa.Column('envoi_index', sa.Integer(), nullable=True),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.Column('nb_pages', sa.Integer(), nullable=False),
    sa.Column('traite_le', sa.DateTime(), nullable=True),
    sa.CheckConstraint("statut IN ('rattache', 'en_attente', 'rejete')", name=op.f('ck_lot_dossier_statut_connu')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande.id'], name=op.f('fk_lot_dossier_demande_id_demande')),
    sa.ForeignKeyConstraint(['envoi_id'], ['envoi.id'], name=op.f('fk_lot_dossier_envoi_id_envoi')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_lot_dossier_lot_id_lot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_dossier')),
    sa.UniqueConstraint('lot_id', 'index', name=op.f('uq_lot_dossier_lot_id'))
    )
    with op.batch_alter_table('lot_dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_dossier_demande_id'), ['demande_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_dossier_envoi_id'), ['envoi_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('envoi_id', sa.Integer(), nullable=True),
    sa.Column('demande_id', sa.Integer(), nullable=True),
    sa.Column('destinataire', sa.String(length=254), nullable=False),
    sa.Column('sujet', sa.String(length=300), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('tentatives', sa.Integer(), nullable=False),
    sa.Column('derniere_erreur', sa.Text(), nullable=True),
    sa.Column('cle', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('envoyee_le', sa.DateTime(), nullable=True),
    sa.CheckConstraint("statut IN ('a_envoyer', 'envoyee', 'echec')", name=op.f('ck_notification_statut_connu')),
    sa.ForeignKeyConstraint(['demande_id'], ['demande.id'], name=op.f('fk_notification_demande_id_demande')),
    sa.ForeignKeyConstraint(['envoi_id'], ['envoi.id'], name=op.f('fk_notification_envoi_id_envoi')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_notification_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('cle', name=op.f('uq_notification_cle'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index('ix_notification_statut', ['statut'], unique=False)

    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lot_dossier_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rang', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cle', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('pages_lot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('confiance', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('taille_originale', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('traitement', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('motif_rejet', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_piece_lot_id'), ['lot_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_piece_cle'), ['cle'])
        batch_op.create_foreign_key(batch_op.f('fk_piece_lot_id_lot'), 'lot', ['lot_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_piece_lot_id_lot'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_piece_cle'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_piece_lot_id'))
        batch_op.drop_column('motif_rejet')
        batch_op.drop_column('traitement')
        batch_op.drop_column('taille_originale')
        batch_op.drop_column('confiance')
        batch_op.drop_column('pages_lot')
        batch_op.drop_column('cle')
        batch_op.drop_column('rang')
        batch_op.drop_column('lot_dossier_index')
        batch_op.drop_column('lot_id')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_statut')
        batch_op.drop_index(batch_op.f('ix_notification_lot_id'))

    op.drop_table('notification')
    with op.batch_alter_table('lot_dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_dossier_envoi_id'))
        batch_op.drop_index(batch_op.f('ix_lot_dossier_demande_id'))

    op.drop_table('lot_dossier')
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_statut_echeance')
        batch_op.drop_index(batch_op.f('ix_lot_sha256'))

    op.drop_table('lot')
