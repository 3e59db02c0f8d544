"""Signing in with a real browser: the page, a refusal, the forced password change, sign-out."""

from __future__ import annotations

from tests.browser.conftest import MOT_DE_PASSE, Visite


def test_a_wrong_password_is_refused_in_french_and_keeps_the_login(visite: Visite) -> None:
    visite.ouvrir("/")  # not signed in: sent to the sign-in page
    assert visite.page.url.startswith(visite.url + "/connexion")
    visite.page.get_by_label("Identifiant").fill("agent.nord")
    visite.page.get_by_label("Mot de passe").fill("pas le bon")
    visite.page.get_by_role("button", name="Se connecter").click()
    visite.verifier()
    assert visite.page.get_by_label("Identifiant").input_value() == "agent.nord"
    assert visite.page.get_by_role("alert").inner_text() == "Identifiant ou mot de passe incorrect."


def test_signing_in_opens_the_worklist_and_signing_out_closes_it(visite: Visite) -> None:
    visite.connecter("agent.nord")
    assert visite.page.url == visite.url + "/"
    assert visite.page.locator("h1").first.is_visible()
    visite.page.get_by_role("button", name="Se déconnecter").click()
    visite.verifier()
    assert visite.page.url.startswith(visite.url + "/connexion")
    visite.ouvrir("/")
    assert visite.page.url.startswith(visite.url + "/connexion")


def test_an_account_created_by_someone_else_must_choose_its_password(visite: Visite) -> None:
    visite.connecter("agent.mairie")
    assert visite.page.url.startswith(visite.url + "/mot-de-passe")
    nouveau = "un mot de passe bien à moi"
    visite.page.get_by_label("Mot de passe actuel").fill(MOT_DE_PASSE)
    visite.page.locator("input[name=nouveau]").fill(nouveau)
    visite.page.get_by_label("une seconde fois").fill(nouveau)
    visite.page.get_by_role("button", name="Changer le mot de passe").click()
    visite.verifier()
    assert visite.page.url == visite.url + "/"
