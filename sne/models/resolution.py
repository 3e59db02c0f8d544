"""What an operator decided about the pages of a lot the pipeline could not place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sne.db import Base


class LotPage(Base):
    """An orphan or unreadable page of a lot: set aside with a reason, or added to a dossier.

    The page itself stays in the lot's original file: nothing is ever deleted.
    """

    __tablename__ = "lot_page"
    __table_args__ = (
        UniqueConstraint("lot_id", "index"),
        CheckConstraint("statut IN ('mise_de_cote', 'ajoutee')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    #: Position of the page in the lot's file (0 for the first).
    index: Mapped[int] = mapped_column(Integer)
    statut: Mapped[str] = mapped_column(String(12))
    #: The dossier the page was added to (``ajoutee``), by its index in the manifest.
    dossier_index: Mapped[int | None] = mapped_column(Integer)
    #: Why the page was set aside, in French.
    motif: Mapped[str | None] = mapped_column(Text)
    decide_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
