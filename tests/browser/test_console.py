"""Browser journeys of the digitisation console: intake of a synth batch, an incident answered.

The module serves its own portal over the package's database, with mails going
through a real SMTP server (aiosmtpd) so that the référent's mail is caught.
Jobs run on a thread of the web process (no Redis), as in ``make run``; the
test waits for that queue to be idle before looking for the mail.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from sne.config import Settings
from synth.batch import BatchSpec, generate_batch
from tests.browser.conftest import Visite
from tests.smtp import Collecte, serveur_smtp
from workers.queue import make_queue

OPERATEUR = "operateur.scan"
AGENT = "agent.nord"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, Collecte]]:
    """A real SMTP server collecting the mails of this module."""
    with serveur_smtp() as serveur:
        yield serveur


@pytest.fixture(scope="module")
def portail(
    portail: dict[str, Any], smtp: tuple[int, Collecte], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The package's portal database, served with mails sent to the SMTP server above."""
    from guichet_portal import create_app

    with portail["uow"]() as unit:
        url = unit.session.get_bind().url.render_as_string(hide_password=False)
    settings = Settings(
        database_url=url,
        var_dir=tmp_path_factory.mktemp("console"),
        secret_key="browser-tests-" + "x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=smtp[0],
    )
    file = make_queue(settings, arriere_plan=True)
    serveur = make_server("127.0.0.1", 0, create_app(settings, queue=file), threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield {**portail, "url": f"http://127.0.0.1:{serveur.server_port}", "file": file}
    serveur.shutdown()
    fil.join(timeout=10)


def _se_connecter(visite: Visite, login: str) -> None:
    """Sign in afresh as ``login`` (the former account's cookies dropped)."""
    visite.page.context.clear_cookies()
    visite.connecter(login)


def test_an_operator_deposits_a_synth_batch_and_sees_it_in_the_queue(
    visite: Visite, tmp_path: Path, capture: Callable[[Any, str], None]
) -> None:
    lot = tmp_path / "courrier-du-jour.pdf"
    generate_batch(
        lot, BatchSpec(envois=1, dossiers_par_envoi=(1, 1), demandeurs=0, dpi=100), seed=4
    )
    _se_connecter(visite, OPERATEUR)
    visite.ouvrir("/console/depot")
    page = visite.page
    page.locator("label", has_text="courrier d'un guichet").click()
    page.get_by_label("Fichier du lot").set_input_files(str(lot))
    # Over the limit, the page says so before sending anything (the limit lowered for the test).
    page.locator("form[data-max-octets]").evaluate("f => f.setAttribute('data-max-octets', '1000')")
    page.get_by_role("button", name="Déposer le lot").click()
    assert page.url.endswith("/console/depot")
    assert "un lot déposé ici en fait au plus 0 Mo" in page.locator("#fichier-annonce").inner_text()
    assert page.get_by_label("Fichier du lot").get_attribute("aria-invalid") == "true"
    visite.verifier()
    page.locator("form[data-max-octets]").evaluate("f => f.setAttribute('data-max-octets', '1e9')")
    page.get_by_role("button", name="Déposer le lot").click()
    visite.verifier()
    assert page.url.endswith("/console/")
    message = page.locator(".fr-alert").first.inner_text()
    numero = re.search(r"Lot n° (\d+) reçu", message)
    assert numero, message
    lien = page.locator(f'a[href="/console/lots/{numero.group(1)}"]')
    assert lien.inner_text() == f"Lot n° {numero.group(1)}"
    ligne = page.locator("tr", has=lien).inner_text()
    assert "courrier d'un guichet" in ligne and "courrier-du-jour.pdf" in ligne
    capture(page, "console-file")
    # The same file again is recognised.
    visite.ouvrir("/console/depot")
    page.locator("label", has_text="courrier d'un guichet").click()
    page.get_by_label("Fichier du lot").set_input_files(str(lot))
    page.get_by_role("button", name="Déposer le lot").click()
    visite.verifier()
    assert f"Ce fichier a déjà été déposé (lot n° {numero.group(1)})" in page.content()
    for chemin in (
        "/console/?filtre=a_revoir",
        "/console/echeances",
        "/console/travaux",
        f"/console/lots/{numero.group(1)}/notifications",
    ):
        visite.ouvrir(chemin)


def test_an_agent_reports_an_incident_the_operator_answers_and_the_referent_is_mailed(
    visite: Visite,
    portail: dict[str, Any],
    smtp: tuple[int, Collecte],
    capture: Callable[[Any, str], None],
) -> None:
    _port, collecte = smtp
    avant = len(collecte.messages)
    _se_connecter(visite, AGENT)
    visite.ouvrir("/incidents/")
    page = visite.page
    page.get_by_role("link", name="Signaler un incident").click()
    visite.verifier()
    page.locator("label", has_text="Notification non reçue").click()
    page.get_by_label("Description").fill(
        "Le courriel de traitement de notre envoi n'est pas arrivé."
    )
    page.get_by_role("button", name="Signaler l'incident").click()
    visite.verifier()
    ident = page.url.rsplit("/", 1)[1]
    assert "n'a pas encore répondu" in page.content()

    _se_connecter(visite, OPERATEUR)
    visite.ouvrir("/console/incidents")
    page.get_by_role("link", name=f"Incident n° {ident}", exact=True).click()
    visite.verifier()
    page.get_by_label("Réponse").fill("Le courriel vous a été renvoyé ce matin.")
    capture(page, "console-incident")
    page.get_by_role("button", name="Envoyer la réponse", exact=True).click()
    visite.verifier()
    assert "le référent du guichet la reçoit par courriel" in page.content()

    portail["file"].attendre()  # the mail is sent by the portal's job thread
    nouveaux = collecte.messages[avant:]
    assert len(nouveaux) == 1
    [mail] = nouveaux
    assert f"Incident n° {ident}" in mail["Subject"]
    corps = mail.get_body(("plain",))
    assert corps is not None and "renvoyé ce matin" in corps.get_content()

    _se_connecter(visite, AGENT)
    visite.ouvrir(f"/incidents/{ident}")
    assert "Le courriel vous a été renvoyé ce matin." in page.content()
