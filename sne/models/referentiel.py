"""Territories, their numéro counters, guichets and user accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sne.db import Base


class Territoire(Base):
    """A territory issuing numbers: a département (``013``, ``02A``) or Île-de-France (``111``)."""

    __tablename__ = "territoire"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))


class NumeroSequence(Base):
    """Last sequence number handed out in a territory for one filing year (row-locked on use)."""

    __tablename__ = "numero_sequence"

    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), primary_key=True)
    annee: Mapped[int] = mapped_column(Integer, primary_key=True)
    dernier: Mapped[int] = mapped_column(Integer, default=0)


class Guichet(Base):
    """A guichet enregistreur (``G`` + 4 characters; the public portal is ``GDPUB``)."""

    __tablename__ = "guichet"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), index=True)
    referent_email: Mapped[str | None] = mapped_column(String(254))
    adresse: Mapped[str | None] = mapped_column(String(300))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Opening hours as shown to the public, one line per day or range of days.
    horaires: Mapped[str | None] = mapped_column(String(500))

    territoire: Mapped[Territoire] = relationship()


class Utilisateur(Base):
    """A user account with one role, attached to a guichet or a territory as the role needs."""

    __tablename__ = "utilisateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"), index=True)
    territoire_code: Mapped[str | None] = mapped_column(ForeignKey("territoire.code"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # --- signing in on the portals (sne/services/comptes.py) ---
    #: Consecutive failed sign-ins; reset by a successful one.
    echecs_connexion: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Sign-in refused until then after too many failures (temporary lock).
    verrouille_jusqua: Mapped[datetime | None] = mapped_column(DateTime)
    #: The password was chosen by someone else: change it before anything else.
    mot_de_passe_a_changer: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("false")
    )
    #: Changed at sign-out and password change, which ends every open session of the account.
    jeton_session: Mapped[str | None] = mapped_column(String(64))
    derniere_connexion: Mapped[datetime | None] = mapped_column(DateTime)
    # --- end of signing in ---
    #: SHA-256 of the single-use link a new account's owner sets a password with, and its end.
    jeton_activation: Mapped[str | None] = mapped_column(String(64))
    jeton_activation_expire: Mapped[datetime | None] = mapped_column(DateTime)

    guichet: Mapped[Guichet | None] = relationship()
