"""Applicants' own accounts on the public portal, and their links to demandes.

A ``CompteDemandeur`` is not a staff ``Utilisateur``: it signs in with an
e-mail address, holds no role, and reaches a demande only through a
``LienDemande`` confirmed with a one-time code.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sne.db import Base


class CompteDemandeur(Base):
    """An applicant's account: e-mail (confirmed by a link), password, session token."""

    __tablename__ = "compte_demandeur"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; unique, so one account per address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    #: When the address was confirmed; an unconfirmed account cannot sign in.
    confirme_le: Mapped[datetime | None] = mapped_column(DateTime)
    #: Changed at sign-out and password change: every session of the account ends.
    jeton_session: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    derniere_connexion: Mapped[datetime | None] = mapped_column(DateTime)


class LienDemande(Base):
    """An account's link to a demande through one titulaire (applicant or co-holder).

    Pending until ``confirme_le``: the one-time code (its Argon2 hash) is mailed
    to the demande's address or printed by a guichet.
    """

    __tablename__ = "lien_demande"
    __table_args__ = (UniqueConstraint("compte_id", "demande_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(
        ForeignKey("compte_demandeur.id", ondelete="CASCADE"), index=True
    )
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), index=True
    )
    #: The titulaire whose identity was given; emptied (the link stays) when a guichet's
    #: modification rewrites the household's rows.
    personne_id: Mapped[int | None] = mapped_column(ForeignKey("personne.id", ondelete="SET NULL"))
    code_hash: Mapped[str | None] = mapped_column(String(200))
    code_expire_le: Mapped[datetime | None] = mapped_column(DateTime)
    #: Wrong codes typed for this link; the code dies after a few.
    essais: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    confirme_le: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
