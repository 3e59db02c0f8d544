"""A batch that fails ends visibly failed with a French reason, which an operator re-runs or closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from scanning.manifest import Anomaly, Manifest, PageRecord, Role
from sne.cli import main
from sne.models import Historique, Lot
from sne.services import exploitation_lots, lots
from tests.factories import OPERATEUR, Chaine, deposer_envoi, pdf_valide
from tests.factories import enregistrer_demande as _demande
from workers import jobs
from workers.jobs import traiter_lot

INTERNE = "'NoneType' object has no attribute 'get'"


def _cli(chaine: Chaine, *arguments: str) -> Result:
    settings = chaine.settings
    env = {
        "SNE_VAR_DIR": str(settings.var_dir),
        "DATABASE_URL": settings.database_url,
        "SNE_SECRET_KEY": settings.secret_key,
    }
    return CliRunner().invoke(main, list(arguments), env=env)


def _casser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the split fail the way a library bug does: with Python's own text."""

    def decouper(*_: object) -> Manifest:
        raise AttributeError(INTERNE)

    monkeypatch.setattr(jobs, "decouper_lot", decouper)


def _lot(chaine: Chaine, lot_id: int) -> Lot:
    with chaine.uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        unit.session.expunge(lot)
        return lot


def test_a_failed_batch_is_visible_in_french_then_re_run_by_an_operator(
    chaine: Chaine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lot_id = deposer_envoi(chaine, tmp_path)
    _casser(monkeypatch)
    assert traiter_lot(chaine.ctx, lot_id) == {"dossiers": 0, "erreur": 1}  # nothing raised
    lot = _lot(chaine, lot_id)
    assert lot.statut == "erreur" and lot.erreur == exploitation_lots.MOTIF_ECHEC.format(id=lot_id)
    sortie = _cli(chaine, "lots", "show", str(lot_id))
    assert sortie.exit_code == 0 and "en erreur, à relancer ou à clore" in sortie.output
    assert "erreur inattendue" in sortie.output and "NoneType" not in sortie.output
    assert not list(chaine.settings.outbox.glob("*.eml"))  # no mail carries the failure
    assert "Aucun lot inachevé." in _cli(chaine, "lots", "relancer").output  # failed: by id only
    monkeypatch.undo()  # the defect is fixed
    sortie = _cli(chaine, "lots", "relancer", str(lot_id))
    assert sortie.exit_code == 0 and f"lot n° {lot_id} relancé" in sortie.output
    lot = _lot(chaine, lot_id)
    assert (lot.statut, lot.erreur, lot.dossiers_faits) == ("traite", None, 2)
    for mail in chaine.settings.outbox.glob("*.eml"):
        assert "NoneType" not in mail.read_text(encoding="utf-8", errors="replace")
    with chaine.uow() as unit:
        actions = set(
            unit.session.scalars(
                select(Historique.action).where(
                    Historique.entite == "lot", Historique.entite_id == str(lot_id)
                )
            )
        )
    assert {"echec", "relance"} <= actions


def test_a_failing_deposit_from_the_command_line_says_so_in_french_without_a_traceback(
    chaine: Chaine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _casser(monkeypatch)
    source = pdf_valide(tmp_path / "courrier.pdf", pages=2)
    sortie = _cli(
        chaine,
        "lots",
        "deposer",
        str(source),
        "--canal",
        "courrier_demandeur",
        "--territoire",
        "013",
    )
    assert sortie.exit_code == 0, sortie.output
    assert "Traitement : en erreur, à relancer ou à clore." in sortie.output
    assert "erreur inattendue" in sortie.output
    assert "Traceback" not in sortie.output and "NoneType" not in sortie.output
    journal = chaine.settings.var_dir / "log" / "workers.log"
    assert INTERNE in journal.read_text(encoding="utf-8")  # the detail is in the log


def test_an_operator_closes_a_failed_batch_with_a_reason(
    chaine: Chaine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lot_id = deposer_envoi(chaine, tmp_path)
    _casser(monkeypatch)
    traiter_lot(chaine.ctx, lot_id)
    sortie = _cli(chaine, "lots", "clore", str(lot_id), "--motif", "   ")
    assert sortie.exit_code == 1 and "Précisez le motif" in sortie.output
    sortie = _cli(chaine, "lots", "clore", str(lot_id), "--motif", "Lot renvoyé par le guichet")
    assert sortie.exit_code == 0, sortie.output
    lot = _lot(chaine, lot_id)
    assert (lot.statut, lot.motif_cloture) == ("clos", "Lot renvoyé par le guichet")
    assert "motif de la clôture : Lot renvoyé" in _cli(chaine, "lots", "show", str(lot_id)).output
    sortie = _cli(chaine, "lots", "relancer", str(lot_id))
    assert sortie.exit_code == 1 and "a été clos" in sortie.output
    assert "Traceback" not in sortie.output
    assert traiter_lot(chaine.ctx, lot_id) == {"ignore": 1}  # a closed lot is never processed
    sortie = _cli(chaine, "lots", "clore", str(lot_id), "--motif", "encore")
    assert sortie.exit_code == 1 and "LOT_TERMINE" in sortie.output
    with chaine.uow() as unit:
        (trace,) = unit.session.scalars(
            select(Historique).where(
                Historique.entite_id == str(lot_id), Historique.action == "cloture"
            )
        )
        assert "Lot renvoyé par le guichet" in str(trace.changements)


def test_exception_text_from_the_scanning_library_never_reaches_a_user(
    chaine: Chaine, tmp_path: Path
) -> None:
    lot_id = deposer_envoi(chaine, tmp_path)
    note = f"Page illisible : {INTERNE}"
    manifest = Manifest(
        "lot.pdf",
        "x",
        1,
        (PageRecord(0, Role.ILLISIBLE, note=note),),
        anomalies=(Anomaly("page_illisible", f"Page 1 : {note}. Vérification nécessaire."),),
    )
    stocke = lots.enregistrer_manifeste(chaine.uow(), lot_id, manifest)
    assert INTERNE not in str(stocke.to_dict())
    assert stocke.anomalies[0].message == (
        "Page 1 : Page illisible : son image n'a pas pu être décodée. Vérification nécessaire."
    )
    assert INTERNE not in str(_lot(chaine, lot_id).manifest)


def test_an_upload_refused_for_its_77_pages_is_reported_rejected_with_its_pages(
    chaine: Chaine, tmp_path: Path
) -> None:
    from sne.acteurs import PORTAIL
    from sne.models import LotDossier, Piece
    from workers.enqueue import enqueue_traiter_lot
    from workers.queue import InProcessQueue

    numero = _demande(chaine.ref)
    queue = InProcessQueue(chaine.settings, chaine.ctx.session_factory)
    lot_id = lots.deposer(
        chaine.uow(),
        PORTAIL,
        pdf_valide(tmp_path / "tout.pdf", pages=77),
        canal="portail_demandeur",
        storage=chaine.settings.storage,
        enqueue=lambda lot: _ignorer(enqueue_traiter_lot(queue, lot)),
        numero=numero,
    ).id
    assert queue.failures == []
    with chaine.uow() as unit:
        (piece,) = unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id))
        (dossier,) = unit.session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id))
        assert (piece.statut, piece.pages) == ("rejetee", 77)
        assert dossier.statut == "rejete" and "77 pages" in (dossier.motif or "")
    assert _lot(chaine, lot_id).statut == "traite"
    sortie = _cli(chaine, "lots", "show", str(lot_id)).output
    assert "rejeté : Le PDF a 77 pages" in sortie and "rattaché" not in sortie
    assert "77/77 pages" in sortie
    (mail,) = chaine.settings.outbox.glob("*.eml")
    texte = mail.read_bytes().decode("utf-8", errors="replace")
    assert "Non rattach" not in texte


def _ignorer(_: object) -> None:
    """Drop a job id: the deposit's enqueue callback returns nothing."""


def test_operators_only_re_run_or_close_lots(chaine: Chaine, tmp_path: Path) -> None:
    from sne.errors import Forbidden

    lot_id = lots.deposer(
        chaine.uow(),
        OPERATEUR,
        pdf_valide(tmp_path / "lot.pdf"),
        canal="courrier_demandeur",
        storage=chaine.settings.storage,
        enqueue=lambda _: None,
        territoire="013",
    ).id
    with pytest.raises(Forbidden):
        exploitation_lots.clore(chaine.uow(), chaine.ref.agent, lot_id, "non")
    with pytest.raises(Forbidden):
        exploitation_lots.rouvrir(chaine.uow(), chaine.ref.agent, lot_id)
