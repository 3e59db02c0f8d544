"""Digitisation: pieces, paper sendings (envois), scanned lots and their notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sne.db import Base
from sne.models.demandes import Demande
from sne.models.referentiel import Guichet


class Piece(Base):
    """Metadata of a piece justificative in a demande's dossier (the file lives in storage)."""

    __tablename__ = "piece"
    __table_args__ = (Index("ix_piece_demande_sha256", "demande_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str | None] = mapped_column(String(40))
    categorie: Mapped[str | None] = mapped_column(String(40))
    pages: Mapped[int] = mapped_column(Integer)
    taille: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    canal: Mapped[str] = mapped_column(String(24))
    statut: Mapped[str] = mapped_column(String(16), default="a_qualifier")
    sensible: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    deposee_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Pieces cut from a scanned batch (``Lot``): where they come from and how they were read.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    lot_dossier_index: Mapped[int | None] = mapped_column(Integer)
    rang: Mapped[int | None] = mapped_column(Integer)
    #: Idempotency key (``"{lot_id}:{dossier_index}:{rang}"``): a re-run never attaches twice.
    cle: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: Indices of the batch's pages the piece was cut from.
    pages_lot: Mapped[list[int] | None] = mapped_column(JSON)
    confiance: Mapped[float | None] = mapped_column(Float)
    taille_originale: Mapped[int | None] = mapped_column(Integer)
    #: What was done to the file (compression, resolution…), as the scanning library says.
    traitement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    motif_rejet: Mapped[str | None] = mapped_column(Text)


class Envoi(Base):
    """A paper sending prepared at a guichet: a bordereau and one fiche per demande.

    ``identifiant`` is what the bordereau's QR code carries (``E`` + territory +
    ``-`` + a base-36 counter, 12 characters at most); the scanning pipeline
    reconciles a received sending against these declared counts.
    """

    __tablename__ = "envoi"
    __table_args__ = (
        Index("ix_envoi_guichet_date", "guichet_id", "date_transmission"),
        Index("ix_envoi_statut_echeance", "statut", "echeance"),
        CheckConstraint("statut IN ('prepare', 'recu', 'traite')", name="statut_connu"),
        CheckConstraint("nb_dossiers > 0 AND nb_pages > nb_dossiers", name="comptes_positifs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(12), unique=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    date_transmission: Mapped[date] = mapped_column(Date)
    nb_dossiers: Mapped[int] = mapped_column(Integer)
    #: Pages declared for the whole sending: the bordereau, the fiches and the pieces.
    nb_pages: Mapped[int] = mapped_column(Integer)
    statut: Mapped[str] = mapped_column(String(8), default="prepare")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Set when the bordereau is read in a batch: that batch, its reception and due date.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    recu_le: Mapped[datetime | None] = mapped_column(DateTime)
    echeance: Mapped[date | None] = mapped_column(Date)
    alerte_retard_le: Mapped[datetime | None] = mapped_column(DateTime)

    guichet: Mapped[Guichet] = relationship()
    dossiers: Mapped[list[EnvoiDemande]] = relationship(
        back_populates="envoi", cascade="all, delete-orphan", order_by="EnvoiDemande.rang"
    )


class EnvoiDemande(Base):
    """One demande's dossier in a sending, with the counts the agent declared for it."""

    __tablename__ = "envoi_demande"
    __table_args__ = (
        UniqueConstraint("envoi_id", "demande_id"),
        CheckConstraint("nb_documents > 0 AND nb_pages > nb_documents", name="comptes_positifs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    envoi_id: Mapped[int] = mapped_column(ForeignKey("envoi.id", ondelete="CASCADE"))
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), index=True)
    #: Position of the dossier in the sending (1 for the first fiche after the bordereau).
    rang: Mapped[int] = mapped_column(Integer)
    nb_documents: Mapped[int] = mapped_column(Integer)
    #: Pages of the dossier, its fiche included.
    nb_pages: Mapped[int] = mapped_column(Integer)

    envoi: Mapped[Envoi] = relationship(back_populates="dossiers")
    demande: Mapped[Demande] = relationship()


class Lot(Base):
    """A received batch of scanned pages: the original file, its channel and its progress.

    A second deposit of the same file (same ``sha256``) is recorded too, pointing to
    the first with ``doublon_de_id``, and is not processed again.
    """

    __tablename__ = "lot"
    __table_args__ = (
        Index("ix_lot_statut_echeance", "statut", "echeance"),
        CheckConstraint(
            "statut IN ('recu', 'en_cours', 'traite', 'a_revoir', 'erreur', 'clos')",
            name="statut_connu",
        ),
        CheckConstraint(
            "canal IN ('courrier_guichet', 'courrier_demandeur', 'depot_professionnel', "
            "'portail_demandeur')",
            name="canal_connu",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    doublon_de_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    nom_fichier: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(200))
    taille: Mapped[int] = mapped_column(Integer)
    canal: Mapped[str] = mapped_column(String(24))
    #: An applicant's upload names its demande and the piece type they declared.
    numero: Mapped[str | None] = mapped_column(String(18))
    type_declare: Mapped[str | None] = mapped_column(String(40))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    depose_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    recu_le: Mapped[datetime] = mapped_column(DateTime)
    #: Two working days after reception (``sne.calendrier.ajouter_jours_ouvres``).
    echeance: Mapped[date] = mapped_column(Date)
    statut: Mapped[str] = mapped_column(String(10), default="recu")
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_faites: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_total: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_faits: Mapped[int] = mapped_column(Integer, default=0)
    #: The split result (``scanning.manifest.Manifest`` as a dict), kept for re-runs.
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Why processing failed, in French (never an exception's text: that goes to the log).
    erreur: Mapped[str | None] = mapped_column(Text)
    #: Why an operator closed the lot without processing it (status ``clos``).
    motif_cloture: Mapped[str | None] = mapped_column(Text)
    #: When its processing job was queued; None: never (the queue was unreachable).
    mis_en_file_le: Mapped[datetime | None] = mapped_column(DateTime)
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)
    alerte_retard_le: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    dossiers: Mapped[list[LotDossier]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotDossier.index"
    )


class LotDossier(Base):
    """One dossier found in a batch: the demande it was matched to, or why it waits."""

    __tablename__ = "lot_dossier"
    __table_args__ = (
        UniqueConstraint("lot_id", "index"),
        CheckConstraint("statut IN ('rattache', 'en_attente', 'rejete')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"))
    #: Position of the dossier in the manifest (0 for the first).
    index: Mapped[int] = mapped_column(Integer)
    numero: Mapped[str | None] = mapped_column(String(18))
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"), index=True)
    envoi_id: Mapped[int | None] = mapped_column(ForeignKey("envoi.id"), index=True)
    #: Position of its sending in the manifest, when it came with a bordereau.
    envoi_index: Mapped[int | None] = mapped_column(Integer)
    statut: Mapped[str] = mapped_column(String(10))
    #: Why the dossier waits for an operator or was rejected, in French.
    motif: Mapped[str | None] = mapped_column(Text)
    nb_pages: Mapped[int] = mapped_column(Integer, default=0)
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)

    lot: Mapped[Lot] = relationship(back_populates="dossiers")


class Notification(Base):
    """A mail to send about a processed batch: one per sending or per demande, retried."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_statut", "statut"),
        CheckConstraint("statut IN ('a_envoyer', 'envoyee', 'echec')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    envoi_id: Mapped[int | None] = mapped_column(ForeignKey("envoi.id"))
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"))
    destinataire: Mapped[str] = mapped_column(String(254))
    sujet: Mapped[str] = mapped_column(String(300))
    #: The French text, composed once when prepared: a retried send sends the same mail.
    corps: Mapped[str] = mapped_column(Text, server_default="")
    type: Mapped[str] = mapped_column(String(30))
    statut: Mapped[str] = mapped_column(String(10), default="a_envoyer")
    tentatives: Mapped[int] = mapped_column(Integer, default=0)
    derniere_erreur: Mapped[str | None] = mapped_column(Text)
    #: One notification per lot and sending (``"lot:3:envoi:7"``) or lot and demande.
    cle: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    envoyee_le: Mapped[datetime | None] = mapped_column(DateTime)
