"""The portals' embedded job queue: a thread of the web process, and the sweep at its start."""

from __future__ import annotations

from pathlib import Path

from sne.config import Settings
from sne.models import Lot
from tests.factories import Chaine, deposer_envoi
from workers.queue import BackgroundQueue, make_queue


def _statut(chaine: Chaine, lot_id: int) -> str:
    with chaine.uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        return lot.statut


def test_without_redis_a_web_process_gets_a_running_background_queue(tmp_var: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_var / 'sne.sqlite3'}", var_dir=tmp_var, secret_key="k" * 40
    )
    queue = make_queue(settings, arriere_plan=True)
    assert isinstance(queue, BackgroundQueue)
    assert queue.enqueue("job_inconnu", lot_id=1) == "fond-1"
    queue.attendre()  # the unknown job failed in the thread, was logged, and the thread goes on
    assert queue.enqueue("job_inconnu", lot_id=2) == "fond-2"
    queue.attendre()


def test_the_first_queue_to_start_processes_the_lots_a_previous_run_left(
    chaine: Chaine, tmp_path: Path
) -> None:
    lot_id = deposer_envoi(chaine, tmp_path)  # recorded, never queued: as if the process died
    assert _statut(chaine, lot_id) == "recu"
    premiere = BackgroundQueue(chaine.settings, chaine.ctx.session_factory).demarrer()
    seconde = BackgroundQueue(chaine.settings, chaine.ctx.session_factory).demarrer()
    premiere.attendre()
    seconde.attendre()
    assert _statut(chaine, lot_id) == "traite"
    # One sweep per machine, not per process (the first queue also sent the mail job).
    assert premiere._count >= 1 and seconde._count == 0
