"""Applicants' own accounts on the public portal, and their links to demandes.

A ``CompteDemandeur`` is not a staff ``Utilisateur``: it signs in with an
e-mail address, holds no role, and reaches a demande only through a
``LienDemande`` confirmed with a one-time code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
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


class BrouillonDemande(Base):
    """A demande being filed online, kept between steps so it can be resumed on any device.

    One per account; ``contenu`` is the draft as typed (``portails.cerfa``), with the
    storage key of the identity piece once sent. Purged after ``DUREE`` of silence.
    """

    __tablename__ = "brouillon_demande"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(
        ForeignKey("compte_demandeur.id", ondelete="CASCADE"), unique=True
    )
    contenu: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The step the applicant was on (a Cerfa letter, the piece, the check).
    etape: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class DemandeEnLigne(Base):
    """A demande filed on the public portal: its identity piece, checked by a guichet.

    ``verification``: ``a_verifier`` until a guichet of the territory marks it
    ``verifiee`` or ``refusee`` (with ``motif``, mailed to the applicant).
    """

    __tablename__ = "demande_en_ligne"

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), unique=True
    )
    compte_id: Mapped[int | None] = mapped_column(
        ForeignKey("compte_demandeur.id", ondelete="SET NULL")
    )
    #: The lot carrying the identity piece (processed and attached like every upload).
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id", ondelete="SET NULL"))
    type_piece: Mapped[str] = mapped_column(String(40))
    verification: Mapped[str] = mapped_column(String(12), default="a_verifier", index=True)
    motif: Mapped[str | None] = mapped_column(String(500))
    verifie_par: Mapped[str | None] = mapped_column(String(100))
    verifie_le: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
