"""Public portal: an applicant updates the situation of a linked demande; the préavis links to it.

Identity stays locked whatever is posted; another account's demande answers 404;
the change is traced as a modification by the portal, as at a guichet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from flask.testing import FlaskClient

from demo.demandeur import compte_lie
from sne.acteurs import SYSTEME
from sne.config import Settings
from sne.mail import envoyeur
from sne.services import cycle, demandes, historique
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import jeton

MOT_DE_PASSE = "Un mot de passe assez long 42"
FOYER = 120  # this helper's household numbers: 120-139


@pytest.fixture
def public_app(fabrique_public: Callable[..., Flask]) -> Flask:
    return fabrique_public()


@pytest.fixture
def numero(ref: Referentiel) -> str:
    document = document_demande(foyer=FOYER, email="claire.situation@example.fr")
    return demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero


@pytest.fixture
def autre(ref: Referentiel) -> str:
    document = document_demande(foyer=FOYER + 1, email="autre.situation@example.fr")
    return demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero


def connecte(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    reponse = client.post(
        "/connexion",
        data={"email": email, "mot_de_passe": MOT_DE_PASSE, "csrf_token": jeton(client)},
    )
    assert reponse.status_code == 302
    return client


@pytest.fixture
def claire(public_app: Flask, ref: Referentiel, numero: str) -> FlaskClient:
    compte_lie(ref.uow, numero, "claire.situation@example.fr", MOT_DE_PASSE)
    return connecte(public_app, "claire.situation@example.fr")


def envoyer(client: FlaskClient, adresse: str, donnees: dict[str, Any]) -> Any:
    return client.post(adresse, data={**donnees, "csrf_token": jeton(client, adresse)})


def test_household_and_resources_are_reviewed_then_saved_as_a_portal_modification(
    claire: FlaskClient, ref: Referentiel, numero: str
) -> None:
    base = f"/demandes/{numero}/situation"
    assert "Mettre à jour ma situation" in claire.get(f"/demandes/{numero}").get_data(as_text=True)
    # An expected birth joins the household (the button keeps the applicant on the page).
    page = envoyer(claire, f"{base}/foyer", {"ajouter": "a_naitre"})
    assert page.status_code == 200
    assert "Date de naissance prévue" in page.get_data(as_text=True)
    personnes = len(document_demande(foyer=FOYER)["personnes"])
    rang = personnes + 1
    donnees = {
        "vu": f"personnes[{rang}]:a",
        f"personnes[{rang}].date_naissance_prevue": "2026-09-01",
    }
    assert envoyer(claire, f"{base}/foyer", donnees).headers["Location"].endswith("/verifier")
    # Resources of the applicant: the first line changes.
    formulaire = claire.get(f"{base}/ressources").get_data(as_text=True)
    assert "Ressources mensuelles" in formulaire
    donnees = {
        "vu": "personnes[1]:e",
        "personnes[1].ressources[1].type": "SAL",
        "personnes[1].ressources[1].montant_mensuel": "1900",
    }
    revue = claire.get(envoyer(claire, f"{base}/ressources", donnees).headers["Location"])
    texte = revue.get_data(as_text=True)
    assert "Ce qui va changer" in texte
    assert "01/09/2026" in texte and "1900" in texte
    avant = demandes.consulter(ref.uow(), ref.agent, numero).document
    assert len(avant["personnes"]) == personnes  # nothing saved before the confirmation
    fin = envoyer(claire, f"{base}/verifier", {})
    assert fin.headers["Location"].endswith(f"/demandes/{numero}")
    apres = demandes.consulter(ref.uow(), ref.agent, numero).document
    assert apres["personnes"][-1]["role"] == "a_naitre"
    assert str(apres["personnes"][-1]["date_naissance_prevue"]) == "2026-09-01"
    assert float(apres["personnes"][0]["ressources"][0]["montant_mensuel"]) == 1900
    _, evenements = historique.consulter_avec_historique(ref.uow(), ref.agent, numero)
    modification = [e for e in evenements if e.action == "modification"][-1]
    assert modification.changements.get("canal") == "portail"
    assert not modification.changement_identite


def test_identity_fields_posted_are_ignored(
    claire: FlaskClient, ref: Referentiel, numero: str
) -> None:
    base = f"/demandes/{numero}/situation"
    page = claire.get(f"{base}/foyer").get_data(as_text=True)
    assert "rendez-vous à un guichet avec une pièce d'identité" in page
    assert 'name="personnes[1].nom_naissance"' not in page  # shown, not editable
    envoyer(
        claire,
        f"{base}/foyer",
        {
            "vu": "personnes[1]:a",
            "personnes[1].nom_naissance": "Autrenom",
            "personnes[1].prenoms": "Autreprenom",
            "personnes[1].date_naissance": "1970-01-01",
            "type_demandeur": "morale",
            "email": "pirate@example.fr",
        },
    )
    envoyer(claire, f"{base}/verifier", {})
    apres = demandes.consulter(ref.uow(), ref.agent, numero).document
    avant = document_demande(foyer=FOYER)
    assert apres["personnes"][0]["nom_naissance"] == avant["personnes"][0]["nom_naissance"]
    assert apres["personnes"][0]["prenoms"] == avant["personnes"][0]["prenoms"]
    assert apres["type_demandeur"] == "physique"
    assert apres["email"] == "claire.situation@example.fr"


def test_an_invalid_change_is_shown_on_the_review_and_nothing_is_saved(
    claire: FlaskClient, ref: Referentiel, numero: str
) -> None:
    base = f"/demandes/{numero}/situation"
    envoyer(claire, f"{base}/recherche", {"loyer_maximum": "beaucoup"})
    revue = claire.get(f"{base}/verifier").get_data(as_text=True)
    assert "Rien n&#39;est enregistré" in revue or "Rien n'est enregistré" in revue
    assert f"{base}/recherche" in revue
    assert envoyer(claire, f"{base}/verifier", {}).status_code == 200
    apres = demandes.consulter(ref.uow(), ref.agent, numero).document
    assert apres["loyer_maximum"] == document_demande(foyer=FOYER).get("loyer_maximum")


def test_another_accounts_demande_is_not_found(
    claire: FlaskClient, ref: Referentiel, autre: str
) -> None:
    for page in ("", "/foyer", "/ressources", "/verifier"):
        assert claire.get(f"/demandes/{autre}/situation{page}").status_code == 404
    reponse = envoyer(claire, f"/demandes/{autre}/situation/verifier", {})
    assert reponse.status_code == 404
    _, evenements = historique.consulter_avec_historique(ref.uow(), ref.agent, autre)
    assert not [e for e in evenements if e.action == "modification"]


def test_a_radiated_demande_cannot_be_updated(
    claire: FlaskClient, ref: Referentiel, numero: str
) -> None:
    renoncer = f"/demandes/{numero}/renoncer"
    envoyer(claire, renoncer, {"confirmation": "oui"})
    assert claire.get(f"/demandes/{numero}/situation").status_code == 404
    assert envoyer(claire, f"/demandes/{numero}/situation/verifier", {}).status_code == 404


def test_preavis_mail_links_to_the_demande_where_the_applicant_renews(
    fabrique_public: Callable[..., Flask],
    ref: Referentiel,
    numero: str,
    smtp_public: tuple[int, Any],
    tmp_var: Any,
) -> None:
    compte_lie(ref.uow, numero, "claire.situation@example.fr", MOT_DE_PASSE)
    settings = Settings(
        database_url="sqlite://",
        var_dir=tmp_var,
        secret_key="secret-des-tests",
        smtp_host="127.0.0.1",
        smtp_port=smtp_public[0],
        public_url="https://demandeurs.example.fr",
    )
    jour: date = JOUR + relativedelta(years=1) - relativedelta(days=20)
    cycle.executer(
        ref.uow(),
        SYSTEME,
        jour,
        envoyer=envoyeur(settings),
        expediteur=settings.mail_from,
        portail_public=settings.public_url,
    )
    [mail] = [m for m in smtp_public[1].messages if m["To"] == "claire.situation@example.fr"]
    texte = mail.get_body(preferencelist=("plain",)).get_content()
    lien = re.search(r"https://demandeurs\.example\.fr(/demandes/\S+)", texte)
    assert lien, texte
    assert lien.group(1) == f"/demandes/{numero}"
    public_app = fabrique_public(SNE_AUJOURDHUI=lambda: jour)
    assert public_app.test_client().get(lien.group(1)).status_code == 302  # sign in first
    signe = connecte(public_app, "claire.situation@example.fr")
    page = signe.get(lien.group(1))
    assert page.status_code == 200
    assert "Renouveler ma demande" in page.get_data(as_text=True)
    envoyer(signe, f"/demandes/{numero}/renouveler", {})
    vue = demandes.consulter(ref.uow(), ref.agent, numero)
    assert vue.date_renouvellement == jour


def test_public_url_setting_defaults_to_make_run_address() -> None:
    assert Settings.from_env({"SNE_SECRET_KEY": "x"}).public_url == "http://127.0.0.1:8001"
    env = {"SNE_SECRET_KEY": "x", "SNE_PUBLIC_URL": "https://demandeurs.example.fr/"}
    assert Settings.from_env(env).public_url == "https://demandeurs.example.fr"


def test_a_child_born_since_an_old_filing_and_a_new_pregnancy_are_taken(
    fabrique_public: Callable[..., Flask], ref: Referentiel, numero: str
) -> None:
    """Ten months after the filing, the household lives in today: neither is refused."""
    jour = JOUR + relativedelta(months=10)
    compte_lie(ref.uow, numero, "claire.situation@example.fr", MOT_DE_PASSE)
    client = connecte(fabrique_public(SNE_AUJOURDHUI=lambda: jour), "claire.situation@example.fr")
    base = f"/demandes/{numero}/situation"
    envoyer(client, f"{base}/foyer", {"ajouter": "a_charge"})
    envoyer(client, f"{base}/foyer", {"ajouter": "a_naitre"})
    enfant = len(document_demande(foyer=FOYER)["personnes"]) + 1
    donnees = {
        "vu": [f"personnes[{enfant}]:a", f"personnes[{enfant + 1}]:a"],
        f"personnes[{enfant}].nom_naissance": "Lefort",
        f"personnes[{enfant}].prenoms": "Jade",
        f"personnes[{enfant}].date_naissance": str(jour - relativedelta(weeks=3)),
        f"personnes[{enfant}].lien": "E",
        f"personnes[{enfant + 1}].date_naissance_prevue": str(jour + relativedelta(months=7)),
    }
    suite = envoyer(client, f"{base}/foyer", donnees)
    assert suite.headers["Location"].endswith("/verifier"), suite.get_data(as_text=True)
    assert envoyer(client, f"{base}/verifier", {}).headers["Location"].endswith(numero)
    personnes = demandes.consulter(ref.uow(), ref.agent, numero).document["personnes"]
    assert [(p["role"], p["prenoms"]) for p in personnes[-2:]] == [
        ("a_charge", "Jade"),
        ("a_naitre", None),
    ]
