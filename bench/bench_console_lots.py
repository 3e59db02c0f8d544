"""The console's lot page: thumbnails drawn per second, and the page of a 500-page lot (PostgreSQL).

A 500-page batch (bordereaux, fiches, pieces at 150 dpi) is generated with
``synth`` and split for real (separators and fiches read); its numéros name no
demande of the database, so every dossier waits for an operator, the case the
console exists for. Measured: thumbnails drawn and stored per second
(``resolution.vignettes.generer``, one process), then the lot's page (60 pages a
screen, every dossier listed) served by the portal in-process to a signed-in
operator once thumbnails exist: p50 and p95 over ``REQUETES`` requests across
all its screens. Target (issue 15): p95 ≤ 200 ms.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import report
from guichet_portal import create_app
from sne import migrate
from sne.acteurs import ADMIN_CLI, Acteur
from sne.config import Settings
from sne.db import make_session_factory
from sne.documents.cles import keyring_for
from sne.services import lots, rattachement, referentiel
from sne.services.resolution import vignettes, vue
from sne.stockage import store_for
from sne.uow import UnitOfWork
from synth.batch import BatchSpec, generate_batch
from tests.factories import Referentiel
from workers.jobs import decouper_lot

POSTGRES = os.environ.get(
    "SNE_BENCH_CONSOLE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_console"
)
PAGES = int(os.environ.get("SNE_BENCH_CONSOLE_PAGES", "500"))
REQUETES = int(os.environ.get("SNE_BENCH_CONSOLE_REQUETES", "200"))
MOT_DE_PASSE = "banc-essai-console-2026"
TARGET_P95_MS = 200.0
OPERATEUR = Acteur(
    utilisateur_id=None, login="operateur", role="operateur_numerisation", territoire_code="013"
)


def _lot(settings: Settings, uow: Callable[[], UnitOfWork], ref: Referentiel, travail: Path) -> int:
    """Generate, deposit and split a batch of about ``PAGES`` pages; every dossier waits."""
    chemin = travail / "lot.pdf"
    generate_batch(chemin, BatchSpec(pages=PAGES, dpi=150), seed=15, keyring=keyring_for(settings))
    store = store_for(settings)
    lot_id = lots.deposer(
        uow(),
        OPERATEUR,
        chemin,
        canal="courrier_guichet",
        storage=store,
        enqueue=lambda _: None,
        guichet=ref.guichet,
    ).id
    manifest = lots.enregistrer_manifeste(uow(), lot_id, decouper_lot(settings, chemin))
    for dossier in manifest.dossiers:
        issue = rattachement.rapprocher_dossier(uow(), lot_id, manifest, dossier)
        rattachement.enregistrer_dossier(uow(), lot_id, dossier, issue)
    lots.terminer(uow(), lot_id)
    return lot_id


def main() -> None:
    """Measure and write var/bench/console_lots.json."""
    engine = migrate.recreer_base_postgres(POSTGRES)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    with tempfile.TemporaryDirectory(prefix="sne-bench-console-") as dossier:
        travail = Path(dossier)
        settings = Settings(database_url=POSTGRES, var_dir=travail, secret_key="c" * 40)
        ref = Referentiel(uow)
        referentiel.creer_utilisateur(
            uow(),
            ADMIN_CLI,
            login="banc.operateur",
            nom="Banc",
            prenom="Opérateur",
            role="operateur_numerisation",
            mot_de_passe=MOT_DE_PASSE,
            provisoire=False,
        )
        lot_id = _lot(settings, uow, ref, travail)
        etat = vue.consulter(uow(), ADMIN_CLI, lot_id)
        debut = time.perf_counter()
        dessinees = vignettes.generer(uow(), store_for(settings), lot_id)
        duree = time.perf_counter() - debut
        app = create_app(settings)
        client = app.test_client()
        page = client.get("/connexion").get_data(as_text=True)
        jeton = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        connexion = client.post(
            "/connexion",
            data={
                "identifiant": "banc.operateur",
                "mot_de_passe": MOT_DE_PASSE,
                "csrf_token": jeton,
            },
        )
        assert connexion.status_code == 302, connexion.status_code
        ecrans = etat.nb_pages_liste
        for n in range(1, ecrans + 1):  # warm-up: templates compiled, connections open
            assert client.get(f"/console/lots/{lot_id}?page={n}").status_code == 200
        temps = []
        for i in range(REQUETES):
            debut_requete = time.perf_counter()
            reponse = client.get(f"/console/lots/{lot_id}?page={i % ecrans + 1}")
            temps.append((time.perf_counter() - debut_requete) * 1000)
            assert reponse.status_code == 200
        quantiles = statistics.quantiles(temps, n=100)
        report(
            "console_lots",
            {
                "pages_lot": etat.page_count,
                "dossiers": len(etat.dossiers),
                "ecrans": ecrans,
                "vignettes_dessinees": dessinees,
                "vignettes_per_s": dessinees / duree,
                "page_lot_p50_ms": statistics.median(temps),
                "page_lot_p95_ms": quantiles[94],
                "page_lot_target_p95_ms": TARGET_P95_MS,
                "requetes": REQUETES,
            },
            notes=(
                "PostgreSQL; portal in-process (Flask test client, no network), one process; "
                "150 dpi pages, thumbnails 120 px wide (JPEG)."
            ),
        )
    engine.dispose()
    migrate.supprimer_base_postgres(POSTGRES)


if __name__ == "__main__":
    main()
