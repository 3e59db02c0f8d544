"""Searching in a real browser: identity rules shown with their reason, numéro with spaces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Visite


def test_search_by_swapped_first_names_shows_the_reason_then_opens_the_demande(
    visite: Visite, portail: dict[str, Any], capture: Callable[[Any, str], None]
) -> None:
    page = visite.page
    visite.connecter()
    page.get_by_role("link", name="Rechercher").first.click()
    visite.verifier()
    page.get_by_label("Nom de naissance").fill("NGUYÊN")
    page.get_by_label("Prénoms").fill("thi claire")
    page.get_by_label("Date de naissance").fill("02/05/1988")
    page.get_by_role("button", name="Rechercher").click()
    visite.verifier()
    ligne = page.get_by_role("row").filter(has_text=portail["connu"])
    assert "prénoms dans un autre ordre" in ligne.inner_text()
    assert "Active" in ligne.inner_text()
    capture(page, "guichet_recherche")
    ligne.get_by_role("link", name=portail["connu"]).click()
    visite.verifier()
    assert page.url == f"{visite.url}/demandes/{portail['connu']}"


def test_a_numero_typed_with_spaces_goes_straight_to_its_demande(
    visite: Visite, portail: dict[str, Any]
) -> None:
    numero = portail["connu"]
    visite.connecter()
    visite.ouvrir("/recherche")
    visite.page.get_by_label("Numéro unique").fill(
        f"{numero[:3]} {numero[3:7]} {numero[7:13]} {numero[13:]}"
    )
    visite.page.get_by_label("Numéro unique").press("Enter")
    visite.verifier()
    assert visite.page.url == f"{visite.url}/demandes/{numero}"


def test_a_malformed_numero_is_explained_beside_the_field(visite: Visite) -> None:
    visite.connecter()
    visite.ouvrir("/recherche?numero=0130326")
    assert "doit compter 18 caractères (il en a 7)" in visite.erreur("Numéro unique")
