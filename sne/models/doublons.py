"""Duplicates: forced ones, merges and the guichets' reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sne.db import Base


class DoublonForce(Base):
    """A demande registered (or an identity changed) despite probable duplicates, with why."""

    __tablename__ = "doublon_force"
    __table_args__ = (Index("ix_doublon_force_territoire_jour", "territoire_code", "jour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    jour: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(20))  # "enregistrement" or "modification"
    justification: Mapped[str] = mapped_column(Text)
    #: The candidates shown when forcing: [{"numero", "code", "confiance"}].
    candidats: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Fusion(Base):
    """A demande closed by merging it into a survivor (statut ``fusionnee``)."""

    __tablename__ = "fusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivante_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), index=True)
    absorbee_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    gestionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    justification: Mapped[str | None] = mapped_column(Text)


class SignalementDoublon(Base):
    """A guichet's report of suspected duplicates: the territorial manager's queue."""

    __tablename__ = "signalement_doublon"
    __table_args__ = (
        Index("ix_signalement_doublon_territoire_statut", "territoire_code", "statut"),
        CheckConstraint("statut IN ('ouvert', 'traite', 'rejete')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: The demandes concerned, by numéro unique.
    numeros: Mapped[list[str]] = mapped_column(JSON)
    #: Which demande's value to keep, field by field: {"email": "0130326000001G1301", …}.
    donnees: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    commentaire: Mapped[str | None] = mapped_column(Text)
    statut: Mapped[str] = mapped_column(String(8), default="ouvert")
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)
    traite_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    conclusion: Mapped[str | None] = mapped_column(Text)


class DoublonEcarte(Base):
    """Two demandes the manager judged "not the same person": the sweep never pairs them again."""

    __tablename__ = "doublon_ecarte"
    __table_args__ = (UniqueConstraint("demande_a_id", "demande_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pair in id order (a < b).
    demande_a_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    demande_b_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    gestionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    justification: Mapped[str] = mapped_column(Text)
