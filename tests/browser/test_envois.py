"""An agent's paper sending and professional deposit in a real browser, checked by axe-core."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2

from demo.envoi import scanner_envoi
from scanning.qr_payload import keyring_from_secrets
from sne.acteurs import acteur_pour
from sne.services import demandes
from synth.batch import nb_pages
from tests.browser.conftest import Visite
from tests.factories import document_demande

#: The pieces each dossier of the sending holds (what the scanned batch will show).
TYPES = [("avis_imposition",), ("quittance_loyer", "bulletin_salaire")]
#: The portal's secret in tests/browser/conftest.py: fiches and bordereau are signed with it.
SECRET = "browser-tests-" + "x" * 40


def test_an_agent_prepares_a_sending_prints_it_deposits_it_and_watches_it_processed(
    visite: Visite,
    portail: dict[str, Any],
    tmp_path: Path,
    capture: Callable[[Any, str], None],
) -> None:
    page = visite.page
    numeros = [portail["connu"], portail["a_renouveler"]]
    visite.connecter()
    # The first dossier from its demande's page, the second typed on the preparation page.
    visite.ouvrir(f"/demandes/{numeros[0]}")
    page.get_by_role("button", name="Ajouter à un envoi papier").click()
    visite.verifier()
    page.get_by_label("Numéro unique de la demande").fill(numeros[1])
    page.get_by_role("button", name="Ajouter la demande").click()
    visite.verifier()
    for numero, types in zip(numeros, TYPES, strict=True):
        page.get_by_label(f"Documents — {numero}").fill(str(len(types)))
        page.get_by_label(f"Pages — {numero}").fill(str(1 + nb_pages(types)))
    page.get_by_role("button", name="Enregistrer l'envoi").click()
    visite.verifier()
    identifiant = page.url.rsplit("/", 1)[-1]
    assert "Préparé" in page.locator("main").inner_text()
    impression = page.request.get(f"{visite.url}/envois/{identifiant}/impression.pdf")
    assert impression.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(impression.body())
    assert len(pdf) == 3  # the bordereau, then one fiche per demande
    pdf.close()
    visite.ouvrir("/envois")
    assert identifiant in page.locator("main").inner_text()

    # The paper comes back scanned; the agent deposits the whole PDF on the portal.
    scanne = scanner_envoi(
        portail["uow"],
        identifiant,
        TYPES,
        tmp_path / "envoi-scanne.pdf",
        keyring_from_secrets(SECRET),
        dpi=100,
    )
    visite.ouvrir("/depots/nouveau")
    page.get_by_label("Plusieurs demandes dans un PDF").check()
    page.get_by_label("Fichier PDF").set_input_files(str(scanne))
    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Dossiers du dépôt").wait_for(timeout=120_000)
    visite.verifier()
    texte = page.locator("main").inner_text()
    assert "traité" in texte and texte.count("Rattaché à la demande") == 2
    capture(page, "guichet_depot")
    visite.ouvrir("/depots")
    assert "envoi-scanne.pdf" in page.locator("main").inner_text()

    # The sending is processed and its notification mail is shown as sent.
    visite.ouvrir(f"/envois/{identifiant}")
    texte = page.locator("main").inner_text()
    assert "Traité" in texte and "Courriels de notification" in texte
    assert "Aucun courriel" not in texte
    capture(page, "guichet_envoi")

    # The pieces are in each dossier, listed with their type and channel.
    visite.ouvrir(f"/demandes/{numeros[1]}/pieces")
    texte = page.locator("main").inner_text()
    assert "Quittance de loyer" in texte or "À qualifier" in texte
    capture(page, "guichet_pieces")


def test_bad_files_added_at_the_guichet_each_get_their_french_reason(
    visite: Visite, portail: dict[str, Any], tmp_path: Path
) -> None:
    page = visite.page
    # A demande of its own: the shared ones may have been radiated by other journeys.
    with portail["uow"]() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
    numero = demandes.enregistrer(
        portail["uow"](), agent, document_demande(foyer=40), aujourd_hui=portail["aujourd_hui"]
    ).numero
    texte = tmp_path / "scan.pdf"
    texte.write_text("ceci n'est pas un PDF", encoding="utf-8")
    protege = tmp_path / "protege.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(protege, encryption=pikepdf.Encryption(owner="o", user="u"))
    visite.connecter()
    visite.ouvrir(f"/demandes/{numero}")
    page.get_by_role("link", name="Voir les pièces du dossier").click()
    visite.verifier()
    page.get_by_role("link", name="Ajouter des pièces numérisées").click()
    visite.verifier()
    page.get_by_label("Fichier de la pièce 1").set_input_files(str(texte))
    page.get_by_label("Type de la pièce 1").select_option("avis_imposition")
    page.get_by_label("Fichier de la pièce 2").set_input_files(str(protege))
    page.get_by_label("Type de la pièce 2").select_option("bulletin_salaire")
    page.get_by_role("button", name="Ajouter les pièces").click()
    page.get_by_text("protégé par un mot de passe").wait_for(timeout=60_000)
    # The progress bar's script posted the form itself: its answer, the page with the fields to
    # correct, comes with status 422 as without JavaScript, and the script shows it in place.
    assert visite.erreurs == [f"422 sur {page.url}"]
    visite.erreurs.clear()
    visite.verifier()
    assert "ni un PDF, ni une image JPEG" in page.locator("main").inner_text()
