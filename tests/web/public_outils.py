"""Helpers of the public portal's web tests: confirmed accounts, demandes linked by code.

Accounts are created and confirmed through the pages and the caught mail, as applicants do.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import jeton

CODE_RE = re.compile(r"\b(\d{8})\b")
CLAIRE = ("Nguyen", "02/05/1988")
MOT_DE_PASSE = "une phrase assez longue"
LIEN_RE = re.compile(r"http://localhost(/\S+)")


def texte(message: Any) -> str:
    """The plain-text body of a caught mail."""
    return str(message.get_body(("plain",)).get_content())


def lien(message: Any) -> str:
    """The portal path the mail links to."""
    trouve = LIEN_RE.search(texte(message))
    assert trouve, texte(message)
    return trouve.group(1)


def creer_compte(
    client: FlaskClient,
    email: str,
    mot_de_passe: str = MOT_DE_PASSE,
    confirmation: str | None = None,
) -> Any:
    return client.post(
        "/creer-un-compte",
        data={
            "email": email,
            "mot_de_passe": mot_de_passe,
            "confirmation": mot_de_passe if confirmation is None else confirmation,
            "csrf_token": jeton(client, "/creer-un-compte"),
        },
    )


def connecter(client: FlaskClient, email: str, mot_de_passe: str = MOT_DE_PASSE) -> Any:
    return client.post(
        "/connexion",
        data={"email": email, "mot_de_passe": mot_de_passe, "csrf_token": jeton(client)},
    )


def compte_confirme(client: FlaskClient, collecte: Any, email: str) -> None:
    """Create, confirm and sign in ``email`` through the pages and the mail."""
    avant = len(collecte.messages)
    assert creer_compte(client, email).status_code == 200
    assert len(collecte.messages) == avant + 1
    assert client.get(lien(collecte.messages[-1])).status_code == 302
    assert connecter(client, email).status_code == 302


def demander_code(client: FlaskClient, numero: str, nom: str, naissance: str) -> Any:
    return client.post(
        "/relier/",
        data={
            "numero": numero,
            "nom": nom,
            "naissance": naissance,
            "csrf_token": jeton(client, "/relier/"),
        },
    )


def saisir_code(client: FlaskClient, code: str) -> Any:
    return client.post(
        "/relier/code", data={"code": code, "csrf_token": jeton(client, "/relier/code")}
    )


def dernier_code(collecte: Any) -> str:
    trouve = CODE_RE.search(texte(collecte.messages[-1]))
    assert trouve, texte(collecte.messages[-1])
    return trouve.group(1)


def client_lie(
    app: Flask,
    collecte: Any,
    numero: str,
    email: str = "lea@example.fr",
    qui: tuple[str, str] = CLAIRE,
) -> FlaskClient:
    """A signed-in account linked to ``numero`` through the pages and the mailed code."""
    client = app.test_client()
    compte_confirme(client, collecte, email)
    assert demander_code(client, numero, *qui).status_code == 302
    assert collecte.messages[-1]["To"] == "claire.nguyen@example.fr"
    assert saisir_code(client, dernier_code(collecte)).status_code == 302
    return client
