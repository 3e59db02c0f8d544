"""The manager's token pages: the secret shown once, revocation, CSRF, who may see them."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Referentiel, enregistrer_demande
from tests.web.conftest import jeton as csrf

SECRET = re.compile(r"<code>(sne_[0-9a-f]{12}_[A-Za-z0-9_-]+)</code>")


def test_gestionnaire_cree_puis_revoque(
    ref: Referentiel, app: Flask, client_de: Callable[[str], FlaskClient]
) -> None:
    gestion = client_de("gestion13")
    page = gestion.post(
        "/gestion/jetons",
        data={
            "csrf_token": csrf(gestion, "/gestion/jetons"),
            "nom": "Logiciel locatif",
            "agent": "agent13",
            "portees": ["lecture"],
            "expire_le": "2026-12-31",
            "plages_ip": "",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    secret = SECRET.search(html)
    assert secret, html
    numero = enregistrer_demande(ref)
    api = app.test_client()
    entete = {"Authorization": f"Bearer {secret.group(1)}"}
    assert api.get(f"/api/v1/demandes/{numero}", headers=entete).status_code == 200
    liste = gestion.get("/gestion/jetons").get_data(as_text=True)
    assert secret.group(1) not in liste  # shown once only
    assert "Logiciel locatif" in liste
    assert "jamais" not in liste  # its last use, read from the trace of its calls
    ident = re.search(r"/gestion/jetons/(\d+)/revocation", liste)
    assert ident
    fait = gestion.post(
        f"/gestion/jetons/{ident.group(1)}/revocation",
        data={"csrf_token": csrf(gestion, "/gestion/jetons")},
    )
    assert fait.status_code == 302
    assert api.get(f"/api/v1/demandes/{numero}", headers=entete).status_code == 401


def test_formulaire_invalide_explique(client_de: Callable[[str], FlaskClient]) -> None:
    gestion = client_de("gestion13")
    page = gestion.post(
        "/gestion/jetons",
        data={
            "csrf_token": csrf(gestion, "/gestion/jetons"),
            "nom": "",
            "agent": "personne",
            "expire_le": "2026-12-31",
        },
    )
    html = page.get_data(as_text=True)
    assert "indiquer un nom" in html
    assert "<code>sne_" not in html


def test_sans_csrf_refuse_et_agents_exclus(
    client_de: Callable[[str], FlaskClient], agent: FlaskClient
) -> None:
    gestion = client_de("gestion13")
    assert gestion.post("/gestion/jetons", data={"nom": "x"}).status_code == 400
    assert agent.get("/gestion/jetons").status_code == 403
