"""Locust applicants for ``bench_public``: sign in, consult the demande, send a 1–2 MB piece.

Run by ``bench/bench_public.py``, never alone: it reads the accounts, numéros and
files from the JSON file named by ``SNE_BENCH_PUBLIC_DONNEES``, and appends each
accepted upload (address, time) to the file named by ``SNE_BENCH_PUBLIC_ENVOIS`` so
the bench can time the result mail. Each applicant connects from its own loopback
address (127.0.1.x), as applicants come from their own networks: the sign-in is
throttled per address.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

DONNEES: dict[str, Any] = json.loads(
    Path(os.environ["SNE_BENCH_PUBLIC_DONNEES"]).read_text(encoding="utf-8")
)
ENVOIS = Path(os.environ["SNE_BENCH_PUBLIC_ENVOIS"])
COMPTES = itertools.count()
ENVOIS_FAITS = itertools.count()
JETON = re.compile(r'name="csrf_token" value="([^"]+)"')
VERROU = threading.Lock()
# The portal's cookies are Secure; browsers send them to http://127.0.0.1, Python's jars do
# not (see bench/portal_agents.py, which tells the policy the same).
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True  # type: ignore[method-assign]


class Source(HTTPAdapter):
    """Connect from a given local address."""

    def __init__(self, adresse: str) -> None:
        self.adresse = adresse
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.adresse, 0)
        super().init_poolmanager(*args, **kwargs)


def _verifier(reponse: Any) -> None:
    """Count as an error any page that is not a 200, or that fell back on the sign-in page."""
    if reponse.status_code != 200 or "/connexion" in reponse.url:
        reponse.failure(f"{reponse.status_code} sur {reponse.url}")


def _unique(jpeg: bytes) -> bytes:
    """The photo with a comment of its own: each sending is a new document, as an applicant's are.

    (The same bytes twice make a duplicate deposit, which the pipeline answers without a mail.)
    """
    commentaire = f"envoi {next(ENVOIS_FAITS)} {time.time()}".encode()
    segment = b"\xff\xfe" + (len(commentaire) + 2).to_bytes(2, "big") + commentaire
    return jpeg[:2] + segment + jpeg[2:]  # right after the start-of-image marker


class Demandeur(HttpUser):
    """An applicant with a linked demande: consults it, sometimes sends a piece."""

    wait_time = between(*DONNEES["pause_s"])

    def on_start(self) -> None:
        rang = next(COMPTES) % len(DONNEES["comptes"])
        self.email, self.numero = DONNEES["comptes"][rang]
        source = Source(f"127.0.1.{rang // 4 + 1}")  # 4 applicants per address at most
        self.client.mount("http://", source)
        page = self.client.get("/connexion", name="page")
        jeton = JETON.search(page.text)
        if jeton is None:
            raise RuntimeError("pas de jeton CSRF sur la page de connexion")
        with self.client.post(
            "/connexion",
            data={
                "csrf_token": jeton.group(1),
                "email": self.email,
                "mot_de_passe": DONNEES["mot_de_passe"],
            },
            name="connexion",
            catch_response=True,
        ) as reponse:
            if reponse.status_code != 200 or "/connexion" in reponse.url:
                reponse.failure(f"connexion refusée ({reponse.status_code}, {reponse.url})")

    @task(int(DONNEES["pages_par_envoi"]))
    def consulter(self) -> None:
        """The demande page, the home page."""
        adresse = random.choice((f"/demandes/{self.numero}", "/"))
        with self.client.get(adresse, name="page", catch_response=True) as reponse:
            _verifier(reponse)

    @task(1)
    def envoyer(self) -> None:
        """Send one 1–2 MB piece; accepted means stored and queued."""
        adresse = f"/demandes/{self.numero}/pieces"
        page = self.client.get(adresse, name="page")
        jeton = JETON.search(page.text)
        if jeton is None:
            return
        chemin, type_piece = random.choice(DONNEES["fichiers"])
        fichier = Path(chemin)
        debut = time.time()
        with self.client.post(
            adresse,
            data={"csrf_token": jeton.group(1), "type-1": type_piece},
            files={"fichier-1": (fichier.name, _unique(fichier.read_bytes()), "image/jpeg")},
            name="envoi",
            catch_response=True,
        ) as reponse:
            _verifier(reponse)
            if reponse.status_code == 200:
                with VERROU, ENVOIS.open("a", encoding="utf-8") as sortie:
                    sortie.write(json.dumps({"email": self.email, "t": debut}) + "\n")
