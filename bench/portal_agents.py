"""Locust agents for ``bench_portal``: guichet agents signing in, searching and opening demandes.

Run by ``bench/bench_portal.py`` (``locust -f bench/portal_agents.py --headless …``), never
alone: it reads the accounts, identities and numéros to use from the JSON file named by
``SNE_BENCH_PORTAL_DONNEES``. Requests are grouped by page type (the ``name`` of each request).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

DONNEES: dict[str, Any] = json.loads(
    Path(os.environ["SNE_BENCH_PORTAL_DONNEES"]).read_text(encoding="utf-8")
)
COMPTES = itertools.cycle(DONNEES["comptes"])
JETON = re.compile(r'name="csrf_token" value="([^"]+)"')


class CookiesLocaux(DefaultCookiePolicy):
    """Send the portal's Secure cookies back over plain HTTP to 127.0.0.1, as browsers do."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class Agent(HttpUser):
    """A guichet agent: signs in once, then searches and opens demandes, with a pause between."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        """Sign in with an account of its own (the sign-in is throttled per account)."""
        self.client.cookies.set_policy(CookiesLocaux())
        page = self.client.get("/connexion", name="connexion")
        jeton = JETON.search(page.text)
        if jeton is None:
            raise RuntimeError("pas de jeton CSRF sur la page de connexion")
        with self.client.post(
            "/connexion",
            data={
                "csrf_token": jeton.group(1),
                "identifiant": next(COMPTES),
                "mot_de_passe": DONNEES["mot_de_passe"],
            },
            name="connexion",
            catch_response=True,
        ) as reponse:
            if reponse.url.rstrip("/") != self.host.rstrip("/"):
                reponse.failure(
                    f"connexion refusée ({reponse.status_code}, arrivé sur {reponse.url})"
                )

    @task(5)
    def rechercher(self) -> None:
        """Search by name, first names and birth date (a known person, sometimes misspelt)."""
        nom, prenoms, naissance = random.choice(DONNEES["identites"])
        self.client.get(
            "/recherche",
            params={"nom": nom, "prenoms": prenoms, "date_naissance": naissance},
            name="recherche",
        )

    @task(5)
    def ouvrir(self) -> None:
        """Open a demande's page."""
        self.client.get(f"/demandes/{random.choice(DONNEES['numeros'])}", name="demande")

    @task(1)
    def accueil(self) -> None:
        """Come back to the worklist."""
        self.client.get("/", name="accueil")
