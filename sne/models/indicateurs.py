"""The daily snapshot of the guichets' indicators, and the CUS first-quartile thresholds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sne.db import Base


class IndicateurMois(Base):
    """One figure of the snapshot: an indicator for a guichet (or none) and a month.

    ``nombre`` counts events; ``somme`` adds up their delays in days when the
    indicator measures one (mean delay = somme / nombre). ``cle`` splits an
    indicator (a channel, a motif) and is empty otherwise.
    """

    __tablename__ = "indicateur_mois"
    __table_args__ = (
        Index("ix_indicateur_mois_territoire_mois", "territoire_code", "mois", "indicateur"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    #: ``AAAA-MM``: sorts and compares as text on every backend.
    mois: Mapped[str] = mapped_column(String(7))
    indicateur: Mapped[str] = mapped_column(String(30))
    cle: Mapped[str] = mapped_column(String(30), default="")
    nombre: Mapped[int] = mapped_column(Integer)
    somme: Mapped[int | None] = mapped_column(Integer)


class ReleveIndicateurs(Base):
    """When a territory's snapshot was last computed: the pages' "données au"."""

    __tablename__ = "releve_indicateurs"

    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), primary_key=True)
    jour: Mapped[date] = mapped_column(Date)
    calcule_le: Mapped[datetime] = mapped_column(DateTime)
    duree_ms: Mapped[int] = mapped_column(Integer)


class SeuilQuartile(Base):
    """The yearly first-quartile threshold of resources per consumption unit in one EPCI.

    Entered or imported by the territorial manager; the EPCI's postal codes say
    which attributed dwellings fall in it (the attribution records a postal code).
    """

    __tablename__ = "seuil_quartile"
    __table_args__ = (UniqueConstraint("territoire_code", "annee", "epci_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    annee: Mapped[int] = mapped_column(Integer)
    #: SIREN of the EPCI (9 digits).
    epci_code: Mapped[str] = mapped_column(String(9))
    epci_nom: Mapped[str] = mapped_column(String(200))
    #: Yearly resources per consumption unit, in euros, at or under which a household is Q1.
    seuil: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    codes_postaux: Mapped[list[str]] = mapped_column(JSON, default=list)
