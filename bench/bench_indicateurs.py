"""Indicators at national scale: the snapshot refresh over 1,000,000 demandes on PostgreSQL.

Generates the demandes and their events with set-based SQL (``generate_series``:
renewals and modifications in the history, radiations with a quarter of
attributions, attestations, pieces, préavis, forced duplicates, failed
notifications), runs ANALYZE, then times ``sne.services.indicateurs.rafraichir``
(the daily run's step) and the indicator page: the service read and the whole
``GET /indicateurs`` through the portal. Targets (issue 16): refresh at most
60 s, page p95 at most 300 ms. ``SNE_BENCH_IND_ROWS`` sets the size (default
1,000,000), ``SNE_BENCH_IND_PAGES`` the page requests (default 200).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text, update

from bench.common import peak_rss_mb, report
from bench.data import territoire
from guichet_portal import create_app
from sne.acteurs import SYSTEME
from sne.config import Settings
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.models import Utilisateur
from sne.services import indicateurs
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_IND_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_ind"
)
ROWS = int(os.environ.get("SNE_BENCH_IND_ROWS", "1000000"))
PAGES = int(os.environ.get("SNE_BENCH_IND_PAGES", "200"))
TARGET_REFRESH_S = 60.0
TARGET_PAGE_P95_MS = 300.0
TERRITOIRE = "013"
JOUR = date(2026, 3, 16)

# Each statement reads ``g`` (1..ROWS, the demande id) and :guichets (the guichets' ids).
GENERATION = (
    """INSERT INTO demande (id, numero, territoire_code, guichet_id, statut, type_demandeur,
        date_depot, date_expiration, created_at, updated_at, consentement_sms, motifs,
        types_logement, communes_souhaitees, demande_elargie)
    SELECT g, '013' || lpad(g::text, 10, '0') || 'G1301', '013',
        (:guichets)[1 + g % cardinality(:guichets)],
        CASE WHEN g % 10 = 0 THEN 'radiee' ELSE 'active' END, 'physique',
        DATE '2026-03-16' - (g % 440), DATE '2027-03-16' - (g % 440), now(), now(), false,
        '[]', '[]', '[]', false
    FROM generate_series(1, :rows) AS g""",
    """INSERT INTO radiation (demande_id, motif, date_radiation, guichet_id, date_bail,
        logement_zus_qpv, statut_dalo, reservataire, accord_collectif, bailleur)
    SELECT d.id, (ARRAY['RADATT', 'RADREN', 'RADABA', 'RADCON'])[1 + (d.id / 10) % 4],
        d.date_depot + 200, d.guichet_id,
        CASE WHEN (d.id / 10) % 4 = 0 THEN d.date_depot + 200 - (d.id % 45) END,
        'ZUSNON', 'NON', 'AUCUN', 'AUCUN', 'Bailleur'
    FROM demande d WHERE d.statut = 'radiee'""",
    """INSERT INTO historique (at, guichet_id, demande_id, entite, entite_id, action,
        changements, changement_identite)
    SELECT d.date_depot + 300 + time '10:00', d.guichet_id, d.id, 'demande', d.numero,
        'renouvellement', '{}'::json, false
    FROM demande d WHERE d.id % 3 = 0
    UNION ALL
    SELECT d.date_depot + 20 + time '11:00', d.guichet_id, d.id, 'demande', d.numero,
        'modification', '{}'::json, false
    FROM demande d WHERE d.id % 5 = 0""",
    """INSERT INTO attestation (demande_id, type, date_emission, radiee, guichet_id, created_at)
    SELECT d.id, 'enregistrement', d.date_depot + (d.id % 3), false, d.guichet_id, now()
    FROM demande d WHERE d.id % 4 <> 0""",
    """INSERT INTO piece (demande_id, type, categorie, pages, taille, sha256, canal, statut,
        sensible, created_at)
    SELECT d.id, 'carte_identite', CASE WHEN d.id % 4 = 0 THEN 'identite' ELSE 'ressources' END,
        1, 1000, repeat('0', 64),
        (ARRAY['courrier_guichet', 'depot_professionnel', 'portail_demandeur'])[1 + d.id % 3],
        'classee', false, d.date_depot + (d.id % 30) + time '09:00'
    FROM demande d WHERE d.id % 2 = 0 OR d.id % 3 = 0""",
    """INSERT INTO preavis (demande_id, date_expiration, date_envoi, canal)
    SELECT d.id, d.date_expiration, d.date_expiration - 31,
        CASE WHEN d.id % 2 = 0 THEN 'email' ELSE 'courrier' END
    FROM demande d WHERE d.id % 7 = 0""",
    """INSERT INTO doublon_force (demande_id, territoire_code, guichet_id, jour, at, action,
        justification, candidats)
    SELECT d.id, '013', d.guichet_id, d.date_depot, now(), 'enregistrement', 'homonyme', '[]'::json
    FROM demande d WHERE d.id % 97 = 0""",
    """INSERT INTO notification (demande_id, destinataire, sujet, corps, type, statut,
        tentatives, cle, created_at)
    SELECT d.id, 'x@example.fr', 'Pièces reçues', '', 'pieces_recues', 'echec', 3,
        'bench:' || d.id, d.date_depot + time '12:00'
    FROM demande d WHERE d.id % 500 = 0""",
)


def _centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(p / 100 * (len(ordonnees) - 1)))]


def generer(engine: Engine) -> dict[str, int]:
    """Insert the demandes and their events; return each table's row count."""
    with engine.begin() as connection:
        guichets = list(connection.scalars(text("SELECT id FROM guichet ORDER BY id")))
        connection.execute(text("SET session_replication_role = replica"))
        for sql in GENERATION:
            connection.execute(text(sql), {"guichets": guichets, "rows": ROWS})
        connection.execute(text("SET session_replication_role = origin"))
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('demande', 'id'), :rows)"), {"rows": ROWS}
        )
    tables = ("demande", "radiation", "historique", "attestation", "piece", "preavis",
              "doublon_force", "notification")  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.execute(text(f"VACUUM ANALYZE {table}"))
        return {
            f"{table}_rows": connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        }


def main() -> None:
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    ref = territoire(uow, TERRITOIRE)
    t0 = time.perf_counter()
    comptes = generer(engine)
    generation_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    (releve,) = indicateurs.rafraichir(uow(), SYSTEME, JOUR, TERRITOIRE)
    refresh_s = time.perf_counter() - t0

    lectures = []
    for _ in range(PAGES):
        t0 = time.perf_counter()
        indicateurs.consulter(uow(), ref.gestionnaire, aujourd_hui=JOUR)
        lectures.append((time.perf_counter() - t0) * 1000)

    with uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()
    app = create_app(
        Settings(
            database_url=BENCH_URL,
            var_dir=Path("var"),
            secret_key="bench-" + "x" * 40,
        ),
        config={"WTF_CSRF_ENABLED": False, "SNE_AUJOURDHUI": lambda: JOUR},
    )
    client = app.test_client()
    connexion = client.post(
        "/connexion", data={"identifiant": "gestion13", "mot_de_passe": "correct horse battery"}
    )
    if connexion.status_code != 302:
        raise RuntimeError(f"sign-in refused: {connexion.status_code}")
    pages = []
    for i in range(PAGES + 10):
        t0 = time.perf_counter()
        reponse = client.get("/indicateurs")
        if reponse.status_code != 200:
            raise RuntimeError(f"/indicateurs answered {reponse.status_code}")
        if i >= 10:  # the first requests warm templates and connections
            pages.append((time.perf_counter() - t0) * 1000)

    page_p95 = _centile(pages, 95)
    report(
        "indicateurs",
        {
            "demandes": ROWS,
            **comptes,
            "generation_s": round(generation_s, 1),
            "snapshot_rows": releve.lignes,
            "refresh_s": round(refresh_s, 2),
            "refresh_target_s": TARGET_REFRESH_S,
            "read_p50_ms": round(statistics.median(lectures), 1),
            "read_p95_ms": round(_centile(lectures, 95), 1),
            "page_p50_ms": round(statistics.median(pages), 1),
            "page_p95_ms": round(page_p95, 1),
            "page_target_p95_ms": TARGET_PAGE_P95_MS,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        },
        notes=(
            "refresh: the daily run's step (one INSERT … SELECT … GROUP BY per indicator); "
            "page: GET /indicateurs (12 months, every guichet) through the portal, signed in"
        ),
    )
    ok = refresh_s <= TARGET_REFRESH_S and page_p95 <= TARGET_PAGE_P95_MS
    print("   objectifs tenus" if ok else "   !! objectif manqué")
    engine.dispose()


if __name__ == "__main__":
    main()
