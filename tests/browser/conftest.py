"""Browser tests: the guichet portal served on a free port, driven in Debian's chromium.

One database per run (a migrated SQLite file with the demo's referentiel and a
few dozen demandes), one portal served by werkzeug in a thread, one headless
chromium for the run (Playwright on ``/usr/bin/chromium``; never a downloaded
browser) and a fresh browser context per test. These fixtures live as long as
this package's tests only, so Playwright's driver and event loop are gone
before the other tests run. Every page a test visits must
pass axe-core's WCAG 2.1 A/AA rules (``Visite.verifier``), and must log no
script error nor content-security-policy violation; a failing test leaves a
screenshot under ``var/browser/``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import BaseWSGIServer, make_server

from demo.donnees import DEMO_MOT_DE_PASSE, generer
from sne import migrate
from sne.acteurs import acteur_pour
from sne.config import ROOT, Settings
from sne.db import make_engine
from sne.services import demandes
from sne.uow import UnitOfWork
from tests.conftest import REQUIRE_SERVICES
from tests.factories import document_demande
from tests.smtp import serveur_smtp
from workers.queue import make_queue

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CAPTURES = ROOT / "var" / "browser"
#: axe-core tags of the WCAG 2.1 levels A and AA.
NORMES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MOT_DE_PASSE = DEMO_MOT_DE_PASSE
#: The known household registered at set-up (the factory's couple), for search and duplicates.
CONNU = document_demande()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``."""
    dossier = Path(__file__).parent
    for item in items:
        if dossier in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so teardown knows whether the test failed."""
    rapport = yield
    setattr(item, f"rapport_{rapport.when}", rapport)
    return rapport


# --------------------------------------------------------------------------- the portal


@pytest.fixture(scope="package")
def portail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The portal on a free port over its own migrated database: base URL and set-up facts."""
    var = tmp_path_factory.mktemp("portail")
    url_base = f"sqlite:///{var / 'sne.sqlite3'}"
    engine = make_engine(url_base)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    aujourd_hui = date.today()
    generer(uow, aujourd_hui=aujourd_hui, nombre=40)
    with uow() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
        # The demo's accounts must change their password at first sign-in; the journeys
        # sign in directly, except the one that tests the forced change (agent.mairie).
        unit.session.execute(
            text("UPDATE utilisateur SET mot_de_passe_a_changer = (login = 'agent.mairie')")
        )
        unit.commit()
    connu, a_renouveler, a_radier = (
        demandes.enregistrer(uow(), agent, document, aujourd_hui=aujourd_hui).numero
        for document in (CONNU, document_demande(foyer=5), document_demande(foyer=6))
    )
    settings = Settings(database_url=url_base, var_dir=var, secret_key="browser-tests-" + "x" * 40)
    from guichet_portal import create_app

    app = create_app(settings)
    serveur: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield {
        "url": f"http://127.0.0.1:{serveur.server_port}",
        "connu": connu,
        "a_renouveler": a_renouveler,
        "a_radier": a_radier,
        "aujourd_hui": aujourd_hui,
        "uow": uow,
        "settings": settings,
    }
    serveur.shutdown()
    fil.join(timeout=10)
    engine.dispose()


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="package")
def navigateur() -> Iterator[Any]:
    """One headless chromium for the whole session (Debian's, driven by Playwright)."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} est introuvable : lancez bin/bootstrap (paquet Debian chromium)."
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if not AXE.is_file():
        pytest.fail(f"{AXE} manque : lancez bin/bootstrap (npm ci).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def format_date(navigateur: Any) -> str:
    """How this chromium's date fields take typed digits: ``"%d%m%Y"`` or ``"%m%d%Y"``.

    Headless chromium lays out date fields in its own locale's order (month
    first here, whatever the page's language), so the keyboard test asks it once.
    """
    contexte = navigateur.new_context()
    page = contexte.new_page()
    page.set_content('<input type="date" aria-label="essai">')
    page.focus("input")
    page.keyboard.type("01022000")
    valeur = page.eval_on_selector("input", "e => e.value")
    contexte.close()
    return {"2000-02-01": "%d%m%Y", "2000-01-02": "%m%d%Y"}[valeur]


class Visite:
    """A test's tab: every page loaded is recorded and must be checked with ``verifier``."""

    def __init__(self, page: Any, url: str, *, js: bool = True) -> None:
        self.page = page
        self.url = url
        self.js = js  # False: the context runs no script (axe-core cannot run either)
        self.chargees: list[str] = []
        self.verifiees: set[str] = set()
        self.erreurs: list[str] = []
        page.on("load", lambda p: self.chargees.append(_sans_ancre(p.url)))
        page.on("pageerror", lambda e: self.erreurs.append(f"erreur de script : {e}"))
        page.on("console", self._console)
        page.on("response", self._reponse)

    def _console(self, message: Any) -> None:
        """Script errors and CSP violations; a page refused with 4xx is judged by its test."""
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.erreurs.append(f"console : {message.text}")

    def _reponse(self, reponse: Any) -> None:
        """A stylesheet, script, font or picture the page asked for and did not get."""
        if reponse.status >= 400 and reponse.request.resource_type != "document":
            self.erreurs.append(f"{reponse.status} sur {reponse.url}")

    def ouvrir(self, chemin: str) -> None:
        """Go to ``chemin`` of the portal, then check the page."""
        self.page.goto(self.url + chemin)
        self.verifier()

    def verifier(self) -> None:
        """Run axe-core on the page: zero WCAG 2.1 A/AA violation, no script error logged.

        Without JavaScript the page must load with everything it asks for; axe-core
        checks the same pages in the journeys that run scripts.
        """
        self.page.wait_for_load_state("load")
        assert not self.erreurs, f"{self.page.url} : {self.erreurs}"
        if not self.js:
            self.verifiees.add(_sans_ancre(self.page.url))
            return
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP stays in force.
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        resultat = self.page.evaluate(
            "normes => axe.run(document, {runOnly: {type: 'tag', values: normes}})", NORMES
        )
        violations = [
            f"{v['id']} ({v['impact']}) : {v['help']} — "
            + " | ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in resultat["violations"]
        ]
        assert not violations, f"axe-core sur {self.page.url} :\n" + "\n".join(violations)
        self.verifiees.add(_sans_ancre(self.page.url))

    def connecter(self, login: str = "agent.nord", mot_de_passe: str = MOT_DE_PASSE) -> None:
        """Sign in through the sign-in page (checked on the way)."""
        self.ouvrir("/connexion")
        self.page.get_by_label("Identifiant").fill(login)
        self.page.get_by_label("Mot de passe").fill(mot_de_passe)
        self.page.get_by_role("button", name="Se connecter").click()
        self.verifier()

    def erreur(self, libelle: str) -> str:
        """The error message linked to the field labelled ``libelle`` (it must be invalid)."""
        champ = self.page.get_by_label(libelle)
        assert champ.get_attribute("aria-invalid") == "true", f"{libelle} n'est pas en erreur"
        lien = champ.get_attribute("aria-describedby") or ""
        textes = [self.page.locator(f"[id='{ident}']").inner_text() for ident in lien.split()]
        return " ".join(textes)

    def non_verifiees(self) -> list[str]:
        """Pages loaded (PDF aside) that no ``verifier`` call checked."""
        return [
            u for u in dict.fromkeys(self.chargees) if u not in self.verifiees and ".pdf" not in u
        ]


def _sans_ancre(url: str) -> str:
    return re.sub(r"#.*$", "", url)


@pytest.fixture
def visite(
    navigateur: Any, portail: dict[str, Any], request: pytest.FixtureRequest
) -> Iterator[Visite]:
    """A fresh browser context (no cookie) and tab; a screenshot under var/browser/ on failure."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    contexte.set_default_timeout(10_000)
    page = contexte.new_page()
    v = Visite(page, portail["url"])
    yield v
    rapport = getattr(request.node, "rapport_call", None)
    if rapport is not None and rapport.failed:
        CAPTURES.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(CAPTURES / f"{_nom_fichier(request.node.name)}.png"), full_page=True
        )
    elif rapport is not None and rapport.passed:
        oubliees = v.non_verifiees()
        contexte.close()
        assert not oubliees, f"pages visitées sans contrôle d'accessibilité : {oubliees}"
        return
    contexte.close()


def _nom_fichier(nom: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nom)


@pytest.fixture
def capture() -> Callable[[Any, str], None]:
    """Save a screenshot for the README (docs/images/NAME.png) when SNE_CAPTURES_README=1.

    Off by default, so that running the tests leaves the committed pictures alone.
    """

    def prendre(page: Any, nom: str) -> None:
        if os.environ.get("SNE_CAPTURES_README") == "1":
            page.screenshot(path=str(ROOT / "docs" / "images" / f"{nom}.png"))

    return prendre


# --------------------------------------------------------------------------- shared by journeys
# (moved here from test_saisie.py and test_public.py: the online filing's journey uses them too)

#: (kind, field name, value) per step; kinds: texte, date, choix (radio), liste (select), case.
Saisie = list[tuple[str, str, str]]


def foyer_saisi(nom: str, prenoms: str, naissance: str) -> dict[str, Saisie]:
    """A single applicant's household, step by step (only what the rules require, and a bit)."""
    return {
        "a": [
            ("choix", "personnes[1].civilite", "2"),
            ("texte", "personnes[1].nom_naissance", nom),
            ("texte", "personnes[1].prenoms", prenoms),
            ("date", "personnes[1].date_naissance", naissance),
            ("liste", "personnes[1].nationalite", "1"),
        ],
        "b": [
            ("texte", "adresse_ligne1", "3 rue de la République"),
            ("texte", "code_postal", "13002"),
            ("texte", "commune", "Marseille"),
            ("texte", "email", "saisie.navigateur@example.fr"),
        ],
        "c": [("liste", "situation_familiale", "C")],
        "d": [("liste", "personnes[1].contrat_travail", "CDI")],
        "e": [("texte", "revenu_fiscal_n1", "18200")],
        "f": [("liste", "logement_actuel", "LP")],
        "g": [("case", "motifs", "09")],
        "h": [("case", "types_logement", "T2"), ("texte", "communes_souhaitees", "13055")],
        "i": [
            ("liste", "handicap_etat", "EVO"),
            ("case", "handicap_aides_techniques", "3"),
            ("case", "handicap_equipements", "4"),
        ],
    }


class Souris:
    """An agent who clicks: fills fields, clicks labels and buttons."""

    def __init__(self, visite: Visite) -> None:
        self.page = visite.page

    def saisir(self, sorte: str, nom: str, valeur: str) -> None:
        champ = self.page.locator(f'[name="{nom}"]')
        if sorte in ("texte", "date"):
            champ.fill(valeur)
        elif sorte == "liste":
            champ.select_option(valeur)
        else:  # DSFR draws radio buttons and boxes with their label: click it
            ident = self.page.locator(f'[name="{nom}"][value="{valeur}"]').get_attribute("id")
            self.page.locator(f'label[for="{ident}"]').click()

    def appuyer(self, selecteur: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selecteur).click()


SUIVANTE = 'button[name="aller"][value="suivante"]:not([tabindex="-1"])'
LIEN_RE = re.compile(r"http://127\.0\.0\.1:\d+(/\S+)")


@pytest.fixture(scope="module")  # one per module: each journey starts with fresh sign-in throttling
def public(
    portail: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The public portal served beside the guichet portal, over the same database and a SMTP server."""
    from public_portal import create_app

    smtp = ExitStack()
    port, collecte = smtp.enter_context(serveur_smtp())
    settings = Settings(
        database_url="sqlite://",
        var_dir=tmp_path_factory.mktemp("public"),
        secret_key="browser-tests-" + "x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
    )
    # The pieces applicants send are processed on a thread, over the portal's database.
    queue = make_queue(settings, portail["uow"]().session_factory, arriere_plan=True)
    app = create_app(settings, uow_factory=portail["uow"], queue=queue)
    serveur: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield {
        "url": f"http://127.0.0.1:{serveur.server_port}",
        "mails": collecte,
        "uow": portail["uow"],
        "dossier": settings.var_dir,
        "settings": settings,
    }
    serveur.shutdown()
    fil.join(timeout=10)
    smtp.close()


def demande_a_renouveler(uow: Callable[[], Any], foyer: int, email: str, aujourd_hui: date) -> str:
    """A demande filed 11 months and 10 days ago (so within its préavis month), with ``email``."""
    with uow() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
    depot = aujourd_hui - relativedelta(months=11, days=10)
    document = document_demande(foyer=foyer, email=email)
    return demandes.enregistrer(uow(), agent, document, aujourd_hui=depot).numero


def dernier_mail(public: dict[str, Any], destinataire: str) -> str:
    """The plain text of the last mail caught for ``destinataire``."""
    for message in reversed(public["mails"].messages):
        if message["To"] == destinataire:
            return str(message.get_body(("plain",)).get_content())
    raise AssertionError(f"aucun message pour {destinataire}")
