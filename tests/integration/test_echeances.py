"""The two-working-day commitment: due today, late, one alert per late batch, daily run twice."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner

from sne.cli import main
from sne.models import Historique, Lot
from sne.services import echeances, lots
from tests.integration.test_lots import OPERATEUR, Chaine, chaine  # noqa: F401 - fixture
from workers.jobs import cycle_quotidien


def _lot(chaine: Chaine, tmp_path: Path) -> int:  # noqa: F811 - the fixture imported above
    settings, uow, ref, _ = chaine
    source = tmp_path / "lot.pdf"
    source.write_bytes(b"%PDF-1.4 lot")
    return lots.deposer(
        uow(),
        OPERATEUR,
        source,
        canal="courrier_guichet",
        storage=settings.storage,
        enqueue=lambda _: None,  # never processed: it stays open
        guichet=ref.guichet,
        recu_le=datetime(2026, 4, 2, 16, 0),  # Thursday before Easter
    ).id


def test_due_and_late_batches_and_a_single_alert(chaine: Chaine, tmp_path: Path) -> None:  # noqa: F811
    _, uow, _, _ = chaine
    lot_id = _lot(chaine, tmp_path)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.echeance == date(2026, 4, 7)  # Friday, Easter Monday off
    assert echeances.ouverts(uow(), date(2026, 4, 6)) == []
    [du] = echeances.ouverts(uow(), date(2026, 4, 7))
    assert (du.id, du.en_retard) == (lot_id, False)
    [retard] = echeances.ouverts(uow(), date(2026, 4, 8))
    assert retard.en_retard
    envoyes: list[EmailMessage] = []
    kwargs = {"envoyer": envoyes.append, "expediteur": "sne@x.fr", "destinataire": "ops@x.fr"}
    assert echeances.alerter_retards(uow(), date(2026, 4, 7), **kwargs) == []  # type: ignore[arg-type]
    assert echeances.alerter_retards(uow(), date(2026, 4, 8), **kwargs) == [lot_id]  # type: ignore[arg-type]
    assert echeances.alerter_retards(uow(), date(2026, 4, 9), **kwargs) == []  # type: ignore[arg-type]
    assert len(envoyes) == 1 and "en retard" in str(envoyes[0]["Subject"])
    with uow() as unit:
        traces = unit.session.query(Historique).filter_by(action="alerte_retard").count()
        assert traces == 1


def test_daily_run_twice_alerts_once(chaine: Chaine, tmp_path: Path) -> None:  # noqa: F811
    _, _, _, ctx = chaine
    _lot(chaine, tmp_path)
    premier = cycle_quotidien(ctx, jour="2026-04-10")
    second = cycle_quotidien(ctx, jour="2026-04-10")
    assert premier["lots_en_retard_alertes"] == 1
    assert second == {**premier, "lots_en_retard_alertes": 0}


def test_operators_list_what_is_due_from_the_command_line(chaine: Chaine, tmp_path: Path) -> None:  # noqa: F811
    settings, _, _, _ = chaine
    _lot(chaine, tmp_path)
    env = {"SNE_VAR_DIR": str(settings.var_dir), "DATABASE_URL": settings.database_url}
    sortie = CliRunner().invoke(main, ["lots", "echeances", "--date", "2026-04-08"], env=env)
    assert sortie.exit_code == 0, sortie.output
    assert "0 lot(s) à traiter aujourd'hui, 1 en retard" in sortie.output
    assert "EN RETARD" in sortie.output and "échéance 07/04/2026" in sortie.output
    courriels = CliRunner().invoke(main, ["lots", "notifications"], env=env)
    assert courriels.exit_code == 0 and "0 courriel(s) non envoyé(s)" in courriels.output
