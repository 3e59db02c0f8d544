"""The web-service API: tokens of the guichets' privative systems, their calls, idempotent replies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sne.db import Base
from sne.models.referentiel import Guichet, Utilisateur


class JetonApi(Base):
    """A guichet's API token: only its SHA-256 is kept; it acts as one agent of that guichet.

    The secret is ``sne_<prefixe>_<secret>``; ``prefixe`` finds the row, the
    hash of the whole token proves it. ``portees`` is a space-separated subset
    of ``lecture ecriture pieces``; ``plages_ip`` a comma-separated list of
    CIDR ranges (none: any address).
    """

    __tablename__ = "jeton_api"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefixe: Mapped[str] = mapped_column(String(16), unique=True)
    empreinte: Mapped[str] = mapped_column(String(64))
    nom: Mapped[str] = mapped_column(String(100))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"), index=True)
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id"))
    portees: Mapped[str] = mapped_column(String(60))
    plages_ip: Mapped[str | None] = mapped_column(Text)
    expire_le: Mapped[date] = mapped_column(Date)
    cree_le: Mapped[datetime] = mapped_column(DateTime)
    cree_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    revoque_le: Mapped[datetime | None] = mapped_column(DateTime)
    revoque_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    #: When the warning mail before expiry was sent (sent once).
    averti_le: Mapped[datetime | None] = mapped_column(DateTime)

    guichet: Mapped[Guichet] = relationship()
    utilisateur: Mapped[Utilisateur] = relationship(foreign_keys=[utilisateur_id])


class AppelApi(Base):
    """One call to the API: which token, guichet and agent, what and with which outcome."""

    __tablename__ = "appel_api"
    #: A token's calls by time: its last use, its recent calls.
    __table_args__ = (Index("ix_appel_api_jeton_at", "jeton_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    jeton_id: Mapped[int] = mapped_column(ForeignKey("jeton_api.id"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"))
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id"))
    methode: Mapped[str] = mapped_column(String(8))
    chemin: Mapped[str] = mapped_column(String(300))
    statut: Mapped[int] = mapped_column(Integer)
    adresse: Mapped[str | None] = mapped_column(String(45))


class ReponseIdempotente(Base):
    """The reply to a POST carrying an ``Idempotency-Key``, replayed when the same key returns.

    ``empreinte`` hashes the method, path and body: the same key with another
    request is refused. ``statut`` is empty while the first request runs.
    """

    __tablename__ = "reponse_idempotente"
    __table_args__ = (UniqueConstraint("jeton_id", "cle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jeton_id: Mapped[int] = mapped_column(ForeignKey("jeton_api.id"))
    cle: Mapped[str] = mapped_column(String(200))
    empreinte: Mapped[str] = mapped_column(String(64))
    statut: Mapped[int | None] = mapped_column(Integer)
    type_contenu: Mapped[str | None] = mapped_column(String(100))
    corps: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
