"""Load runs against a portal served as ``make run`` serves it: a free port, the wait, locust."""

from __future__ import annotations

import csv
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT


def port_libre() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def attendre(url: str, delai_s: float = 60) -> None:
    """Wait until the portal at ``url`` answers its sign-in page."""
    fin = time.monotonic() + delai_s
    while time.monotonic() < fin:
        try:
            with urllib.request.urlopen(url + "/connexion", timeout=2) as reponse:
                if reponse.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"le portail ne répond pas sur {url}")


def locust(
    url: str,
    env: dict[str, str],
    *,
    scenario: str,
    utilisateurs: int,
    arrivees: float,
    duree_s: int,
    nom: str,
) -> dict[str, dict[str, str]]:
    """Run the locust ``scenario`` (a file of bench/) headless, counted once every user arrived.

    Returns locust's stats by request name (its ``_stats.csv``, kept under var/bench/).
    """
    prefixe = ROOT / "var" / "bench" / nom
    prefixe.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / scenario),
            "--headless",
            "--host",
            url,
            "--users",
            str(utilisateurs),
            "--spawn-rate",
            str(arrivees),
            "--run-time",
            f"{round(utilisateurs / arrivees + duree_s)}s",
            "--reset-stats",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--csv",
            str(prefixe),
        ],
        env=env,
        cwd=ROOT,
        check=False,  # locust exits 1 when a request failed: the figures say so
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Path(f"{prefixe}_stats.csv").open(encoding="utf-8") as fichier:
        return {ligne["Name"]: ligne for ligne in csv.DictReader(fichier)}
