"""Idempotency keys of the API: a retried POST gets the first reply, never a second write.

The key is reserved (a row without reply) before the request runs, in its own
committed transaction, so two concurrent retries cannot both run; the reply is
stored afterwards. A key reused with another request is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from sne.errors import Conflict, SneError
from sne.models import ReponseIdempotente
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class ReponseStockee:
    """The reply recorded for a key."""

    statut: int
    type_contenu: str
    corps: bytes


class CleReutilisee(SneError):
    """The same key came back with another request (HTTP 422)."""

    code = "CLE_IDEMPOTENCE_REUTILISEE"


def reserver(uow: UnitOfWork, jeton_id: int, cle: str, empreinte: str) -> ReponseStockee | None:
    """Reserve ``cle`` for this request; return the stored reply if it already ran."""
    if not 0 < len(cle) <= 200:
        raise SneError(
            "L'en-tête Idempotency-Key doit compter de 1 à 200 caractères.",
            code="CLE_IDEMPOTENCE_INVALIDE",
        )
    with uow:
        uow.session.add(
            ReponseIdempotente(jeton_id=jeton_id, cle=cle, empreinte=empreinte, created_at=utcnow())
        )
        try:
            uow.commit()
            return None
        except IntegrityError:
            uow.session.rollback()
        ligne = uow.session.scalar(
            select(ReponseIdempotente).where(
                ReponseIdempotente.jeton_id == jeton_id, ReponseIdempotente.cle == cle
            )
        )
        if ligne is None:  # released by a failed first attempt in between: let the caller retry
            raise Conflict("Requête en cours de traitement ; réessayez.", code="REQUETE_EN_COURS")
        if ligne.empreinte != empreinte:
            raise CleReutilisee(
                "Cette clé d'idempotence a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé pour chaque opération."
            )
        if ligne.statut is None:
            raise Conflict(
                "La première requête portant cette clé est encore en cours ; réessayez "
                "dans un instant.",
                code="REQUETE_EN_COURS",
            )
        return ReponseStockee(ligne.statut, ligne.type_contenu or "", ligne.corps or b"")


def conserver(uow: UnitOfWork, jeton_id: int, cle: str, reponse: ReponseStockee) -> None:
    """Store the reply given to the request that reserved ``cle``."""
    with uow:
        ligne = uow.session.scalar(
            select(ReponseIdempotente).where(
                ReponseIdempotente.jeton_id == jeton_id, ReponseIdempotente.cle == cle
            )
        )
        if ligne is not None:
            ligne.statut = reponse.statut
            ligne.type_contenu = reponse.type_contenu
            ligne.corps = reponse.corps
            uow.commit()


def liberer(uow: UnitOfWork, jeton_id: int, cle: str) -> None:
    """Forget a reservation whose request failed unexpectedly, so a retry runs it again."""
    with uow:
        uow.session.execute(
            delete(ReponseIdempotente).where(
                ReponseIdempotente.jeton_id == jeton_id,
                ReponseIdempotente.cle == cle,
                ReponseIdempotente.statut.is_(None),
            )
        )
        uow.commit()


#: How long a reply is replayed: retries come within minutes, a month is ample.
CONSERVATION = timedelta(days=30)


def purger(uow: UnitOfWork, jour: date) -> int:
    """Forget the replies older than ``CONSERVATION`` (a step of the daily run); return how many."""
    limite = datetime.combine(jour, time()) - CONSERVATION
    with uow:
        resultat = uow.session.execute(
            delete(ReponseIdempotente).where(ReponseIdempotente.created_at < limite)
        )
        uow.commit()
        return int(getattr(resultat, "rowcount", 0) or 0)
