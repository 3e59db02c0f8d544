"""Duplicate check at national scale: 1,000,000 demandes in one territory on PostgreSQL.

Loads the demandes with COPY (realistic French names, a few % of planted
duplicates written with the variations the matching rules catch), runs
ANALYZE, then times the registration-time check (one indexed query plus the
name comparisons) over ~2,000 households, half of them planted variants, and
the territorial sweep. Baseline, timed on the same households in alternation
with the check: a plain indexed lookup of each person's exact identity key and
birth date (``ratio`` = check p95 over lookup p95: what the rules cost beyond
one index probe, far steadier than milliseconds on a busy machine).
Target (issue 3): check p95 at most 10 ms.
``SNE_BENCH_DUP_ROWS`` sets the size (default 1,000,000).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import text

from bench.common import peak_rss_mb, report
from bench.data import NOMS, PRENOMS_F, PRENOMS_M, territoire
from sne import identite
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.services import doublons
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_DUP_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_dup"
)
ROWS = int(os.environ.get("SNE_BENCH_DUP_ROWS", "1000000"))
CHECKS = int(os.environ.get("SNE_BENCH_DUP_CHECKS", "2000"))
PLANTED_SHARE = 0.03
TARGET_P95_MS = 10.0
TERRITOIRE = "013"
LOT = 100_000
JOUR = date(2026, 3, 16)

_DEBUTS = (
    "Ber", "Bou", "Car", "Cha", "Dal", "Del", "Dur", "Fab", "Fer", "Gar", "Gil", "Gui", "Lac",
    "Lam", "Lan", "Leb", "Mar", "Mas", "Mer", "Mon", "Mor", "Pel", "Per", "Pon", "Ray", "Rib",
    "Roc", "Rou", "Sal", "Ser", "Tes", "Vas", "Ver", "Vil", "Bel", "Cas", "Cou", "Fau", "Hub",
    "Jou", "Lav", "Mai", "Nav", "Pig", "Bar", "Bon", "Cla", "Gau", "Mic", "Tis",
)  # fmt: skip
_MILIEUX = ("", "", "a", "e", "i", "o", "ou", "an", "en", "ar", "er", "il", "ol", "ab", "ig")
_FINS = (
    "ard", "aud", "eau", "el", "et", "ier", "in", "on", "ot", "y", "ac", "as", "at", "ieu",
    "oux", "ais", "ant", "elle", "ille", "ette", "and", "ert", "ès", "é", "ère",
)  # fmt: skip
_PARTICULES = ("Le ", "La ", "De ", "Du ", "D'", "Des ", "Van ", "Ben ", "")
_PRENOMS_EN_PLUS = (
    "Jean", "Pierre", "Michel", "Anne", "Nathalie", "Isabelle", "Sylvie", "Philippe", "Alain",
    "Nicolas", "Christophe", "Stéphane", "Sandrine", "Valérie", "Céline", "Aurélie", "Mehdi",
    "Youssef", "Amina", "Khadija", "Samir", "Nadia", "Thi", "Minh", "Ibrahima", "Aminata",
    "Moussa", "Hélène", "Françoise", "Geneviève", "Joël", "Noël", "Zoé", "Maëlle", "Anaïs",
)  # fmt: skip


def _noms(rng: random.Random) -> list[str]:
    """About 25,000 plausible surnames: the demo's, then built from French syllables."""
    noms = set(NOMS)
    while len(noms) < 25_000:
        nom = rng.choice(_DEBUTS) + rng.choice(_MILIEUX) + rng.choice(_FINS)
        if rng.random() < 0.08:
            nom = rng.choice(_PARTICULES) + nom
        elif rng.random() < 0.04:
            nom = f"{nom}-{rng.choice(NOMS)}"
        noms.add(nom)
    return sorted(noms)


class Tirage:
    """Draws identities with French-like frequencies (a few names are very common)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.noms = _noms(rng)
        self.cumul_noms = list(accumulate(1 / (rang + 10) for rang in range(len(self.noms))))
        self.liste_prenoms = sorted({*PRENOMS_F, *PRENOMS_M, *_PRENOMS_EN_PLUS})
        self.cumul_prenoms = list(
            accumulate(1 / (rang + 3) for rang in range(len(self.liste_prenoms)))
        )

    def nom(self) -> str:
        return self.rng.choices(self.noms, cum_weights=self.cumul_noms)[0]

    def prenoms(self) -> str:
        premier = self.rng.choices(self.liste_prenoms, cum_weights=self.cumul_prenoms)[0]
        tirage = self.rng.random()
        if tirage < 0.12:
            return f"{premier}-{self.rng.choice(self.liste_prenoms)}"
        if tirage < 0.35:
            return f"{premier} {self.rng.choice(self.liste_prenoms)}"
        return premier

    def naissance(self) -> date:
        return JOUR - timedelta(days=self.rng.randint(19 * 365, 80 * 365))


def variante(rng: random.Random, nom: str, prenoms: str, naissance: date) -> tuple[str, str, date]:
    """The same person written differently, as a second guichet might (one rule each)."""
    cas = rng.randrange(7)
    if cas == 0:  # case and accents
        return nom.upper(), identite.cle_prenoms(prenoms) or prenoms, naissance
    if cas == 1:  # name and first names swapped
        return prenoms, nom, naissance
    if cas == 2 and " " in prenoms:  # compound first names in another order
        return nom, " ".join(reversed(prenoms.split())), naissance
    if cas == 3 and len(nom) > 3:  # one typing error in the name
        i = rng.randrange(1, len(nom) - 1)
        return nom[:i] + nom[i + 1] + nom[i] + nom[i + 2 :], prenoms, naissance
    if cas == 4 and len(prenoms) > 3:  # one letter doubled in the first names
        i = rng.randrange(1, len(prenoms))
        return nom, prenoms[:i] + prenoms[i - 1] + prenoms[i:], naissance
    if cas == 5 and identite.date_permutee(naissance):  # day and month swapped
        return nom, prenoms, identite.date_permutee(naissance) or naissance
    return nom.replace("-", " "), f"  {prenoms}  ", naissance  # hyphens and spaces


def _copier(raw: Any, sql: str, lignes: Any) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for ligne in lignes:
            copy.write_row(ligne)


def charger(engine: Any, tirage: Tirage) -> tuple[list[tuple[str, str, date]], int]:
    """COPY ``ROWS`` demandes and their households; return some identities and the planted count."""
    rng = tirage.rng
    with engine.connect() as connection:
        guichets = [row[0] for row in connection.execute(text("SELECT id FROM guichet"))]
        codes = dict(connection.execute(text("SELECT id, code FROM guichet")).all())
    demandes: list[tuple[Any, ...]] = []
    personnes: list[tuple[Any, ...]] = []
    connues: list[tuple[str, str, date]] = []
    sequence: dict[int, int] = defaultdict(int)
    plantes = 0
    cles: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
    now = datetime(2026, 3, 16, 12, 0)
    pid = 0

    def personne(demande_id: int, rang: int, role: str, nom: str, prenoms: str, ne: date) -> None:
        nonlocal pid
        pid += 1
        cle = cles.get((nom, prenoms))
        if cle is None:
            cle = (
                identite.cle_nom(nom),
                identite.cle_prenoms(prenoms),
                identite.cle_identite(nom, prenoms),
            )
            cles[(nom, prenoms)] = cle
        personnes.append((pid, demande_id, rang, role, nom, prenoms, ne, False, *cle))

    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            # Bulk load: foreign keys are known good here, skip their per-row triggers.
            cursor.execute("SET session_replication_role = replica")
        for lot in range(0, ROWS, LOT):
            demandes.clear()
            personnes.clear()
            for demande_id in range(lot + 1, min(ROWS, lot + LOT) + 1):
                depot = JOUR - timedelta(days=rng.randint(0, 440))
                sequence[depot.year] += 1
                guichet = rng.choice(guichets)
                numero = f"{TERRITOIRE}{depot:%m%y}{sequence[depot.year]:06d}{codes[guichet]}"
                demandes.append(
                    (demande_id, numero, TERRITOIRE, guichet, "active", "physique", depot,
                     depot + timedelta(days=365), now, now, False, "[]", "[]", "[]", False)
                )  # fmt: skip
                if connues and rng.random() < PLANTED_SHARE:
                    nom, prenoms, ne = variante(rng, *rng.choice(connues))
                    plantes += 1
                else:
                    nom, prenoms, ne = tirage.nom(), tirage.prenoms(), tirage.naissance()
                    if rng.random() < 0.02 or len(connues) < 1000:
                        connues.append((nom, prenoms, ne))
                personne(demande_id, 1, "demandeur", nom, prenoms, ne)
                rang = 1
                if rng.random() < 0.4:
                    rang += 1
                    personne(
                        demande_id,
                        rang,
                        "cotitulaire",
                        tirage.nom(),
                        tirage.prenoms(),
                        tirage.naissance(),
                    )
                for _ in range(rng.choices((0, 1, 2, 3), (50, 25, 18, 7))[0]):
                    rang += 1
                    enfant = JOUR - timedelta(days=rng.randint(30, 17 * 365))
                    personne(demande_id, rang, "a_charge", nom, tirage.prenoms(), enfant)
            _copier(
                raw,
                "COPY demande (id, numero, territoire_code, guichet_id, statut, type_demandeur, "
                "date_depot, date_expiration, created_at, updated_at, consentement_sms, motifs, "
                "types_logement, communes_souhaitees, demande_elargie) FROM STDIN",
                demandes,
            )
            _copier(
                raw,
                "COPY personne (id, demande_id, rang, role, nom_naissance, prenoms, "
                "date_naissance, mineur_emancipe, cle_nom, cle_prenoms, cle_identite) FROM STDIN",
                personnes,
            )
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
            for table in ("demande", "personne"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        raw.commit()
    finally:
        raw.close()
    return connues, plantes


def _verifications(
    tirage: Tirage, connues: list[tuple[str, str, date]]
) -> list[list[dict[str, Any]]]:
    """Households to check: half variants of existing applicants, half new people."""
    rng = tirage.rng
    lots = []
    for i in range(CHECKS):
        if i % 2:
            nom, prenoms, ne = variante(rng, *rng.choice(connues))
        else:
            nom, prenoms, ne = tirage.nom(), tirage.prenoms(), tirage.naissance()
        personnes = [
            {"role": "demandeur", "nom_naissance": nom, "prenoms": prenoms, "date_naissance": ne}
        ]
        if rng.random() < 0.4:
            personnes.append(
                {
                    "role": "cotitulaire",
                    "nom_naissance": tirage.nom(),
                    "prenoms": tirage.prenoms(),
                    "date_naissance": tirage.naissance(),
                }
            )
        lots.append(personnes)
    return lots


RECHERCHE_SIMPLE = text(
    "SELECT demande_id FROM personne WHERE date_naissance = :naissance "
    "AND cle_identite = :cle AND role IN ('demandeur', 'cotitulaire')"
)


def recherche_simple(session: Any, personnes: list[dict[str, Any]]) -> list[int]:
    """The baseline: one plain probe of the check's index per person, exact key and date."""
    trouvees: list[int] = []
    for personne in personnes:
        cle = identite.cle_identite(personne["nom_naissance"], personne["prenoms"])
        trouvees += session.scalars(
            RECHERCHE_SIMPLE, {"naissance": personne["date_naissance"], "cle": cle}
        )
    return trouvees


def _centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(p / 100 * (len(ordonnees) - 1)))]


def main() -> None:
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    gestionnaire = territoire(lambda: UnitOfWork(factory), TERRITOIRE).gestionnaire
    tirage = Tirage(random.Random(14069))

    debut = time.perf_counter()
    connues, plantes = charger(engine, tirage)
    chargement = time.perf_counter() - debut
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE demande"))
        connection.execute(text("VACUUM ANALYZE personne"))
        personnes = connection.execute(text("SELECT count(*) FROM personne")).scalar_one()
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                text(
                    "EXPLAIN SELECT d.numero FROM personne JOIN demande d ON d.id = personne.demande_id "
                    "WHERE personne.date_naissance IN ('1980-05-02', '1980-02-05') "
                    "AND personne.role IN ('demandeur', 'cotitulaire') "
                    "AND d.territoire_code = '013' AND d.statut = 'active'"
                )
            )
        )
        plan_simple = "\n".join(
            row[0]
            for row in connection.execute(
                text(f"EXPLAIN {RECHERCHE_SIMPLE.text}"),
                {"naissance": date(1980, 5, 2), "cle": "dupont jean"},
            )
        )
    for requete in (plan, plan_simple):
        if "ix_personne_naissance_cle" not in requete:
            raise RuntimeError(f"a lookup does not use the index:\n{requete}")

    lots = _verifications(tirage, connues)
    durees: list[float] = []
    bases: list[float] = []
    trouves = 0
    with UnitOfWork(factory) as uow:
        for personnes_ in lots[:50]:  # warm the connection and the plan cache
            doublons.candidats(uow.session, TERRITOIRE, personnes_)
            recherche_simple(uow.session, personnes_)
        for personnes_ in lots:
            t0 = time.perf_counter()
            recherche_simple(uow.session, personnes_)
            t1 = time.perf_counter()
            resultat = doublons.candidats(uow.session, TERRITOIRE, personnes_)
            durees.append((time.perf_counter() - t1) * 1000)
            bases.append((t1 - t0) * 1000)
            trouves += bool(resultat)

    t0 = time.perf_counter()
    groupes = doublons.balayer(UnitOfWork(factory), gestionnaire, TERRITOIRE)
    balayage = time.perf_counter() - t0
    engine.dispose()

    p95 = _centile(durees, 95)
    report(
        "duplicates",
        {
            "demandes": ROWS,
            "personnes": personnes,
            "planted_duplicates": plantes,
            "load_s": round(chargement, 1),
            "load_rows_per_s": round((ROWS + personnes) / chargement),
            "checks": len(durees),
            "checks_with_candidates": trouves,
            "check_p50_ms": round(_centile(durees, 50), 2),
            "check_p95_ms": round(p95, 2),
            "check_p99_ms": round(_centile(durees, 99), 2),
            "check_mean_ms": round(statistics.fmean(durees), 2),
            "baseline_lookup_p50_ms": round(_centile(bases, 50), 3),
            "baseline_lookup_p95_ms": round(_centile(bases, 95), 3),
            "ratio": round(p95 / _centile(bases, 95), 1),
            "target_check_p95_ms": TARGET_P95_MS,
            "target_ratio": round(TARGET_P95_MS / p95, 2),
            "sweep_s": round(balayage, 1),
            "sweep_groups": len(groupes),
            "sweep_groups_confidence_1": sum(g.confiance == 1.0 for g in groupes),
            "peak_rss_mb": round(peak_rss_mb()),
        },
        notes=(
            "PostgreSQL, one territory; check = doublons.candidats (indexed query on birth date "
            "+ Python name comparison); baseline = plain index probe of each person's exact key "
            "and birth date, timed in alternation; ratio = check p95 / baseline p95; "
            "target_ratio = target p95 / measured p95 (≥ 1 meets it)"
        ),
    )


if __name__ == "__main__":
    main()
