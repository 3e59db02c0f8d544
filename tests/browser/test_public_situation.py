"""The public portal in chromium: the préavis mail's link, a situation update, then the renewal.

At a phone's width and a desktop's: the applicant follows the link of the
préavis mail the SMTP server caught, signs in and lands on the demande, adds a
person in their care and changes a resource (each reviewed before saving), then
renews. axe-core checks every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from demo.demandeur import compte_lie
from sne.acteurs import acteur_pour
from sne.mail import composer, envoyeur
from sne.services import demandes
from sne.services.courriers import texte_preavis
from sne.services.demandes import charger
from tests.browser.conftest import Visite, demande_a_renouveler, dernier_mail

MOT_DE_PASSE = "ma phrase de passe secrète"
#: (width, height, household number from this helper's range 120-139) of each run.
ECRANS = {"telephone": (375, 812, 124), "bureau": (1280, 900, 125)}


@pytest.mark.parametrize("ecran", list(ECRANS))
def test_preavis_link_situation_update_and_renewal(
    navigateur: Any,
    public: dict[str, Any],
    portail: dict[str, Any],
    capture: Callable[[Any, str], None],
    ecran: str,
) -> None:
    largeur, hauteur, foyer = ECRANS[ecran]
    email = f"situation.{ecran}@example.fr"
    jour = portail["aujourd_hui"]
    numero = demande_a_renouveler(public["uow"], foyer, email, jour)
    compte_lie(public["uow"], numero, email, MOT_DE_PASSE)
    settings = public["settings"]
    # The préavis text of the daily cycle, mailed for this demande only: running the whole
    # cycle here would radiate the demo's expired demandes other journeys use (the cycle's
    # own mail is tested in tests/web/test_public_situation.py).
    with public["uow"]() as unit:
        demande = charger(unit.session, numero)
        texte = texte_preavis(demande, public["url"])
    envoyeur(settings)(
        composer(expediteur=settings.mail_from, destinataire=email, sujet="Préavis", texte=texte)
    )
    lien = re.search(re.escape(public["url"]) + r"(/demandes/\S+)", dernier_mail(public, email))
    assert lien, dernier_mail(public, email)
    contexte = navigateur.new_context(
        locale="fr-FR", viewport={"width": largeur, "height": hauteur}
    )
    contexte.set_default_timeout(10_000)
    page = contexte.new_page()
    visite = Visite(page, public["url"])
    photo = capture if ecran == "telephone" else (lambda _page, _nom: None)
    try:
        # The préavis link asks to sign in, then opens the demande.
        page.goto(public["url"] + lien.group(1))
        visite.verifier()
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Me connecter").click()
        visite.verifier()
        assert page.url.endswith(f"/demandes/{numero}")
        # A person in the applicant's care joins the household.
        page.get_by_role("link", name="Mettre à jour ma situation").click()
        visite.verifier()
        photo(page, "public_situation")
        page.get_by_role("link", name="Les personnes de mon foyer").click()
        visite.verifier()
        assert "rendez-vous à un guichet avec une pièce d'identité" in page.content()
        page.get_by_role("button", name="une personne à ma charge").click()
        visite.verifier()
        nouvelle = page.get_by_role("group", name="Personne 4 — Personne à charge")
        nouvelle.get_by_label("Nom de naissance").fill("Nguyen")
        nouvelle.get_by_label("Prénoms").fill("Hoa")
        nouvelle.get_by_label("Date de naissance").fill("1950-03-04")
        nouvelle.get_by_label("Lien avec vous").select_option(index=1)
        page.get_by_role("button", name="Continuer").last.click()
        visite.verifier()
        assert "Ce qui va changer" in page.content(), page.inner_text("main")
        photo(page, "public_situation_verifier")
        page.get_by_role("button", name="Enregistrer ces changements").click()
        visite.verifier()
        assert "Votre situation est enregistrée" in page.content()
        # A resource changes.
        page.get_by_role("link", name="Mettre à jour ma situation").click()
        page.get_by_role("link", name="Mes ressources").click()
        visite.verifier()
        page.get_by_label("Montant mensuel 1 (€)").first.fill("1850")
        page.get_by_role("button", name="Continuer").last.click()
        visite.verifier()
        assert "1850" in page.content()
        page.get_by_role("button", name="Enregistrer ces changements").click()
        visite.verifier()
        # Renewal from the same page the préavis linked.
        page.get_by_role("link", name="Renouveler ma demande").click()
        visite.verifier()
        page.get_by_role("button", name="Renouveler ma demande").click()
        visite.verifier()
        assert "Votre demande est renouvelée" in page.content()
    finally:
        contexte.close()
    with public["uow"]() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
    vue = demandes.consulter(public["uow"](), agent, numero)
    assert vue.date_renouvellement == jour
    assert vue.document["personnes"][-1]["prenoms"] == "Hoa"
