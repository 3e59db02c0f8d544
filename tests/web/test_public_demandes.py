"""Public portal: linking an account to a demande, following it, renewing, giving up, my data.

Isolation: a demande the account is not linked to answers 404 whatever the
URL; enumeration: the linking answers do not tell a known numéro from an
unknown one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from flask.testing import FlaskClient

from sne.services import demandes, liaisons
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import jeton
from tests.web.public_outils import (
    CLAIRE,
    CODE_RE,
    client_lie,
    compte_confirme,
    demander_code,
    dernier_code,
    saisir_code,
)

KARIM = ("Benali", "1985-11-20")


@pytest.fixture
def collecte(smtp_public: tuple[int, Any]) -> Any:
    return smtp_public[1]


@pytest.fixture
def numero(ref: Referentiel) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero


@pytest.fixture
def autre(ref: Referentiel) -> str:
    """Another household's demande, which no test account is linked to."""
    document = document_demande(foyer=1, email="autre.foyer@example.fr")
    return demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero


@pytest.fixture
def public_app(fabrique_public: Callable[..., Flask]) -> Flask:
    return fabrique_public()


def test_linking_with_the_mailed_code_shows_the_demande(
    public_app: Flask, collecte: Any, numero: str
) -> None:
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    assert client.get(f"/demandes/{numero}").status_code == 404  # not linked yet
    demander_code(client, numero, "NGUYEN", "1988-05-02")
    assert client.get(f"/demandes/{numero}").status_code == 404  # code not typed yet
    reponse = saisir_code(client, dernier_code(collecte))
    assert reponse.headers["Location"].endswith(f"/demandes/{numero}")
    page = client.get(f"/demandes/{numero}").get_data(as_text=True)
    assert numero in page
    assert "Active" in page
    assert JOUR.strftime("%d/%m/%Y") in page  # ancienneté
    assert (JOUR + relativedelta(years=1)).strftime("%d/%m/%Y") in page  # expiry
    assert "12 rue des Tanneurs" in page
    assert numero in client.get("/").get_data(as_text=True)


def test_a_co_holder_links_with_their_own_identity(
    public_app: Flask, collecte: Any, numero: str
) -> None:
    claire = client_lie(public_app, collecte, numero)
    karim = client_lie(public_app, collecte, numero, email="karim@example.fr", qui=KARIM)
    assert karim.get(f"/demandes/{numero}").status_code == 200
    assert claire.get(f"/demandes/{numero}").status_code == 200
    # The child of the household is no titulaire: no code for her identity.
    enfant = public_app.test_client()
    compte_confirme(enfant, collecte, "ines@example.fr")
    avant = len(collecte.messages)
    demander_code(enfant, numero, "Benali", "01/09/2019")
    assert len(collecte.messages) == avant


def test_linking_answers_the_same_for_known_and_unknown_numbers(
    public_app: Flask, collecte: Any, numero: str
) -> None:
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    avant = len(collecte.messages)
    pages = []
    for essai in (
        (numero, "Nguyen", "02/05/1988"),  # right
        (numero, "Martin", "02/05/1988"),  # wrong name
        (numero, "Nguyen", "03/05/1988"),  # wrong date
        (numero[:12] + "9" + numero[13:], "Nguyen", "02/05/1988"),  # unknown numéro
        ("pas un numero", "Nguyen", "02/05/1988"),  # not a numéro at all
    ):
        reponse = demander_code(client, *essai)
        assert reponse.status_code == 302
        assert reponse.headers["Location"].endswith("/relier/code")
        page = client.get("/relier/code").get_data(as_text=True)
        pages.append(re.sub(r'value="[^"]+"', "", page.replace(essai[0].upper(), "NUMERO")))
    assert all(page == pages[0] for page in pages)
    assert len(collecte.messages) == avant + 1  # only the right identity got a code
    refus = saisir_code(client, "12345678").get_data(as_text=True)
    assert "Le code n&#39;est pas bon" in refus


def test_a_code_dies_after_five_wrong_tries(public_app: Flask, collecte: Any, numero: str) -> None:
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    demander_code(client, numero, *CLAIRE)
    bon = dernier_code(collecte)
    faux = "00000000" if bon != "00000000" else "11111111"
    for _ in range(5):
        assert "pas bon" in saisir_code(client, faux).get_data(as_text=True)
    assert "pas bon" in saisir_code(client, bon).get_data(as_text=True)
    assert client.get(f"/demandes/{numero}").status_code == 404


def test_linking_is_throttled(fabrique_public: Callable[..., Flask], collecte: Any) -> None:
    app = fabrique_public(SNE_LIMITE_LIAISON="2 per hour")
    client = app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    codes = [
        demander_code(client, "0130000000000000A", "X", "01/01/1990").status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_another_demande_is_never_reachable(
    public_app: Flask, collecte: Any, numero: str, autre: str
) -> None:
    client = client_lie(public_app, collecte, numero)
    for chemin in (
        f"/demandes/{autre}",
        f"/demandes/{autre}/attestation.pdf",
        f"/demandes/{autre}/renouveler",
        f"/demandes/{autre}/renoncer",
    ):
        assert client.get(chemin).status_code == 404, chemin
    for chemin in (f"/demandes/{autre}/renouveler", f"/demandes/{autre}/renoncer"):
        reponse = client.post(
            chemin,
            data={
                "confirmation": "oui",
                "csrf_token": jeton(client, f"/demandes/{numero}/renoncer"),
            },
        )
        assert reponse.status_code == 404, chemin
    donnees = client.get("/demandes/mes-donnees.json").get_data(as_text=True)
    assert numero in donnees
    assert autre not in donnees
    # Signed out: the sign-in page, not the demande.
    anonyme = public_app.test_client()
    assert anonyme.get(f"/demandes/{numero}").status_code == 302


def test_renewal_opens_with_the_preavis_and_keeps_the_anciennete(
    fabrique_public: Callable[..., Flask], collecte: Any, numero: str
) -> None:
    tot = client_lie(fabrique_public(), collecte, numero)
    page = tot.get(f"/demandes/{numero}").get_data(as_text=True)
    assert "Renouveler ma demande" not in page
    refus = tot.post(
        f"/demandes/{numero}/renouveler",
        data={"csrf_token": jeton(tot, f"/demandes/{numero}/renouveler")},
    )
    assert "à partir du" in refus.get_data(as_text=True)
    jour = JOUR + relativedelta(months=11, days=10)
    app = fabrique_public(SNE_AUJOURDHUI=lambda: jour)
    client = app.test_client()
    from tests.web.public_outils import connecter

    assert connecter(client, "lea@example.fr").status_code == 302
    assert "Renouveler ma demande" in client.get(f"/demandes/{numero}").get_data(as_text=True)
    chemin = f"/demandes/{numero}/renouveler"
    assert client.post(chemin, data={"csrf_token": jeton(client, chemin)}).status_code == 302
    page = client.get(f"/demandes/{numero}").get_data(as_text=True)
    assert (jour + relativedelta(years=1)).strftime("%d/%m/%Y") in page
    assert JOUR.strftime("%d/%m/%Y") in page  # same ancienneté
    pdf = client.get(f"/demandes/{numero}/attestation.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_giving_up_radiates_after_confirmation(
    public_app: Flask, collecte: Any, numero: str, ref: Referentiel
) -> None:
    client = client_lie(public_app, collecte, numero)
    chemin = f"/demandes/{numero}/renoncer"
    sans = client.post(chemin, data={"csrf_token": jeton(client, chemin)})
    assert "Cochez la case" in sans.get_data(as_text=True)
    assert (
        client.post(
            chemin, data={"confirmation": "oui", "csrf_token": jeton(client, chemin)}
        ).status_code
        == 302
    )
    vue = demandes.consulter(ref.uow(), ref.agent, numero)
    assert vue.statut == "radiee"
    assert vue.motif_radiation == "RADABA"
    assert "radiée" in client.get(f"/demandes/{numero}").get_data(as_text=True)


def test_without_email_the_guichet_prints_the_code(
    public_app: Flask, collecte: Any, ref: Referentiel
) -> None:
    numero = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=2, email=None), aujourd_hui=JOUR
    ).numero
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    avant = len(collecte.messages)
    naissance = document_demande(foyer=2)["personnes"][0]["date_naissance"]
    demander_code(client, numero, "Nguyen", naissance)
    assert len(collecte.messages) == avant  # nowhere to mail it
    with pytest.raises(Exception, match="territoire"):
        liaisons.imprimer_code(ref.uow(), _autre_territoire(ref), numero)
    imprime = liaisons.imprimer_code(ref.uow(), ref.agent, numero)
    assert saisir_code(client, imprime.code).status_code == 302
    assert client.get(f"/demandes/{numero}").status_code == 200


def _autre_territoire(ref: Referentiel) -> Any:
    from dataclasses import replace

    return replace(ref.agent, territoire_code="999")


def test_my_data_is_a_json_file(public_app: Flask, collecte: Any, numero: str) -> None:
    client = client_lie(public_app, collecte, numero)
    reponse = client.get("/demandes/mes-donnees.json")
    assert "attachment" in reponse.headers["Content-Disposition"]
    contenu = json.loads(reponse.data)
    assert contenu["compte"]["email"] == "lea@example.fr"
    assert contenu["demandes"][0]["numero"] == numero
    assert contenu["demandes"][0]["contenu"]["personnes"][0]["nom_naissance"] == "Nguyen"


def test_the_guichet_prints_a_code_from_the_demande_page(
    public_app: Flask, collecte: Any, ref: Referentiel, agent: FlaskClient
) -> None:
    document = document_demande(foyer=3, email=None)
    numero = demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero
    page = f"/demandes/{numero}"
    assert "Imprimer un code de liaison" in agent.get(page).get_data(as_text=True)
    chemin = f"/demandes/{numero}/code-portail"
    trop_tot = agent.post(chemin, data={"csrf_token": jeton(agent, page)})
    assert trop_tot.status_code == 302  # nobody asked yet: said on the demande page
    assert "Personne n" in agent.get(page).get_data(as_text=True)
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    demander_code(client, numero, "Nguyen", document["personnes"][0]["date_naissance"])
    imprime = agent.post(chemin, data={"csrf_token": jeton(agent, page)}).get_data(as_text=True)
    code = CODE_RE.search(imprime)
    assert code
    assert saisir_code(client, code.group(1)).status_code == 302
    assert client.get(page).status_code == 200


def test_find_a_guichet_lists_the_open_guichets_without_signing_in(
    public_app: Flask, ref: Referentiel
) -> None:
    from markupsafe import escape
    from sqlalchemy import select

    from sne.models import Guichet

    with ref.uow() as unit:
        noms = unit.session.scalars(select(Guichet.nom).where(Guichet.actif.is_(True))).all()
        guichet = unit.session.scalars(select(Guichet).where(Guichet.code == "G1301")).one()
        guichet.horaires = "lundi au vendredi 9 h – 12 h"  # entered in the manager's console
        unit.commit()
    page = public_app.test_client().get("/guichets").get_data(as_text=True)
    assert noms
    for nom in noms:
        assert str(escape(nom)) in page
    assert "Horaires : lundi au vendredi 9 h – 12 h" in page


def test_contact_details_are_updated_and_checked_identity_stays_locked(
    public_app: Flask, collecte: Any, numero: str, ref: Referentiel
) -> None:
    client = client_lie(public_app, collecte, numero)
    chemin = f"/demandes/{numero}/coordonnees"
    page = client.get(chemin).get_data(as_text=True)
    assert "12 rue des Tanneurs" in page
    assert "rendez-vous à un guichet" in page
    champs = {
        "adresse_ligne1": "3 place Castellane",
        "code_postal": "13006",
        "commune": "Marseille",
        "email": "claire.nouvelle@example.fr",
        "telephone_portable": "0611223344",
        # Sent anyway: not a field of this form, so ignored.
        "nom_naissance": "Autre",
    }
    faux = client.post(
        chemin, data={**champs, "code_postal": "99999", "csrf_token": jeton(client, chemin)}
    )
    assert "code postal français" in faux.get_data(as_text=True)
    assert (
        client.post(chemin, data={**champs, "csrf_token": jeton(client, chemin)}).status_code == 302
    )
    vue = demandes.consulter(ref.uow(), ref.agent, numero)
    assert vue.document["adresse_ligne1"] == "3 place Castellane"
    assert vue.document["email"] == "claire.nouvelle@example.fr"
    assert vue.document["personnes"][0]["nom_naissance"] == "Nguyen"
    # The household's rows were rewritten: the link holds all the same.
    assert client.get(f"/demandes/{numero}").status_code == 200
    autre_page = f"/demandes/{numero[:12]}9{numero[13:]}/coordonnees"
    assert client.get(autre_page).status_code == 404
