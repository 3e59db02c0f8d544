"""Public portal under load: applicants sign in, consult their demande and send 1–2 MB pieces.

Served as ``make run`` does (``python -m public_portal``, gunicorn 2 workers) on
PostgreSQL and Redis, with ONE RQ worker (``sne worker``) processing the pieces and
mailing the result to a local SMTP server (aiosmtpd, as the tests catch mails).
The applicants, their demandes and the links are set up through the services
(``demandes.enregistrer``, ``comptes_demandeurs``, ``liaisons``). Locust drives
``bench/public_applicants.py``: each applicant reads every page for 5–15 s (a
person on a phone, not a script) and sends one piece, a distinct 1–2 MB photo of a
real-looking document, for nine pages viewed: about 20 pages and 2 sendings a
second for 200 applicants (7,200 pieces an hour, many times what a département
receives). Figures: page p95 (target ≤ 100 ms), upload
accepted p95 (stored and queued, ≤ 500 ms), upload to result mail p95 (≤ 30 s),
errors (0). Scale it down with ``SNE_BENCH_PUBLIC_APPLICANTS`` (200) and
``SNE_BENCH_PUBLIC_S`` (120 measured seconds); ``SNE_BENCH_PUBLIC_URL`` and
``SNE_BENCH_PUBLIC_REDIS`` name the database (recreated) and the Redis database
(flushed).
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import redis
from aiosmtpd.controller import Controller

from bench.charge import attendre, locust, port_libre
from bench.common import ROOT, report
from bench.data import foyer, territoire
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.services import comptes_demandeurs, demandes, liaisons
from sne.services.comptes_demandeurs import Courrier
from sne.uow import UnitOfWork
from synth import degrade
from synth.pieces import rendre_piece, type_de

BENCH_URL = os.environ.get(
    "SNE_BENCH_PUBLIC_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_public"
)
REDIS_URL = os.environ.get("SNE_BENCH_PUBLIC_REDIS", "redis://127.0.0.1:6379/13")
APPLICANTS = int(os.environ.get("SNE_BENCH_PUBLIC_APPLICANTS", "200"))
MESURE_S = int(os.environ.get("SNE_BENCH_PUBLIC_S", "120"))
#: Applicants starting per second (each signs in from its own address, see public_applicants).
ARRIVEES_PAR_S = 5.0
#: Seconds an applicant spends on a page before the next action (reading it, on a phone).
PAUSE_S = tuple(float(x) for x in os.environ.get("SNE_BENCH_PUBLIC_PAUSE_S", "5,15").split(","))
#: Page views for one sending of a piece.
PAGES_PAR_ENVOI = int(os.environ.get("SNE_BENCH_PUBLIC_PAGES_PAR_ENVOI", "9"))
MOT_DE_PASSE = "banc-essai-demandeurs-2026"
SECRET = "banc-essai-public-secret"
JOUR = date.today()
TARGETS = {"page_p95_ms": 100.0, "upload_accepted_p95_ms": 500.0, "upload_to_mail_p95_s": 30.0}
CODE_RE = re.compile(r"\b(\d{8})\b")


class Boite:
    """The bench's SMTP server handler: every mail with the time it arrived."""

    def __init__(self) -> None:
        self.recus: list[tuple[float, str, str]] = []
        self.verrou = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.verrou:
            self.recus.append((time.time(), str(message["To"]), str(message["Subject"])))
        return "250 OK"


def _demandeurs(factory: Any) -> list[tuple[str, str]]:
    """APPLICANTS demandes, each with a confirmed account linked to it: (e-mail, numéro)."""
    boite: list[EmailMessage] = []
    courrier = Courrier(envoyer=boite.append, expediteur="banc@example.fr", adresse=lambda p, v: v)
    ref = territoire(lambda: UnitOfWork(factory))
    rng = random.Random(17)
    comptes = []
    for i in range(APPLICANTS):
        email = f"banc.demandeur{i:03d}@example.fr"
        document = {**foyer(rng, JOUR), "email": email}
        numero = demandes.enregistrer(
            UnitOfWork(factory), ref.agent, document, aujourd_hui=JOUR, forcer_doublon="banc"
        ).numero
        comptes_demandeurs.creer(
            UnitOfWork(factory), courrier, SECRET, email, MOT_DE_PASSE, MOT_DE_PASSE
        )
        jeton = _texte(boite[-1]).split()  # the link is the bare token (adresse above)
        comptes_demandeurs.confirmer(UnitOfWork(factory), SECRET, _jeton(jeton))
        compte = comptes_demandeurs.connecter(UnitOfWork(factory), email, MOT_DE_PASSE)
        demandeur = document["personnes"][0]
        naissance = date.fromisoformat(str(demandeur["date_naissance"]))
        liaisons.demander(
            UnitOfWork(factory), courrier, compte.id, numero, demandeur["nom_naissance"], naissance
        )
        code = CODE_RE.search(_texte(boite[-1]))
        assert code, "pas de code de liaison"
        liaisons.confirmer(UnitOfWork(factory), compte.id, numero, code.group(1))
        comptes.append((email, numero))
    return comptes


def _texte(message: EmailMessage) -> str:
    corps = message.get_body(preferencelist=("plain",))
    assert corps is not None
    return str(corps.get_content())


def _jeton(mots: list[str]) -> str:
    """The confirmation token in the mail's words (the longest one)."""
    return max(mots, key=len)


def _fichiers(dossier: Path) -> list[tuple[str, str]]:
    """Photos of real-looking pieces, 1–2 MB JPEG: (path, type code).

    Drawn by ``synth`` (a payslip, a tax notice, a rent receipt) and degraded as a
    scan, so that the worker checks, reads and classifies what an applicant sends.
    """
    chemins = []
    for gabarit, dpi, qualite in (
        ("bulletin_salaire", 300, 95),
        ("avis_imposition", 360, 90),
        ("quittance_loyer", 360, 90),
    ):
        page = rendre_piece(gabarit, dpi, 0)[0]
        photo = degrade.scanner(page, random.Random(dpi), degrade.MOYEN).convert("RGB")
        chemin = dossier / f"{gabarit}.jpg"
        photo.save(chemin, "JPEG", quality=qualite, dpi=(dpi, dpi))
        chemins.append((str(chemin), type_de(gabarit)))
    return chemins


def _p95(valeurs: list[float]) -> float | None:
    if len(valeurs) < 2:
        return valeurs[0] if valeurs else None
    return statistics.quantiles(valeurs, n=20)[-1]


def _delais_mail(envois: Path, boite: Boite) -> list[float]:
    """Seconds from each accepted upload to the next result mail to the same address."""
    lignes = (
        [json.loads(ligne) for ligne in envois.read_text().splitlines()] if envois.exists() else []
    )
    libres = sorted((t, a) for t, a, sujet in boite.recus if sujet.startswith("Pièces"))
    delais = []
    for envoi in sorted(lignes, key=lambda e: e["t"]):
        for i, (t, adresse) in enumerate(libres):
            if adresse == envoi["email"] and t >= envoi["t"]:
                delais.append(t - envoi["t"])
                del libres[i]
                break
    return delais


def main() -> None:
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    debut = time.perf_counter()
    comptes = _demandeurs(factory)
    preparation_s = time.perf_counter() - debut
    engine.dispose()
    redis.Redis.from_url(REDIS_URL).flushdb()
    travail = Path(tempfile.mkdtemp(prefix="sne-bench-public-"))
    donnees = travail / "donnees.json"
    donnees.write_text(
        json.dumps(
            {
                "comptes": comptes,
                "mot_de_passe": MOT_DE_PASSE,
                "pause_s": PAUSE_S,
                "pages_par_envoi": PAGES_PAR_ENVOI,
                "fichiers": _fichiers(travail),
            }
        )
    )
    envois = travail / "envois.jsonl"
    boite = Boite()
    smtp = Controller(boite, hostname="127.0.0.1", port=port_libre())
    smtp.start()
    port = port_libre()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=BENCH_URL,
        REDIS_URL=REDIS_URL,
        SNE_SECRET_KEY=SECRET,
        SNE_VAR_DIR=str(travail / "var"),
        SNE_SMTP_HOST="127.0.0.1",
        SNE_SMTP_PORT=str(smtp.port),
        SNE_PUBLIC_URL=url,
        SNE_BENCH_PUBLIC_DONNEES=str(donnees),
        SNE_BENCH_PUBLIC_ENVOIS=str(envois),
    )
    processus = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "public_portal",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "sne.cli", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        attendre(url)
        stats = locust(
            url,
            env,
            scenario="public_applicants.py",
            utilisateurs=APPLICANTS,
            arrivees=ARRIVEES_PAR_S,
            duree_s=MESURE_S,
            nom="public_locust",
        )
        fin = time.time() + 60  # the pieces still queued get their mail
        while time.time() < fin and len(_delais_mail(envois, boite)) < _envois(envois):
            time.sleep(1)
    finally:
        for p in processus:
            p.terminate()
        for p in processus:
            p.wait(timeout=30)
        smtp.stop()
    delais = _delais_mail(envois, boite)
    figures: dict[str, Any] = {
        "applicants": APPLICANTS,
        "measured_s": MESURE_S,
        "setup_s": round(preparation_s, 1),
    }
    for nom, cle in (("page", "page"), ("envoi", "upload_accepted")):
        ligne = stats.get(nom, {})
        figures[f"{cle}_requests"] = int(ligne.get("Request Count", 0))
        figures[f"{cle}_p50_ms"] = float(ligne.get("50%", 0) or 0)
        figures[f"{cle}_p95_ms"] = float(ligne.get("95%", 0) or 0)
    p95_mail = _p95(delais)
    figures["uploads_accepted"] = _envois(envois)
    figures["uploads_per_s"] = _par_seconde(_instants_envois(envois))
    figures["result_mails"] = len(delais)
    figures["result_mails_per_s"] = _par_seconde(
        [t for t, _, sujet in boite.recus if sujet.startswith("Pièces")]
    )
    figures["upload_to_mail_p50_s"] = round(statistics.median(delais), 2) if delais else None
    figures["upload_to_mail_p95_s"] = round(p95_mail, 2) if p95_mail is not None else None
    figures["errors"] = int(stats.get("Aggregated", {}).get("Failure Count", 0)) + (
        _envois(envois) - len(delais)
    )
    for cle, cible in TARGETS.items():
        valeur = figures.get(cle)
        if valeur:
            figures[f"{cle.rsplit('_p95', 1)[0]}_target_ratio"] = round(cible / valeur, 2)
    report(
        "public",
        figures,
        notes=(
            "PostgreSQL and Redis; gunicorn 2 sync workers (python -m public_portal), one RQ "
            f"worker; locust headless, {APPLICANTS} applicants pausing {PAUSE_S[0]:g}–"
            f"{PAUSE_S[1]:g} s on each page, one sending of a piece (a distinct 1–2 MB photo "
            f"of a payslip, tax notice or rent receipt) for {PAGES_PAR_ENVOI} pages viewed; "
            "errors = failed requests + accepted uploads without a result mail; "
            "uploads_per_s and result_mails_per_s: from the first to the last (result mails "
            "slower than uploads means the worker never idled: that is its capacity); "
            "target_ratio = target / measured (≥ 1 meets it)"
        ),
    )


def _envois(envois: Path) -> int:
    return len(_instants_envois(envois))


def _instants_envois(envois: Path) -> list[float]:
    """When each accepted upload was sent."""
    if not envois.exists():
        return []
    return [json.loads(ligne)["t"] for ligne in envois.read_text().splitlines()]


def _par_seconde(instants: list[float]) -> float | None:
    """Events a second between the first and the last (the worker's pace when it never idles)."""
    if len(instants) < 2:
        return None
    return round((len(instants) - 1) / (max(instants) - min(instants)), 2)


if __name__ == "__main__":
    main()
