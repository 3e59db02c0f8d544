"""Job functions: identifiers and plain values in, services called in their own unit of work.

``run`` dispatches a job by name with a context built from the settings; RQ
calls ``run_from_rq``, which builds that context once per worker process.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sne.acteurs import SYSTEME
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.mail import envoyeur
from sne.services import cycle, echeances, lots, notifications
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

if TYPE_CHECKING:
    from scanning.manifest import Dossier
    from scanning.pieces import PieceTraitee
    from sne.services.rattachement import PieceDecoupee


@dataclass(frozen=True)
class Contexte:
    """What a job needs: settings and the session factory."""

    settings: Settings
    session_factory: sessionmaker[Session]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


@cache
def _session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per database and process, shared by every job it runs."""
    return make_session_factory(make_engine(database_url))


def _contexte(settings: Settings) -> Contexte:
    return Contexte(settings, _session_factory(settings.database_url))


def planificateur_mails(settings: Settings) -> Callable[[int], None]:
    """Schedule the sending of a notification (its id) on the "mails" queue."""
    from workers.queue import make_queue

    queue = make_queue(settings)

    def planifier(notification_id: int) -> None:
        queue.enqueue("envoyer_notification", queue="mails", notification_id=notification_id)

    return planifier


def passage_quotidien(
    ctx: Contexte, jour: date, territoire: str | None = None
) -> tuple[cycle.BilanCycle, list[str]]:
    """The daily lifecycle (préavis, radiation, purge) then the alerts on late items."""
    bilan = cycle.executer(
        ctx.uow(),
        SYSTEME,
        jour,
        envoyer=envoyeur(ctx.settings),
        expediteur=ctx.settings.mail_from,
        territoire=territoire,
    )
    for cle in bilan.fichiers_a_supprimer:
        (ctx.settings.storage / cle).unlink(missing_ok=True)
    alertes = echeances.alerter_retards(
        ctx.uow(),
        jour,
        destinataire=ctx.settings.alert_to,
        planifier=planificateur_mails(ctx.settings),
    )
    return bilan, alertes


def cycle_quotidien(
    ctx: Contexte, *, jour: str | None = None, territoire: str | None = None
) -> dict[str, int]:
    """Run the daily pass for ``jour`` (ISO date; today in Paris by default); safe to run twice.

    On Redis, the run then schedules the next day's (``workers.planning``).
    """
    from workers.planning import aujourd_hui, planifier_cycle

    bilan, alertes = passage_quotidien(
        ctx, date.fromisoformat(jour) if jour else aujourd_hui(), territoire
    )
    if ctx.settings.redis_url:
        planifier_cycle(ctx.settings)
    return {
        "retards_alertes": len(alertes),
        "preavis_email": len(bilan.preavis_email),
        "preavis_courrier": len(bilan.preavis_courrier),
        "radiees": len(bilan.radiees),
        "purgees": len(bilan.purgees),
    }


def traiter_lot(ctx: Contexte, lot_id: int) -> dict[str, int]:
    """Split, cut, match and attach the batch ``lot_id``, one commit per dossier; resumable.

    A crash loses at most the dossier in flight: a re-run reuses the stored
    manifest, skips the dossiers already recorded and never attaches a piece twice.
    """
    from scanning.imprime import completer_attestations, lire_fiches
    from scanning.manifest import Manifest
    from scanning.output import write_dossier_pdfs
    from scanning.split import split_batch
    from sne.documents.cles import keyring_for
    from sne.models import Lot, LotDossier
    from sne.services.rattachement import enregistrer_dossier

    storage = ctx.settings.storage
    with ctx.uow() as uow:
        lot = uow.session.get(Lot, lot_id)
        if lot is None:
            raise ValueError(f"lot {lot_id} inconnu")
        if lot.doublon_de_id is not None or lot.statut in ("traite", "a_revoir", "erreur"):
            return {"dossiers": lot.dossiers_faits, "ignore": 1}
        original = storage / lot.storage_key
        donnees = lot.manifest
        if lot.canal == lots.TELEVERSEMENT:
            assert lot.numero is not None
            televersement = (lot.numero, lot.type_declare, lot.sha256)
        else:
            televersement = None
    if televersement is not None:
        return traiter_televersement(ctx, lot_id, original, *televersement)
    if donnees is None:
        manifest = split_batch(original, keyring_for(ctx.settings), decoder=ctx.settings.qr_decoder)
        manifest = lire_fiches(original, completer_attestations(original, manifest))
        donnees = lots.enregistrer_manifeste(ctx.uow(), lot_id, manifest)
    assert donnees is not None
    manifest = Manifest.from_dict(donnees)
    if manifest.error:
        return {"dossiers": 0, "erreur": 1}
    with ctx.uow() as uow:
        faits = set(
            uow.session.scalars(select(LotDossier.index).where(LotDossier.lot_id == lot_id)).all()
        )
    travail = storage / "lots" / str(lot_id)
    a_faire = [d for d in manifest.dossiers if d.index not in faits]
    fichiers = write_dossier_pdfs(original, manifest, travail / "dossiers") if a_faire else {}
    for dossier in a_faire:
        pdf = fichiers.get(dossier.index)
        enregistrer_dossier(
            ctx.uow(),
            lot_id,
            dossier,
            functools.partial(decouper, pdf, travail / "pieces" / str(dossier.index), dossier),
            storage,
        )
    bilan = terminer_lot(ctx, lot_id)
    # Working files: the pieces are stored by hash; dossier PDFs stay only for operators.
    shutil.rmtree(travail / "pieces", ignore_errors=True)
    if bilan.get("rattaches") == bilan.get("dossiers") == len(manifest.dossiers):
        shutil.rmtree(travail, ignore_errors=True)
    return bilan


def traiter_televersement(
    ctx: Contexte,
    lot_id: int,
    original: Path,
    numero: str,
    type_declare: str | None,
    sha256: str,
) -> dict[str, int]:
    """One piece an applicant uploaded for ``numero``: checked, classified, attached, notified.

    The upload is a lot of one dossier with no separator page; a refused file
    becomes a rejected piece whose French reason the applicant receives by mail.
    """
    from scanning.manifest import Dossier, Manifest, Role
    from scanning.pieces import traiter_televersement as traiter
    from sne.services.rattachement import enregistrer_dossier

    travail = ctx.settings.storage / "lots" / str(lot_id)
    piece = traiter(original, travail, type_declare=type_declare)
    pages = piece.pages or (0,)  # a refused file still counts as the page it was
    dossier = Dossier(0, Role.PIECE, numero, -1, pages)
    manifest = Manifest(original.name, sha256, len(pages), (), dossiers=(dossier,))
    lots.enregistrer_manifeste(ctx.uow(), lot_id, manifest)
    decoupee = _decoupee(piece, pages)
    enregistrer_dossier(ctx.uow(), lot_id, dossier, lambda: [decoupee], ctx.settings.storage)
    bilan = terminer_lot(ctx, lot_id)
    shutil.rmtree(travail, ignore_errors=True)
    return bilan


def _decoupee(piece: PieceTraitee, pages: tuple[int, ...]) -> PieceDecoupee:
    """The attachment record of a piece from ``scanning.pieces`` (pages of the batch)."""
    from sne.services.rattachement import PieceDecoupee

    return PieceDecoupee(
        rang=piece.rang,
        pages=pages,
        type=piece.type,
        confiance=piece.confiance,
        statut=piece.statut,
        motif_rejet=piece.motif_rejet,
        fichier=piece.fichier,
        taille_originale=piece.taille_originale,
        taille=piece.taille,
        traitement={"etapes": list(piece.traitement)},
        sensible=bool(piece.sensible),
    )


def decouper(pdf: Path | None, out_dir: Path, dossier: Dossier) -> list[PieceDecoupee]:
    """Cut and classify one dossier's PDF with ``scanning.pieces`` (the glue to the library)."""
    from scanning.pieces import traiter_dossier

    if pdf is None:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    traite = traiter_dossier(pdf, out_dir, declared_documents=dossier.declared_documents)
    pieces = []
    for piece in traite.pieces:
        pages = tuple(int(p) for p in piece.pages)
        if all(0 <= p < len(dossier.pages) for p in pages):
            pages = tuple(dossier.pages[p] for p in pages)  # dossier-relative -> batch pages
        pieces.append(_decoupee(piece, pages))
    return pieces


def terminer_lot(ctx: Contexte, lot_id: int) -> dict[str, int]:
    """Mark the lot processed (or to review), its sendings processed, then prepare the mails."""
    from sne.models import Envoi, Lot, LotDossier

    with ctx.uow() as uow:
        session = uow.session
        lot = session.get(Lot, lot_id)
        assert lot is not None and lot.manifest is not None
        dossiers = session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id)).all()
        rattaches = [d for d in dossiers if d.statut == "rattache"]
        hors_dossier = [
            p for p in lot.manifest.get("pages", ()) if p["role"] in ("orpheline", "illisible")
        ]
        complet = len(rattaches) == len(dossiers) == lot.dossiers_total and not hors_dossier
        lot.statut = "traite" if complet else "a_revoir"
        lot.pages_faites = lot.pages_total
        lot.traite_le = utcnow()
        par_envoi: dict[int, list[LotDossier]] = {}
        for dossier in dossiers:
            if dossier.envoi_index is not None:
                par_envoi.setdefault(dossier.envoi_index, []).append(dossier)
        for groupe in par_envoi.values():  # a sending is processed once all its dossiers are
            envoi_id = next((d.envoi_id for d in groupe if d.envoi_id is not None), None)
            envoi = session.get(Envoi, envoi_id) if envoi_id is not None else None
            if envoi is not None and all(d.statut == "rattache" for d in groupe):
                envoi.statut = "traite"
        tracer(
            session,
            SYSTEME,
            entite="lot",
            entite_id=lot_id,
            action="traitement",
            changements={
                "statut": lot.statut,
                "rattaches": len(rattaches),
                "dossiers": len(dossiers),
            },
        )
        bilan = {"dossiers": len(dossiers), "rattaches": len(rattaches), "pieces": 0}
        uow.commit()
    prepares = notifications.preparer_notifications(
        ctx.uow(), lot_id, planificateur_mails(ctx.settings)
    )
    bilan["notifications"] = len(prepares)
    return bilan


def envoyer_notification(ctx: Contexte, *, notification_id: int) -> str:
    """Send one notification mail; a failure is recorded, then raised so the queue retries it."""
    return notifications.envoyer(
        ctx.uow(), notification_id, envoyeur(ctx.settings), ctx.settings.mail_from
    )


JOBS: dict[str, Callable[..., Any]] = {
    "cycle_quotidien": cycle_quotidien,
    "traiter_lot": traiter_lot,
    "envoyer_notification": envoyer_notification,
}


def run(job: str, arguments: dict[str, Any], *, settings: Settings) -> Any:
    """Run ``job`` with ``arguments`` in the context of ``settings``."""
    try:
        function = JOBS[job]
    except KeyError:
        raise ValueError(f"unknown job {job!r}") from None
    return function(_contexte(settings), **arguments)


def run_from_rq(job: str, arguments: dict[str, Any]) -> Any:
    """Entry point of RQ workers: settings come from this process's environment."""
    return run(job, arguments, settings=Settings.from_env())
