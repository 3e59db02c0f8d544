"""Incident reports (fiches incident) filed by guichets about the digitisation service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sne.db import Base


class Incident(Base):
    """A guichet's report about a sending, lot, demande or piece, and the digitiser's answer."""

    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_guichet_statut", "guichet_id", "statut"),
        CheckConstraint("statut IN ('ouvert', 'repondu', 'clos')", name="statut_connu"),
        CheckConstraint(
            "nature IN ('pieces_non_traitees', 'delai_depasse', 'pieces_mal_classees', "
            "'notification_non_recue', 'autre')",
            name="nature_connue",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"))
    nature: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    #: What the report is about (any of them, all optional, all within the guichet's reach).
    envoi_id: Mapped[int | None] = mapped_column(ForeignKey("envoi.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"))
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("piece.id"))
    statut: Mapped[str] = mapped_column(String(8), default="ouvert")
    cree_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: The digitiser's latest answer (every answer is also traced in the history).
    reponse: Mapped[str | None] = mapped_column(Text)
    repondu_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    repondu_le: Mapped[datetime | None] = mapped_column(DateTime)
    nb_reponses: Mapped[int] = mapped_column(default=0)
    clos_le: Mapped[datetime | None] = mapped_column(DateTime)
