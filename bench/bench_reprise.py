"""Take-over rate: demandes taken over per second from a tar.gz of interfaceNuu extracts, PostgreSQL.

The files are written beforehand by the exporter (``sne.interchange.ecrire``,
extracts with renewal and history for some) from the demo's households, into
one ``.tar.gz`` (not timed). The take-over then reads the archive, checks every
file and inserts in lots of 500 into a fresh database. Baseline, in the same
run: reading and checking the same archive without any database (``lire`` and
the registration rules), so ``ratio`` says how much of the reading speed the
inserts keep. A second run over the first files measures the idempotent
re-run (every file « déjà reprise »).
Target (issue 18): at least 500 demandes per second at 100,000 files.
"""

from __future__ import annotations

import io
import os
import random
import tarfile
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from bench.common import peak_rss_mb, report
from sne.db import make_session_factory
from sne.errors import SneError
from sne.interchange import archives, ecrire, lire
from sne.interchange.lecture import Evenement
from sne.interchange.reprise import reprendre
from sne.migrate import recreer_base_postgres, supprimer_base_postgres
from sne.models import Demande, NumeroSequence
from sne.services import formulaire
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_REPRISE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_reprise"
)
FICHIERS = int(os.environ.get("SNE_BENCH_REPRISE", "100000"))
MOIS = 24  # filings spread over the two years before the take-over
MENAGES_PAR_MOIS = 40  # distinct households drawn per month, reused by the files of that month
RELANCE = min(5_000, FICHIERS)  # files of the idempotent re-run
BASELINE = min(5_000, FICHIERS)  # files read and checked without a database
PROCESSUS = int(os.environ.get("SNE_BENCH_REPRISE_PROCESSUS", "2"))
JOUR = date(2026, 3, 16)
TARGET_PER_S = 500


def _menages(rng: random.Random) -> list[list[tuple[date, dict[str, Any]]]]:
    """For each month, households filed that month, validated as the registration stores them."""
    from bench.data import foyer

    par_mois = []
    for mois in range(MOIS):
        debut = (JOUR - relativedelta(months=MOIS - mois)).replace(day=1)
        menages: list[tuple[date, dict[str, Any]]] = []
        while len(menages) < MENAGES_PAR_MOIS:
            depot = debut + relativedelta(days=rng.randint(0, 27))
            try:
                menages.append((depot, formulaire.valider(foyer(rng, depot), date_depot=depot)))
            except SneError:
                continue  # a draw the rules refuse at that date: draw again
        par_mois.append(menages)
    return par_mois


def _ecrire_archive(chemin: Path, rng: random.Random) -> int:
    """Write FICHIERS extracts (numbered per filing year, two guichets) into a tar.gz.

    Each household is written once by the exporter under a placeholder number;
    its files differ by their number (the numbers must be distinct, the contents
    need not: the take-over makes no duplicate check).
    """
    modeles = [[_modele(depot, document) for depot, document in mois] for mois in _menages(rng)]
    sequences: dict[int, int] = {}
    taille = 0
    with tarfile.open(chemin, "w:gz", compresslevel=1) as archive:
        for rang in range(FICHIERS):
            depot, modele = rng.choice(modeles[rang % MOIS])
            sequences[depot.year] = sequences.get(depot.year, 0) + 1
            guichet = ("G1301", "G1302")[rang % 2]
            numero = f"013{depot:%m%y}{sequences[depot.year]:06d}{guichet}"
            contenu = modele.replace(b"0000000000000GXXXX", numero.encode()).replace(
                b"GXXXX", guichet.encode()
            )
            taille += len(contenu)
            info = tarfile.TarInfo(f"extraits/{numero}.xml")
            info.size = len(contenu)
            archive.addfile(info, io.BytesIO(contenu))
    return taille


def _modele(depot: date, document: dict[str, Any]) -> tuple[date, bytes]:
    """The extract of one household, renewed once if filed before 2025, with its history."""
    renouvellement = depot + relativedelta(years=1) if depot.year < 2025 else None
    evenements: tuple[Evenement, ...] = (Evenement(depot, "CRE", None),)
    if renouvellement is not None:
        evenements += (Evenement(renouvellement, "REN", None),)
    contenu = ecrire(
        document,
        type_fichier=None,
        version="02.01",
        date_fichier=JOUR,
        guichet="GXXXX",
        numero="0000000000000GXXXX",
        date_creation=depot,
        date_renouvellement=renouvellement,
        evenements=evenements,
    )
    return depot, contenu


def _lire_seulement(chemin: Path) -> float:
    """Baseline: read and check the first files of the archive, no database; files per second."""
    debut = time.perf_counter()
    lus = 0
    for _, contenu in _premiers(chemin, BASELINE):
        fichier = lire(contenu)
        assert not fichier.anomalies and fichier.document and fichier.date_creation
        formulaire.valider(fichier.document, date_depot=fichier.date_creation)
        lus += 1
    return lus / (time.perf_counter() - debut)


def _premiers(chemin: Path, nombre: int) -> list[tuple[str, bytes]]:
    fichiers = []
    for paire in archives.fichiers(chemin):
        fichiers.append(paire)
        if len(fichiers) == nombre:
            break
    return fichiers


def main() -> None:
    """Write the archive, take it over into a fresh database, and report the rates."""
    from bench.data import territoire
    from tests.factories import ADMIN

    rng = random.Random(18)
    with tempfile.TemporaryDirectory(prefix="sne-bench-reprise-") as dossier:
        chemin = Path(dossier) / "reprise.tar.gz"
        debut = time.perf_counter()
        octets = _ecrire_archive(chemin, rng)
        generation_s = time.perf_counter() - debut

        engine = recreer_base_postgres(BENCH_URL)
        try:
            factory = make_session_factory(engine)
            territoire(lambda: UnitOfWork(factory))
            bilan = reprendre(
                UnitOfWork(factory),
                ADMIN,
                archives.fichiers(chemin),
                aujourd_hui=JOUR,
                processus=PROCESSUS,
            )
            relance = reprendre(
                UnitOfWork(factory),
                ADMIN,
                _premiers(chemin, RELANCE),
                aujourd_hui=JOUR,
                processus=PROCESSUS,
            )
            with factory() as session:
                demandes = session.scalar(select(func.count()).select_from(Demande))
                dernier_2026 = session.scalar(
                    select(NumeroSequence.dernier).where(NumeroSequence.annee == 26)
                )
        finally:
            engine.dispose()
            supprimer_base_postgres(BENCH_URL)
        lecture_per_s = _lire_seulement(chemin)

    taux = bilan.nombre("reprise") / bilan.duree_s
    report(
        "reprise",
        {
            "files": FICHIERS,
            "archive_mb_uncompressed": round(octets / 1e6, 1),
            "generation_s": round(generation_s, 1),
            "taken_over": bilan.nombre("reprise"),
            "refused": bilan.nombre("refusee"),
            "demandes_in_database": demandes,
            "takeover_s": round(bilan.duree_s, 1),
            "takeover_per_s": round(taux, 1),
            "reading_processes": PROCESSUS,
            "baseline_read_and_check_per_s": round(lecture_per_s, 1),
            "ratio": round(taux / lecture_per_s, 3),
            "rerun_files": RELANCE,
            "rerun_already_taken": relance.nombre("deja_reprise"),
            "rerun_per_s": round(RELANCE / relance.duree_s, 1),
            "counter_2026_after": dernier_2026,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "target_per_s": TARGET_PER_S,
        },
        notes=f"tar.gz of extracts written by the exporter; lots of 500 demandes per transaction; "
        f"baseline: one process reading and checking the first {BASELINE} files, no database",
    )


if __name__ == "__main__":
    main()
