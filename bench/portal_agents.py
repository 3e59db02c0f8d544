"""Locust agents for ``bench_portal``: guichet agents signing in, searching, opening, registering.

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
import string
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

DONNEES: dict[str, Any] = json.loads(
    Path(os.environ["SNE_BENCH_PORTAL_DONNEES"]).read_text(encoding="utf-8")
)
COMPTES = itertools.cycle(DONNEES["comptes"])
JETON = re.compile(r'name="csrf_token" value="([^"]+)"')


def _etapes(nom: str, prenoms: str, naissance: date) -> dict[str, dict[str, str]]:
    """The fields of each registration step (a–i) for a single applicant."""
    return {
        "a": {
            "vu": "personnes[1]:a",
            "personnes[1].civilite": "2",
            "personnes[1].nom_naissance": nom,
            "personnes[1].prenoms": prenoms,
            "personnes[1].date_naissance": naissance.isoformat(),
            "personnes[1].nationalite": "1",
        },
        "b": {
            "adresse_ligne1": "3 rue de la République",
            "code_postal": "13002",
            "commune": "Marseille",
        },
        "c": {"situation_familiale": "C"},
        "d": {"vu": "personnes[1]:d"},
        "e": {"vu": "personnes[1]:e", "revenu_fiscal_n1": "18200"},
        "f": {"logement_actuel": "LP"},
        "g": {"motifs": "09"},
        "h": {"types_logement": "T2", "communes_souhaitees": "13055"},
        "i": {},
    }


# Browsers treat http://127.0.0.1 as a secure context and send the portal's Secure cookies
# back to it; Python's cookie jars do not, and requests copies each jar with the default
# policy on every request and redirect: so the policy itself is told, in this process only.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True  # type: ignore[method-assign]


def _verifier(reponse: Any) -> None:
    """Count as an error any page that is not a 200, or that fell back on the sign-in page."""
    if reponse.status_code != 200 or "/connexion" in reponse.url:
        reponse.failure(f"{reponse.status_code} sur {reponse.url}")


class Agent(HttpUser):
    """A guichet agent: signs in once, then searches and opens demandes, with a pause between."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        """Sign in with an account of its own (the sign-in is throttled per account)."""
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
            if reponse.url.rstrip("/") != (self.host or "").rstrip("/"):
                reponse.failure(
                    f"connexion refusée ({reponse.status_code}, arrivé sur {reponse.url})"
                )

    @task(5)
    def rechercher(self) -> None:
        """Search by name, first names and birth date (a known person, sometimes misspelt)."""
        nom, prenoms, naissance = random.choice(DONNEES["identites"])
        with self.client.get(
            "/recherche",
            params={"nom": nom, "prenoms": prenoms, "date_naissance": naissance},
            name="recherche",
            catch_response=True,
        ) as reponse:
            _verifier(reponse)

    @task(5)
    def ouvrir(self) -> None:
        """Open a demande's page."""
        with self.client.get(
            f"/demandes/{random.choice(DONNEES['numeros'])}", name="demande", catch_response=True
        ) as reponse:
            _verifier(reponse)

    @task(1)
    def enregistrer(self) -> None:
        """Register a new applicant (a name no one has): the nine steps, then the numbering."""
        page = self.client.get("/demandes/nouvelle", name="saisie (étape)")
        jeton = JETON.search(page.text)
        if jeton is None:
            return
        nom = "Banc" + "".join(random.choices(string.ascii_lowercase, k=8))
        naissance = date(1950, 1, 1) + timedelta(days=random.randint(0, 18_000))
        for lettre, champs in _etapes(nom, "Camille", naissance).items():
            with self.client.post(
                "/demandes/nouvelle",
                data={"csrf_token": jeton.group(1), "etape": lettre, "aller": "suivante", **champs},
                name="saisie (étape)",
                catch_response=True,
            ) as reponse:
                _verifier(reponse)
        with self.client.post(
            "/demandes/nouvelle",
            data={
                "csrf_token": jeton.group(1),
                "etape": "verification",
                "enregistrer": "oui",
                "date_depot": "",
            },
            name="enregistrement",
            catch_response=True,
        ) as reponse:
            if "Numéro unique" not in reponse.text:
                reponse.failure(f"demande non enregistrée ({reponse.status_code})")

    @task(1)
    def accueil(self) -> None:
        """Come back to the worklist."""
        with self.client.get("/", name="accueil", catch_response=True) as reponse:
            _verifier(reponse)
