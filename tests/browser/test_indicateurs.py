"""The manager's follow-up in a real browser: indicators, their export, a landlord's CUS table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sne.acteurs import SYSTEME, acteur_pour
from sne.services import demandes, indicateurs, radiation
from tests.browser.conftest import Visite
from tests.factories import ATTRIBUTION, document_demande
from tests.ods import lignes_ods


@pytest.fixture(scope="module")
def attribution(portail: dict[str, Any]) -> int:
    """An attribution of 13 Habitat recorded ten days after its lease; the snapshot refreshed."""
    uow, jour = portail["uow"], portail["aujourd_hui"]
    with uow() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
    bail = jour - timedelta(days=10)
    numero = demandes.enregistrer(
        uow(), agent, document_demande(foyer=41), aujourd_hui=bail - timedelta(days=60)
    ).numero
    radiation.radier(
        uow(),
        agent,
        numero,
        "RADATT",
        aujourd_hui=jour,
        donnees={**ATTRIBUTION, "bailleur": "13 Habitat", "date_bail": bail.isoformat()},
    )
    indicateurs.rafraichir(uow(), SYSTEME, jour, "013")
    return bail.year


def _telecharger(visite: Visite, nom: str, tmp_path: Path) -> bytes:
    with visite.page.expect_download() as attente:
        visite.page.get_by_role("link", name=nom).click()
    chemin = tmp_path / attente.value.suggested_filename
    attente.value.save_as(chemin)
    return chemin.read_bytes()


def test_manager_views_indicators_and_exports_a_table(
    visite: Visite,
    portail: dict[str, Any],
    attribution: int,
    capture: Callable[[Any, str], None],
    tmp_path: Path,
) -> None:
    page = visite.page
    visite.connecter("gestion.13")
    page.get_by_role("link", name="Suivi des guichets").first.click()
    visite.verifier()
    assert f"données au {portail['aujourd_hui']:%d/%m/%Y}" in page.content()
    assert page.get_by_role("img", name="Demandes enregistrées à un guichet par mois").count()
    page.get_by_label("Indicateur des graphiques").select_option("radiees")
    page.get_by_role("button", name="Afficher").click()
    visite.verifier()
    assert page.get_by_role("img", name="Demandes radiées par guichet").count()
    capture(page, "guichet_indicateurs")
    page.set_viewport_size({"width": 375, "height": 800})  # on a phone the chart shrinks to fit
    boite = page.get_by_role("img", name="Demandes radiées par guichet").bounding_box()
    assert boite is not None and boite["x"] >= 0 and boite["x"] + boite["width"] <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    lignes = lignes_ods(_telecharger(visite, "Télécharger le tableau par guichet (ODS)", tmp_path))
    assert lignes[0][:2] == ["Indicateur", "Territoire 013"]
    par_libelle = {ligne[0]: ligne[1:] for ligne in lignes}
    tableau = page.locator("#tableau-guichets")
    total = tableau.get_by_role("row", name="Demandes radiées").get_by_role("cell").first
    assert par_libelle["Demandes radiées"][0] == float(total.inner_text())


def test_manager_exports_a_landlords_cus_table(
    visite: Visite, attribution: int, capture: Callable[[Any, str], None], tmp_path: Path
) -> None:
    page = visite.page
    visite.connecter("gestion.13")
    page.get_by_role("link", name="Tableaux CUS").first.click()
    visite.verifier()
    page.get_by_label("Bailleur").select_option("13 Habitat")
    page.get_by_label("Année des attributions").fill(str(attribution))
    page.get_by_role("button", name="Afficher").click()
    visite.verifier()
    assert "13 Habitat, attributions de" in page.content()
    capture(page, "guichet_cus")
    lignes = lignes_ods(_telecharger(visite, "Télécharger PS-3 (ODS)", tmp_path))
    assert lignes[0][:2] == [
        "Numérateur : attributions à des ménages DALO",
        "Dénominateur : toutes les attributions",
    ]
    assert lignes[1][0] >= 1 and lignes[1][1] >= 1  # at least the DALO household above
    page.get_by_role("link", name="Seuils du premier quartile par EPCI").click()
    visite.verifier()
    page.get_by_role("button", name="Enregistrer le seuil").click()
    visite.verifier()
    assert "neuf chiffres" in visite.erreur("SIREN de l'EPCI (obligatoire)")
