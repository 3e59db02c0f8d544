"""The manager's API tokens in a real browser (axe-core on every page), and the API's own page."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import Visite


def test_le_gestionnaire_cree_un_jeton_le_voit_une_fois_puis_le_revoque(
    visite: Visite, capture: Callable[[Any, str], None]
) -> None:
    page = visite.page
    visite.connecter("gestion.13")
    visite.ouvrir("/gestion/jetons")
    page.get_by_label("Nom du jeton").fill("Logiciel de gestion locative")
    page.get_by_label("Identifiant du compte agent").fill("agent.nord")
    page.get_by_label("Plages d'adresses IP autorisées (facultatif)").fill("192.0.2.0/24")
    page.get_by_role("button", name="Créer le jeton").click()
    visite.verifier()
    secret = page.locator("main code").first.inner_text()
    assert secret.startswith("sne_")
    capture(page, "guichet_jetons")
    if os.environ.get("SNE_CAPTURE_ICI"):
        page.screenshot(
            path=str(Path(os.environ["SNE_CAPTURE_ICI"]) / "jetons.png"), full_page=True
        )
    visite.ouvrir("/gestion/jetons")
    assert secret not in page.locator("main").inner_text()
    page.get_by_role(
        "button", name="Révoquer le jeton « Logiciel de gestion locative » (G1301, agent.nord)"
    ).click()
    visite.verifier()
    assert "révoqué" in page.locator("main").inner_text()


def test_page_des_services_web(visite: Visite) -> None:
    visite.ouvrir("/api/v1/documentation")
    texte = visite.page.locator("main").inner_text()
    assert "/api/v1/demandes/{numero}" in texte
    if os.environ.get("SNE_CAPTURE_ICI"):
        visite.page.screenshot(
            path=str(Path(os.environ["SNE_CAPTURE_ICI"]) / "documentation.png"), full_page=True
        )
