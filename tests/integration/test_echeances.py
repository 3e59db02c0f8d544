"""The two-working-day commitment: due today, late, one alert per late item, daily run twice."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from scanning.split import split_batch
from sne.cli import main
from sne.documents.cles import keyring_for
from sne.mail import envoyeur
from sne.models import Envoi, Historique, Lot, Notification
from sne.services import echeances, lots, notifications
from tests.factories import OPERATEUR, Chaine, deposer_envoi, pdf_valide
from workers.jobs import cycle_quotidien, traiter_lot

RECU = datetime(2026, 4, 2, 16, 0)  # Thursday before Easter: due Tuesday 7 (Monday is off)


def _lot(chaine: Chaine, tmp_path: Path) -> int:
    settings, uow, ref, _ = chaine
    source = tmp_path / "lot.pdf"
    pdf_valide(source)
    return lots.deposer(
        uow(),
        OPERATEUR,
        source,
        canal="courrier_guichet",
        storage=settings.storage,
        enqueue=lambda _: None,  # never processed: it stays open
        guichet=ref.guichet,
        recu_le=RECU,
    ).id


def test_due_and_late_batches_and_a_single_alert(chaine: Chaine, tmp_path: Path) -> None:
    settings, uow, _, _ = chaine
    lot_id = _lot(chaine, tmp_path)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.echeance == date(2026, 4, 7)
    assert echeances.ouverts(uow(), date(2026, 4, 6)) == []
    [du] = echeances.ouverts(uow(), date(2026, 4, 7))
    assert (du.nature, du.id, du.en_retard) == ("lot", lot_id, False)
    [retard] = echeances.ouverts(uow(), date(2026, 4, 8))
    assert retard.en_retard
    planifiees: list[int] = []
    kwargs = {"destinataire": "ops@x.fr", "planifier": planifiees.append}
    assert echeances.alerter_retards(uow(), date(2026, 4, 7), **kwargs) == []  # type: ignore[arg-type]
    assert echeances.alerter_retards(uow(), date(2026, 4, 8), **kwargs) == [f"lot:{lot_id}"]  # type: ignore[arg-type]
    assert echeances.alerter_retards(uow(), date(2026, 4, 9), **kwargs) == []  # type: ignore[arg-type]
    # The alert is a notification like the others: sent after the commit, retried if it fails.
    [notification_id] = planifiees
    assert notifications.envoyer(uow(), notification_id, envoyeur(settings), "sne@x.fr") == (
        "envoyee"
    )
    [fichier] = settings.outbox.glob("*.eml")
    mail = message_from_bytes(fichier.read_bytes())
    assert mail["To"] == "ops@x.fr" and "en retard" in str(mail["Subject"])
    with uow() as unit:
        traces = unit.session.query(Historique).filter_by(action="alerte_retard").count()
        assert traces == 1


def test_without_an_alert_address_the_alert_is_traced_not_mailed(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    _, uow, _, _ = chaine
    lot_id = _lot(chaine, tmp_path)
    planifiees: list[int] = []
    alertes = echeances.alerter_retards(
        uow(), date(2026, 4, 8), destinataire=None, planifier=planifiees.append
    )
    assert alertes == [f"lot:{lot_id}"] and planifiees == []
    with uow() as unit:
        assert unit.session.scalar(select(Notification.id)) is None
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.alerte_retard_le is not None


def test_a_received_sending_carries_its_due_date_until_all_its_dossiers_are_attached(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    settings, uow, _ref, ctx = chaine
    lot_id = deposer_envoi(chaine, tmp_path, recu_le=RECU)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        original = settings.storage / lot.storage_key
        [envoi] = unit.session.scalars(select(Envoi)).all()
        assert (envoi.statut, envoi.echeance) == ("prepare", None)  # not received yet
    # The split reads the bordereau: the sending is received with the batch.
    lots.enregistrer_manifeste(uow(), lot_id, split_batch(original, keyring_for(settings)))
    with uow() as unit:
        envoi = unit.session.scalars(select(Envoi)).one()
        assert (envoi.statut, envoi.lot_id) == ("recu", lot_id)
        assert (envoi.recu_le, envoi.echeance) == (RECU, date(2026, 4, 7))
        identifiant, envoi_id = envoi.identifiant, envoi.id
    retards = echeances.ouverts(uow(), date(2026, 4, 8))
    assert [(e.nature, e.en_retard) for e in retards] == [("envoi", True), ("lot", True)]
    assert identifiant in retards[0].libelle and "G1301" in retards[0].libelle
    planifiees: list[int] = []
    alertes = echeances.alerter_retards(
        uow(), date(2026, 4, 8), destinataire="ops@x.fr", planifier=planifiees.append
    )
    assert sorted(alertes) == sorted([f"lot:{lot_id}", f"envoi:{envoi_id}"])
    with uow() as unit:
        [notification] = unit.session.scalars(select(Notification)).all()
        assert notification.type == "alerte_retard" and identifiant in notification.corps
    # Processed: every dossier attached, the sending is done and nothing is due any more.
    traiter_lot(ctx, lot_id)
    with uow() as unit:
        assert unit.session.scalars(select(Envoi.statut)).one() == "traite"
    assert echeances.ouverts(uow(), date(2026, 4, 8)) == []


def test_daily_run_twice_alerts_once(chaine: Chaine, tmp_path: Path) -> None:
    _, _, _, ctx = chaine
    _lot(chaine, tmp_path)
    premier = cycle_quotidien(ctx, jour="2026-04-10")
    second = cycle_quotidien(ctx, jour="2026-04-10")
    assert premier["retards_alertes"] == 1
    assert second == {**premier, "retards_alertes": 0}


def test_operators_list_what_is_due_from_the_command_line(chaine: Chaine, tmp_path: Path) -> None:
    settings, _, _, _ = chaine
    _lot(chaine, tmp_path)
    env = {"SNE_VAR_DIR": str(settings.var_dir), "DATABASE_URL": settings.database_url}
    sortie = CliRunner().invoke(main, ["lots", "echeances", "--date", "2026-04-08"], env=env)
    assert sortie.exit_code == 0, sortie.output
    assert "0 élément(s) à traiter aujourd'hui, 1 en retard" in sortie.output
    assert "EN RETARD" in sortie.output and "échéance 07/04/2026" in sortie.output
    courriels = CliRunner().invoke(main, ["lots", "notifications"], env=env)
    assert courriels.exit_code == 0 and "0 courriel(s) non envoyé(s)" in courriels.output
