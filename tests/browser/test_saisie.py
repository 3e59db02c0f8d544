"""Registering a demande in a real browser: steps a–i, a forced duplicate, the keyboard alone.

The same household data drives two agents: one using the mouse as most do, one
using only the keyboard (Tab to each field, typing, arrows in lists, Space in
boxes, Enter on buttons), which also proves every field is reachable that way
and shows where the focus is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import SUIVANTE, Saisie, Souris, Visite, foyer_saisi


class Clavier:
    """An agent with the keyboard alone: Tab to each field, never a click."""

    def __init__(self, visite: Visite, format_date: str) -> None:
        self.page = visite.page
        self.format_date = format_date

    def _aller(self, selecteur: str) -> None:
        """Press Tab until the focus is on an element matching ``selecteur`` (fails otherwise)."""
        for _ in range(250):
            if self.page.evaluate("s => document.activeElement.matches(s)", selecteur):
                return
            self.page.keyboard.press("Tab")
        pytest.fail(f"{selecteur} n'est pas atteignable avec la touche Tab")

    def _focus_visible(self) -> None:
        contour = self.page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert contour[0] != "none" and contour[1] != "0px", f"focus invisible : {contour}"

    def saisir(self, sorte: str, nom: str, valeur: str) -> None:
        if sorte == "choix":
            # One tab stop per group of radio buttons, then the arrows move the choice.
            self._aller(f'[name="{nom}"]')
            for _ in range(10):
                if self.page.evaluate("() => document.activeElement.value") == valeur:
                    self.page.keyboard.press("Space")
                    return
                self.page.keyboard.press("ArrowDown")
            pytest.fail(f"{nom} : pas de choix {valeur}")
        selecteur = f'[name="{nom}"][value="{valeur}"]' if sorte == "case" else f'[name="{nom}"]'
        self._aller(selecteur)
        if sorte == "case":
            self.page.keyboard.press("Space")
            return
        self._focus_visible()
        if sorte == "liste":
            for _ in range(40):
                if self.page.evaluate("() => document.activeElement.value") == valeur:
                    return
                self.page.keyboard.press("ArrowDown")
            pytest.fail(f"{nom} : pas d'option {valeur}")
        elif sorte == "date":  # the digits in the order the field shows them
            self.page.keyboard.type(date.fromisoformat(valeur).strftime(self.format_date))
        else:
            self.page.keyboard.type(valeur)

    def appuyer(self, selecteur: str) -> None:
        self._aller(selecteur)
        self._focus_visible()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


FORCER = 'button[name="forcer"]:not([tabindex="-1"])'
ENREGISTRER = 'button[name="enregistrer"]:not([tabindex="-1"])'


def _remplir(visite: Visite, agent: Souris | Clavier, foyer: dict[str, Saisie]) -> None:
    """Fill steps a to i, moving on with « Étape suivante », each page checked."""
    for lettre, champs in foyer.items():
        assert visite.page.locator('input[name="etape"]').get_attribute("value") == lettre
        for sorte, nom, valeur in champs:
            agent.saisir(sorte, nom, valeur)
        agent.appuyer(SUIVANTE)
        visite.verifier()


def _numero_enregistre(visite: Visite) -> str:
    trouve = re.search(r"Numéro unique : (\w{18})", visite.page.locator("main").inner_text())
    assert trouve, visite.page.locator("main").inner_text()
    return trouve.group(1)


def test_registering_a_duplicate_shows_the_candidate_and_is_forced_with_a_justification(
    visite: Visite, portail: dict[str, Any], capture: Callable[[Any, str], None]
) -> None:
    page = visite.page
    visite.connecter()
    page.get_by_role("link", name="Enregistrer une demande").first.click()
    visite.verifier()
    # The known applicant, first names in another order: a probable duplicate.
    _remplir(visite, Souris(visite), foyer_saisi("NGUYEN", "Thi Claire", "1988-05-02"))
    candidats = page.get_by_role("table")  # the duplicate check, before numbering
    assert portail["connu"] in candidats.inner_text()
    assert "prénoms dans un autre ordre" in candidats.inner_text()
    capture(page, "guichet_doublons")
    page.locator(FORCER).click()  # no justification yet: refused beside the field
    visite.verifier()
    assert "indiquez pourquoi" in visite.erreur("Justification de l'enregistrement")
    page.get_by_label("Justification de l'enregistrement").fill(
        "Homonyme : autre personne, vérifié sur la carte d'identité."
    )
    page.locator(FORCER).click()
    visite.verifier()
    numero = _numero_enregistre(visite)
    assert numero != portail["connu"]
    assert "Doublon forcé\noui" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Imprimer l'attestation").is_visible()


def test_a_demande_is_registered_with_the_keyboard_alone(visite: Visite, format_date: str) -> None:
    page = visite.page
    visite.connecter()
    visite.ouvrir("/demandes/nouvelle")
    clavier = Clavier(visite, format_date)
    _remplir(visite, clavier, foyer_saisi("Durand-Vidal", "Inès Marie", "1990-07-21"))
    clavier.appuyer(ENREGISTRER)  # no duplicate candidate: numbered at once
    visite.verifier()
    numero = _numero_enregistre(visite)
    visite.ouvrir(f"/demandes/{numero}")
    assert "DURAND-VIDAL" in page.locator("main").inner_text().upper()
    assert "Déambulateur" in page.locator("main").inner_text()  # step i's boxes, by keyboard
