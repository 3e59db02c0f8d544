"""Filing a demande online in chromium, at a phone's width and a desktop's; then the guichets' worklist.

Create an account, confirm it with the mailed link, sign in, type the Cerfa
sections a–i one page at a time, send the identity piece, file: the numéro
unique and the attestation come at once. A guichet then finds the demande in
its worklist and marks the piece verified. axe-core checks every page; the
same journey runs again in a browser without JavaScript (plain forms).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LIEN_RE, SUIVANTE, Souris, Visite, dernier_mail, foyer_saisi
from tests.factories import document_demande, pdf_valide

MOT_DE_PASSE = "ma phrase de passe secrète"
#: (width, height, household number of the factory's range for this helper, JavaScript) of
#: each run: a phone, a desktop, and a phone whose browser runs no script (plain forms).
ECRANS = {
    "telephone": (375, 812, 100, True),
    "bureau": (1280, 900, 101, True),
    "sans_javascript": (375, 812, 102, False),
}


def deposer_en_ligne(
    visite: Visite, public: dict[str, Any], ecran: str, photo: Callable[[Any, str], None]
) -> str:
    """The applicant's journey from account creation to the filed demande; its numéro."""
    page = visite.page
    email = f"depot.{ecran}@example.fr"
    visite.ouvrir("/creer-un-compte")
    page.get_by_label("Adresse e-mail").fill(email)
    page.locator("input[name=mot_de_passe]").fill(MOT_DE_PASSE)
    page.get_by_label("deuxième fois").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Créer mon compte").click()
    visite.verifier()
    lien = LIEN_RE.search(dernier_mail(public, email))
    assert lien
    visite.ouvrir(lien.group(1))
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Me connecter").click()
    visite.verifier()
    page.get_by_role("link", name="Déposer une demande").last.click()
    visite.verifier()
    photo(page, "public_depot_debut")
    page.get_by_role("button", name="Commencer ma demande").click()
    visite.verifier()
    personne = document_demande(foyer=ECRANS[ecran][2])["personnes"][0]
    saisie = foyer_saisi(personne["nom_naissance"], personne["prenoms"], personne["date_naissance"])
    souris = Souris(visite)
    for lettre, champs in saisie.items():
        assert page.url.endswith(f"/deposer/etape/{lettre}")
        if lettre == "a":
            photo(page, "public_depot_etape")
        for sorte, nom, valeur in champs:
            souris.saisir(sorte, nom, valeur)
        souris.appuyer(SUIVANTE)
        visite.verifier()
    assert page.url.endswith("/deposer/piece")
    carte = pdf_valide(Path(public["dossier"]) / f"carte-{ecran}.pdf")
    page.get_by_label("Ce que vous envoyez").select_option(label="Carte d'identité")
    page.get_by_label("Le fichier de votre pièce").set_input_files(str(carte))
    photo(page, "public_depot_piece")
    page.get_by_role("button", name="Continuer").click()
    visite.verifier()
    assert page.url.endswith("/deposer/verification")
    photo(page, "public_depot_verification")
    page.get_by_role("button", name="Envoyer ma demande").click()
    visite.verifier()
    assert "Votre demande est enregistrée sous le numéro unique" in page.content()
    numero = page.url.rsplit("/", 1)[-1]
    assert numero.endswith("GDPUB")
    reponse = page.request.get(f"{public['url']}/demandes/{numero}/attestation.pdf")
    assert reponse.headers["content-type"] == "application/pdf"
    assert reponse.body().startswith(b"%PDF")
    return numero


@pytest.mark.parametrize("ecran", list(ECRANS))
def test_filing_a_demande_online_then_a_guichet_verifies_the_identity_piece(
    navigateur: Any,
    public: dict[str, Any],
    visite: Visite,
    capture: Callable[[Any, str], None],
    ecran: str,
) -> None:
    largeur, hauteur, _foyer, js = ECRANS[ecran]
    contexte = navigateur.new_context(
        locale="fr-FR", viewport={"width": largeur, "height": hauteur}, java_script_enabled=js
    )
    contexte.set_default_timeout(10_000)
    demandeur = Visite(contexte.new_page(), public["url"], js=js)
    photo = capture if ecran == "telephone" else (lambda _page, _nom: None)
    try:
        numero = deposer_en_ligne(demandeur, public, ecran, photo)
        assert not demandeur.non_verifiees()
    except Exception:
        Path("var/browser").mkdir(parents=True, exist_ok=True)
        demandeur.page.screenshot(path=f"var/browser/public-depot-{ecran}.png", full_page=True)
        raise
    finally:
        contexte.close()
    # The guichet portal (the ``visite`` tab, 1280 px): the worklist, then « vérifiée ».
    visite.connecter()
    visite.page.get_by_role("link", name="Demandes en ligne").first.click()
    visite.verifier()
    section = visite.page.locator(f"#demande-{numero}")
    assert "Ouvrir la pièce d'identité" in section.inner_text() or "traitement" in (
        section.inner_text()
    )
    if ecran == "bureau":
        capture(visite.page, "guichet_demandes_en_ligne")
    section.get_by_role("button", name="Marquer vérifiée").click()
    visite.verifier()
    assert f"Pièce d'identité de la demande {numero} vérifiée" in visite.page.content()
