"""A demande's page in a real browser: renew, radiate on attribution, print the attestation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pypdfium2

from sne import codes
from tests.browser.conftest import Visite


def _francais(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


def test_renewing_keeps_the_number_and_extends_validity_by_a_year(
    visite: Visite, portail: dict[str, Any]
) -> None:
    numero, page = portail["a_renouveler"], visite.page
    visite.connecter()
    visite.ouvrir(f"/demandes/{numero}")
    page.get_by_role("link", name="Renouveler").click()
    visite.verifier()
    page.get_by_role("button", name="Renouveler la demande").click()
    visite.verifier()
    assert page.url == f"{visite.url}/demandes/{numero}"
    expiration = portail["aujourd_hui"].replace(year=portail["aujourd_hui"].year + 1)
    assert _francais(expiration) in page.locator("main").inner_text()


def test_radiating_on_attribution_asks_every_attribution_field(
    visite: Visite, portail: dict[str, Any]
) -> None:
    numero, page = portail["a_radier"], visite.page
    visite.connecter()
    visite.ouvrir(f"/demandes/{numero}")
    page.get_by_role("link", name="Radier").click()
    visite.verifier()
    # DSFR radio buttons are drawn by their label: a person clicks the label.
    page.get_by_text(codes.libelle(codes.MOTIF_RADIATION, "RADATT"), exact=True).click()
    page.get_by_role("button", name="Continuer").click()
    visite.verifier()
    # Sent empty first: every required field of the attribution is reported beside itself.
    page.get_by_role("button", name="Radier la demande").click()
    visite.verifier()
    assert visite.erreur("Adresse du logement")
    assert visite.erreur("Date de signature du bail")
    page.get_by_label("Adresse du logement").fill("8 boulevard National, bât. B")
    page.get_by_label("Code postal").fill("13003")
    page.get_by_label("Commune").fill("Marseille")
    page.get_by_label("Identifiant RPLS").fill("RPLS13-401223")
    page.get_by_label("quartier prioritaire").select_option("ZUSNON")
    page.get_by_label("Surface habitable").fill("64")
    page.get_by_label("Typologie (obligatoire)").select_option("T3")
    page.get_by_label("Bailleur (obligatoire)").fill("13 Habitat")
    page.get_by_label("Réservataire").select_option("COLTER")
    page.get_by_label("Statut DALO").select_option("NON")
    accord = codes.libelle(codes.ACCORD_COLLECTIF, "AUCUN")
    page.get_by_role("group", name="accord collectif").get_by_text(accord, exact=True).click()
    bail = portail["aujourd_hui"] - timedelta(days=2)
    page.get_by_label("Date de signature du bail").fill(bail.isoformat())
    page.get_by_role("button", name="Radier la demande").click()
    visite.verifier()
    assert page.url == f"{visite.url}/demandes/{numero}"
    texte = page.locator("main").inner_text()
    assert "Radiée" in texte
    assert codes.libelle(codes.MOTIF_RADIATION, "RADATT") in texte
    # Nothing is offered any more that a radiated demande refuses.
    assert page.get_by_role("link", name="Renouveler").count() == 0


def test_the_attestation_opens_as_a_pdf_naming_the_demande(
    visite: Visite, portail: dict[str, Any], capture: Callable[[Any, str], None]
) -> None:
    numero, page = portail["connu"], visite.page
    visite.connecter()
    visite.ouvrir(f"/demandes/{numero}")
    capture(page, "guichet_demande")
    lien = page.get_by_role("link", name="Imprimer l'attestation")
    assert lien.get_attribute("target") == "_blank"
    reponse = page.request.get(visite.url + (lien.get_attribute("href") or ""))
    assert reponse.ok
    assert reponse.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(reponse.body())
    texte = document[0].get_textpage().get_text_range()
    assert numero in texte.replace(" ", "")
