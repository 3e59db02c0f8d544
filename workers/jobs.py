"""Job functions: identifiers in, a service called in its own unit of work, the next job enqueued.

Each job receives a ``JobContext`` (settings, session factory, the queue for
follow-up jobs, the file store) built by ``workers.queue``, which registers the
jobs by name; nothing here knows whether it runs in-process or on RQ.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from sne.acteurs import SYSTEME
from sne.config import Settings
from sne.mail import envoyeur
from sne.services import (
    controle_depot,
    cycle,
    exploitation_lots,
    idempotence,
    jetons,
    lots,
    notifications,
    rattachement,
)
from sne.services.notifications import Planifier
from sne.stockage import FileStore
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue, enqueue_envoyer_notification
from workers.planning import aujourd_hui, planifier_cycle

if TYPE_CHECKING:
    from scanning.manifest import Dossier, Manifest
    from scanning.pieces import PieceTraitee
    from sne.services.rattachement import PieceDecoupee

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    """What a job needs: settings, the session factory, the queue for what follows, the store."""

    settings: Settings
    session_factory: sessionmaker[Session]
    queue: JobQueue
    store: FileStore

    def uow(self) -> UnitOfWork:
        """A new unit of work on the job's database."""
        return UnitOfWork(self.session_factory)

    def planifier_mail(self) -> Planifier:
        """Enqueue the sending of a prepared notification (its id) after the commit."""
        return lambda notification_id: _enqueue_mail(self.queue, notification_id)


def _enqueue_mail(queue: JobQueue, notification_id: int) -> None:
    enqueue_envoyer_notification(queue, notification_id)


def executer_cycle(
    ctx: JobContext, jour: date, territoire: str | None = None
) -> cycle.BilanQuotidien:
    """Run the cycle quotidien service with the settings' mail, store and alert address."""
    bilan = cycle.cycle_quotidien(
        ctx.uow(),
        SYSTEME,
        jour,
        envoyer=envoyeur(ctx.settings),
        expediteur=ctx.settings.mail_from,
        store=ctx.store,
        alerte_a=ctx.settings.alert_to,
        planifier=ctx.planifier_mail(),
        territoire=territoire,
        portail_public=ctx.settings.public_url,
    )
    # API tokens about to expire: their guichet's référent is warned once (sne.services.jetons).
    jetons.avertir_expirations(
        ctx.uow(), jour, envoyer=envoyeur(ctx.settings), expediteur=ctx.settings.mail_from
    )
    idempotence.purger(ctx.uow(), jour)  # the API's stored replies, once no retry can come
    jetons.purger_appels(ctx.uow(), jour)  # the trace of API calls, after a year
    return bilan


def cycle_quotidien(
    ctx: JobContext, *, jour: str | None = None, territoire: str | None = None
) -> dict[str, int]:
    """Run the cycle quotidien of ``jour`` (ISO date; today in Paris by default); safe twice.

    On Redis, the run then schedules the next day's (``workers.planning``).
    """
    bilan = executer_cycle(ctx, date.fromisoformat(jour) if jour else aujourd_hui(), territoire)
    if ctx.settings.redis_url:
        planifier_cycle(ctx.settings)
    return {
        "retards_alertes": len(bilan.alertes),
        "preavis_email": len(bilan.cycle.preavis_email),
        "preavis_courrier": len(bilan.cycle.preavis_courrier),
        "radiees": len(bilan.cycle.radiees),
        "purgees": len(bilan.cycle.purgees),
        "brouillons_purges": bilan.brouillons_purges,
    }


def traiter_lot(ctx: JobContext, lot_id: int) -> dict[str, int]:
    """Process the batch ``lot_id``; if it fails, leave it visibly failed (``erreur``) with a French reason.

    The exception and its traceback go to the log only: users, ``sne lots show``
    and mails read a French sentence. An operator then re-runs the lot
    (``sne lots relancer ID``) or closes it (``sne lots clore ID --motif …``).
    """
    from scanning.errors import ScanError

    try:
        return _traiter_lot(ctx, lot_id)
    except ScanError as erreur:
        log.exception("lot %s: the scanning library refused it", lot_id)
        exploitation_lots.echouer(ctx.uow(), lot_id, erreur.message)
    except Exception:
        log.exception("lot %s: processing failed", lot_id)
        exploitation_lots.echouer(ctx.uow(), lot_id)
    return {"dossiers": 0, "erreur": 1}


def _traiter_lot(ctx: JobContext, lot_id: int) -> dict[str, int]:
    """Split, cut, match and attach the batch ``lot_id``, one short commit per dossier; resumable.

    Splitting, cutting and OCR run outside any transaction. A crash loses at most
    the dossier in flight: a re-run reuses the stored manifest, skips the dossiers
    already recorded and never attaches a piece twice.
    """
    lot = lots.a_traiter(ctx.uow(), lot_id)
    if lot is None:
        return {"ignore": 1}
    travail = ctx.settings.storage / "lots" / str(lot_id)  # this machine's working files
    with ctx.store.local_copy(lot.storage_key, travail) as original:
        if lot.televersement:
            return traiter_televersement(ctx, lot, original, travail)
        manifest = lot.manifest
        if manifest is None:  # a re-run reuses the stored split
            manifest = lots.enregistrer_manifeste(
                ctx.uow(), lot_id, decouper_lot(ctx.settings, original)
            )
        if manifest.error:
            return {"dossiers": 0, "erreur": 1}
        faits = lots.dossiers_faits(ctx.uow(), lot_id)
        a_faire = [d for d in manifest.dossiers if d.index not in faits]
        fichiers = dossier_pdfs(original, manifest, travail) if a_faire else {}
        for dossier in a_faire:
            _rattacher(ctx, lot_id, manifest, dossier, fichiers.get(dossier.index), travail)
    bilan = _terminer(ctx, lot_id)
    dessiner_vignettes(ctx, lot_id)
    # Working files: the pieces are stored by hash; dossier PDFs stay only for operators.
    shutil.rmtree(travail / "pieces", ignore_errors=True)
    if bilan["rattaches"] == bilan["dossiers"] == len(manifest.dossiers):
        shutil.rmtree(travail, ignore_errors=True)
    return bilan


def dessiner_vignettes(ctx: JobContext, lot_id: int) -> None:
    """Draw the lot's page thumbnails once for the console; if this fails, the first view does."""
    from sne.services.resolution import vignettes

    try:
        vignettes.generer(ctx.uow(), ctx.store, lot_id)
    except Exception:
        log.exception("lot %s: thumbnails not drawn (each is drawn at its first view)", lot_id)


def dossier_pdfs(original: Path, manifest: Manifest, travail: Path) -> dict[int, Path]:
    """Write one PDF per dossier of the batch (working files, on this machine)."""
    from scanning.output import write_dossier_pdfs

    return write_dossier_pdfs(original, manifest, travail / "dossiers")


def decouper_lot(settings: Settings, original: Path) -> Manifest:
    """Split the batch at its separators, then complete it by OCR (attestations, fiches)."""
    from scanning.imprime import completer_attestations, lire_fiches
    from scanning.split import split_batch
    from sne.documents.cles import keyring_for

    manifest = split_batch(original, keyring_for(settings), decoder=settings.qr_decoder)
    return lire_fiches(original, completer_attestations(original, manifest))


def _rattacher(
    ctx: JobContext,
    lot_id: int,
    manifest: Manifest,
    dossier: Dossier,
    pdf: Path | None,
    travail: Path,
) -> None:
    """Match one dossier, cut and store its pieces when matched, then record it in one commit."""
    issue = rattachement.rapprocher_dossier(ctx.uow(), lot_id, manifest, dossier)
    pieces: list[PieceDecoupee] = []
    if issue.statut == "rattache":  # only matched dossiers are cut and classified
        pieces = decouper(pdf, travail / "pieces" / str(dossier.index), dossier)
    stockees = rattachement.stocker_pieces(ctx.store, pieces)
    rattachement.enregistrer_dossier(ctx.uow(), lot_id, dossier, issue, stockees)


def traiter_televersement(
    ctx: JobContext, lot: lots.LotATraiter, original: Path, travail: Path
) -> dict[str, int]:
    """One piece an applicant uploaded for its demande: checked, classified, attached, notified.

    The upload is a lot of one dossier with no separator page; a refused file
    becomes a rejected piece whose French reason the applicant receives by mail.
    """
    from scanning.manifest import Dossier, Manifest, Role
    from scanning.pieces import traiter_televersement as traiter

    assert lot.numero is not None
    piece = traiter(original, travail, type_declare=lot.type_declare)
    # A refused file still counts as the pages it has (one for an image or an unreadable file).
    pages = piece.pages or tuple(range(controle_depot.nombre_de_pages(original)))
    dossier = Dossier(0, Role.PIECE, lot.numero, -1, pages)
    manifest = Manifest(lot.nom_fichier, lot.sha256, len(pages), (), dossiers=(dossier,))
    manifest = lots.enregistrer_manifeste(ctx.uow(), lot.id, manifest)
    issue = rattachement.rapprocher_dossier(ctx.uow(), lot.id, manifest, dossier)
    pieces = [_decoupee(piece, pages)] if issue.statut == "rattache" else []
    stockees = rattachement.stocker_pieces(ctx.store, pieces)
    rattachement.enregistrer_dossier(ctx.uow(), lot.id, dossier, issue, stockees)
    bilan = _terminer(ctx, lot.id)
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


def _terminer(ctx: JobContext, lot_id: int) -> dict[str, int]:
    """Close the lot (service), then prepare its notification mails and enqueue their sending."""
    bilan = lots.terminer(ctx.uow(), lot_id)
    prepares = notifications.preparer_notifications(ctx.uow(), lot_id, ctx.planifier_mail())
    return {
        "dossiers": bilan.dossiers,
        "rattaches": bilan.rattaches,
        "pieces": 0,
        "notifications": len(prepares),
    }


def envoyer_notification(ctx: JobContext, *, notification_id: int) -> str:
    """Send one notification mail; a failure is recorded, then raised so the queue retries it."""
    return notifications.envoyer(
        ctx.uow(), notification_id, envoyeur(ctx.settings), ctx.settings.mail_from
    )
