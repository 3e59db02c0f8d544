"""The public portal in chromium, at a phone's width and a desktop's, with and without JavaScript.

One journey from nothing to a renewed then abandoned demande: create an
account, confirm it with the link of the mail the SMTP server caught, sign
in, link the demande with the mailed code, follow it, renew it, download the
attestation, give it up. axe-core checks every page on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from tests.browser.conftest import LIEN_RE, Visite, demande_a_renouveler, dernier_mail
from tests.factories import document_demande
from tests.scans import scan_pdf

CODE_RE = re.compile(r"\b(\d{8})\b")
MOT_DE_PASSE = "ma phrase de passe secrète"
#: (width, height, JavaScript) of each run of the journey.
ECRANS = {
    "telephone": (375, 812, True),
    "telephone-sans-js": (375, 812, False),
    "bureau": (1280, 900, True),
    "bureau-sans-js": (1280, 900, False),
}


def envoyer_piece(
    page: Any,
    verifier: Callable[[], None],
    public: dict[str, Any],
    adresse_demande: str,
    photo: Callable[[Any, str], None],
) -> None:
    """From the demande page, send one scanned lease; it is taken, and the result is mailed."""
    dossier = Path(public["dossier"]) / adresse_demande
    dossier.mkdir()
    bail = scan_pdf(dossier / "bail.pdf", ["bail"], dpi=150)
    page.get_by_role("link", name="Envoyer des pièces").click()
    verifier()
    assert "page 1 de votre attestation" in page.content()
    page.get_by_label("Fichier de la pièce 1").set_input_files(str(bail))
    page.get_by_label("Ce qu'est la pièce 1").select_option(
        label="Bail (contrat de location) — Logement actuel"
    )
    page.get_by_role("button", name="Envoyer les pièces").click()
    page.get_by_text("Fichier reçu").wait_for()
    verifier()
    photo(page, "public_pieces")
    # The job runs on the portal's thread: its mail says what became of the piece.
    for _ in range(120):
        mails = [m for m in public["mails"].messages if m["To"] == adresse_demande]
        if any("Pièces téléversées" in str(m.get_body(("plain",)).get_content()) for m in mails):
            break
        page.wait_for_timeout(500)
    else:
        raise AssertionError("aucun message de résultat pour la pièce envoyée")
    page.get_by_role("link", name="Revenir à ma demande").first.click()
    verifier()


@pytest.mark.parametrize("ecran", list(ECRANS))
def test_from_account_creation_to_renewal_and_renonciation(
    navigateur: Any,
    public: dict[str, Any],
    portail: dict[str, Any],
    capture: Callable[[Any, str], None],
    ecran: str,
    request: pytest.FixtureRequest,
) -> None:
    largeur, hauteur, js = ECRANS[ecran]
    foyer = 20 + list(ECRANS).index(ecran)
    email = f"demandeur.{ecran}@example.fr"
    adresse_demande = f"foyer.{ecran}@example.fr"
    numero = demande_a_renouveler(public["uow"], foyer, adresse_demande, portail["aujourd_hui"])
    naissance = document_demande(foyer=foyer)["personnes"][0]["date_naissance"]
    contexte = navigateur.new_context(
        locale="fr-FR", viewport={"width": largeur, "height": hauteur}, java_script_enabled=js
    )
    contexte.set_default_timeout(10_000)
    page = contexte.new_page()
    visite = Visite(page, public["url"], js=js)
    photo = capture if ecran == "telephone" else (lambda _page, _nom: None)
    verifier, ouvrir = visite.verifier, visite.ouvrir

    try:
        # What anybody may read: where to go, what is kept.
        ouvrir("/guichets")
        ouvrir("/confidentialite")
        # Create the account.
        ouvrir("/")
        page.get_by_role("link", name="Créer un compte").click()
        verifier()
        page.get_by_label("Adresse e-mail").fill(email)
        page.locator("input[name=mot_de_passe]").fill(MOT_DE_PASSE)
        page.get_by_label("deuxième fois").fill(MOT_DE_PASSE)
        photo(page, "public_creer_compte")
        page.get_by_role("button", name="Créer mon compte").click()
        verifier()
        assert "Consultez votre messagerie" in page.content()
        # Confirm it with the mailed link, then sign in.
        lien = LIEN_RE.search(dernier_mail(public, email))
        assert lien
        ouvrir(lien.group(1))
        assert page.url.startswith(public["url"] + "/connexion")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Me connecter").click()
        verifier()
        # Link the demande: identity, then the code mailed to the demande's address.
        page.get_by_role("link", name="Relier une demande").last.click()
        verifier()
        page.get_by_label("Numéro unique").fill(numero)
        page.get_by_label("nom de naissance").fill("nguyen")
        jour = date.fromisoformat(naissance)
        page.get_by_label("date de naissance").fill(f"{jour:%d/%m/%Y}")
        photo(page, "public_relier")
        page.get_by_role("button", name="Recevoir le code").click()
        verifier()
        code = CODE_RE.search(dernier_mail(public, adresse_demande))
        assert code
        page.get_by_label("Code reçu").fill(code.group(1))
        page.get_by_role("button", name="Relier la demande").click()
        verifier()
        assert page.url == f"{public['url']}/demandes/{numero}"
        assert numero in page.locator("h1 + p").inner_text()
        photo(page, "public_demande")
        # Contact details: a form of their own, identity locked.
        page.get_by_role("link", name="Mettre à jour mes coordonnées").click()
        verifier()
        page.get_by_label("Téléphone portable").fill("0611223344")
        page.get_by_role("button", name="Enregistrer").click()
        verifier()
        assert "Vos coordonnées sont enregistrées" in page.content()
        if largeur < 500:  # a phone sends a piece (with the progress bar, or as a plain form)
            envoyer_piece(page, verifier, public, adresse_demande, photo)
        # Renew (within the préavis month) and get the attestation at once.
        page.get_by_role("link", name="Renouveler ma demande").click()
        verifier()
        page.get_by_role("button", name="Renouveler ma demande").click()
        verifier()
        expiration = portail["aujourd_hui"] + relativedelta(years=1)
        assert f"renouvelée jusqu'au {expiration:%d/%m/%Y}" in page.content()
        reponse = page.request.get(f"{public['url']}/demandes/{numero}/attestation.pdf")
        assert reponse.headers["content-type"] == "application/pdf"
        assert reponse.body().startswith(b"%PDF")
        # Give it up, after the confirmation.
        page.get_by_role("link", name="Renoncer à ma demande").click()
        verifier()
        page.get_by_role("button", name="Confirmer la renonciation").click()
        verifier()
        assert "Cochez la case" in page.content()
        page.locator("label[for=confirmation]").click()
        page.get_by_role("button", name="Confirmer la renonciation").click()
        verifier()
        assert "Votre demande est radiée" in page.content()
        # Sign out from the home page (a phone without JavaScript cannot open the header menu).
        ouvrir("/")
        page.get_by_role("button", name="Me déconnecter de tous mes appareils").click()
        verifier()
        assert page.url.startswith(public["url"] + "/connexion")
        assert not visite.non_verifiees()
    except Exception:
        Path("var/browser").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"var/browser/public-{ecran}.png", full_page=True)
        raise
    finally:
        contexte.close()
