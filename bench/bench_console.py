"""Digitisation console intake: an 18 MB deposit accepted, and the web process's memory for 300 MB.

Serves the portal as ``make run`` does (gunicorn, ``python -m guichet_portal``,
one sync worker) on PostgreSQL with Redis (the lot's job is queued on RQ; no
worker runs, so only intake is timed), signs in as the demo's operator and
posts deposits through a streamed multipart body. ``accepte_18mo_*``: from the
first byte sent to the redirect (checked, stored, lot recorded, job queued),
over ``ESSAIS`` distinct files. ``rss_*``: the worker process's resident memory
sampled every 20 ms while a 300 MB batch is uploaded and taken in; flat means
the peak stays near the idle value, far under the file's size.
``SNE_BENCH_CONSOLE_GRAND_MO`` sets the large file's size (300 by default).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import redis

from bench.common import ROOT, report
from demo.donnees import DEMO_MOT_DE_PASSE, BilanDemo, preparer_referentiel
from sne.db import make_session_factory
from sne.migrate import recreer_base_postgres
from sne.uow import UnitOfWork

BENCH_URL = os.environ.get(
    "SNE_BENCH_CONSOLE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sne_bench_console"
)
REDIS_URL = os.environ.get("SNE_BENCH_CONSOLE_REDIS", "redis://127.0.0.1:6379/2")
GRAND_MO = int(os.environ.get("SNE_BENCH_CONSOLE_GRAND_MO", "300"))
ESSAIS = 5
MO = 1_000_000
JETON_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _pdf(path: Path, octets: int) -> Path:
    """A one-page PDF carrying ``octets`` of incompressible data (a scan's weight, distinct)."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.Charge = pdf.make_stream(os.urandom(octets))
        pdf.save(path)
    return path


class Client:
    """A minimal browser: one cookie jar, forms posted as a person's browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _requete(
        self, methode: str, chemin: str, corps: Any = None, entetes: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        entetes = dict(entetes or {})
        if self.cookies:
            entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connexion.request(methode, chemin, body=corps, headers=entetes)
        reponse = connexion.getresponse()
        texte = reponse.read().decode("utf-8", "replace")
        for valeur in reponse.headers.get_all("Set-Cookie") or []:
            nom, _, reste = valeur.partition("=")
            self.cookies[nom] = reste.split(";", 1)[0]
        connexion.close()
        return reponse.status, texte, dict(reponse.headers)

    def jeton(self, chemin: str) -> str:
        _, texte, _ = self._requete("GET", chemin)
        trouve = JETON_RE.search(texte)
        assert trouve, f"pas de jeton dans {chemin}"
        return trouve.group(1)

    def connecter(self, login: str, mot_de_passe: str) -> None:
        corps = urllib.parse.urlencode(
            {
                "identifiant": login,
                "mot_de_passe": mot_de_passe,
                "csrf_token": self.jeton("/connexion"),
            }
        )
        statut, _, _ = self._requete(
            "POST", "/connexion", corps, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert statut == 302, f"connexion refusée ({statut})"

    def deposer(self, fichier: Path) -> tuple[int, str]:
        """Post the deposit form, the file streamed from disk by 1 MB chunks."""
        limite = secrets.token_hex(16)
        champs = {
            "csrf_token": self.jeton("/console/depot"),
            "canal": "courrier_guichet",
            "recu_le": time.strftime("%Y-%m-%d"),
        }
        tete = "".join(
            f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in champs.items()
        )
        tete += (
            f'--{limite}\r\nContent-Disposition: form-data; name="fichier"; '
            f'filename="{fichier.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        fin = f"\r\n--{limite}--\r\n".encode()
        longueur = len(tete.encode()) + fichier.stat().st_size + len(fin)

        def corps() -> Iterator[bytes]:
            yield tete.encode()
            with fichier.open("rb") as contenu:
                while morceau := contenu.read(MO):
                    yield morceau
            yield fin

        statut, texte, entetes = self._requete(
            "POST",
            "/console/depot",
            corps(),
            {
                "Content-Type": f"multipart/form-data; boundary={limite}",
                "Content-Length": str(longueur),
            },
        )
        return statut, entetes.get("Location", texte[:300])


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mo(pid: int) -> float:
    """Resident memory of ``pid`` in MB (from /proc)."""
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1]) / 1024
    return 0.0


def _worker(maitre: int, delai_s: float = 60) -> int:
    """The pid of gunicorn's (only) worker process."""
    fin = time.monotonic() + delai_s
    while time.monotonic() < fin:
        enfants = Path(f"/proc/{maitre}/task/{maitre}/children").read_text().split()
        if enfants:
            return int(enfants[0])
        time.sleep(0.1)
    raise RuntimeError("aucun worker gunicorn")


def _attendre(port: int, delai_s: float = 60) -> None:
    fin = time.monotonic() + delai_s
    while time.monotonic() < fin:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("le portail ne répond pas")


def main() -> None:
    """Measure intake of an 18 MB deposit and the worker's memory during a large one."""
    engine = recreer_base_postgres(BENCH_URL)
    factory = make_session_factory(engine)
    preparer_referentiel(lambda: UnitOfWork(factory), BilanDemo("013"))
    engine.dispose()
    files = redis.Redis.from_url(REDIS_URL)
    files.flushdb()
    travail = Path(tempfile.mkdtemp(prefix="bench-console-"))
    petits = [_pdf(travail / f"lot-18mo-{i}.pdf", 18 * MO) for i in range(ESSAIS)]
    grand = _pdf(travail / "lot-grand.pdf", GRAND_MO * MO)
    port = _port_libre()
    env = dict(
        os.environ,
        DATABASE_URL=BENCH_URL,
        REDIS_URL=REDIS_URL,
        SNE_VAR_DIR=str(travail / "var"),
        SNE_SECRET_KEY="banc-console-" + "x" * 40,
    )
    serveur = subprocess.Popen(
        [sys.executable, "-m", "guichet_portal", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        _attendre(port)
        worker = _worker(serveur.pid)
        client = Client(port)
        client.connecter("operateur.scan", DEMO_MOT_DE_PASSE)
        durees = []
        for fichier in petits:
            debut = time.perf_counter()
            statut, suite = client.deposer(fichier)
            durees.append(time.perf_counter() - debut)
            assert statut == 302 and suite.endswith("/console/"), (statut, suite)
        en_file = files.llen("rq:queue:scans")
        assert en_file == ESSAIS, f"{en_file} travaux en file au lieu de {ESSAIS}"
        repos = _rss_mo(worker)
        pics: list[float] = []
        arret = threading.Event()

        def sonder() -> None:
            while not arret.is_set():
                pics.append(_rss_mo(worker))
                time.sleep(0.02)

        sonde = threading.Thread(target=sonder)
        sonde.start()
        debut = time.perf_counter()
        statut, suite = client.deposer(grand)
        grand_s = time.perf_counter() - debut
        arret.set()
        sonde.join()
        assert statut == 302, (statut, suite)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
        shutil.rmtree(travail, ignore_errors=True)
    report(
        "console",
        {
            "accepte_18mo_median_s": round(statistics.median(durees), 3),
            "accepte_18mo_max_s": round(max(durees), 3),
            "accepte_18mo_cible_s": 1.0,
            "grand_lot_mo": GRAND_MO,
            "grand_lot_accepte_s": round(grand_s, 2),
            "rss_repos_mb": round(repos, 1),
            "rss_pic_pendant_grand_lot_mb": round(max(pics), 1),
            "rss_hausse_mb": round(max(pics) - repos, 1),
        },
        notes=(
            f"PostgreSQL, Redis (job queued, no worker), local file store; gunicorn 1 sync worker; "
            f"{ESSAIS} distinct 18 MB PDFs posted as a browser does (multipart, streamed); "
            "RSS of the gunicorn worker sampled every 20 ms during the large upload"
        ),
    )


if __name__ == "__main__":
    main()
