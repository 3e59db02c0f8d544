"""Public portal accounts: creation, confirmation by mail, sign-in, sign-out everywhere, reset."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from guichet_portal.acces import ATTRIBUT
from tests.web.conftest import Horloge, jeton
from tests.web.public_outils import (
    MOT_DE_PASSE,
    compte_confirme,
    connecter,
    creer_compte,
    lien,
    texte,
)


@pytest.fixture
def public_app(fabrique_public: Callable[..., Flask]) -> Flask:
    return fabrique_public()


@pytest.fixture
def collecte(smtp_public: tuple[int, Any]) -> Any:
    return smtp_public[1]


def test_every_route_declares_who_may_use_it(public_app: Flask) -> None:
    for regle in public_app.url_map.iter_rules():
        vue = public_app.view_functions[regle.endpoint]
        assert getattr(vue, ATTRIBUT, None) in {"public", "demandeur"}, regle.rule


def test_account_is_confirmed_by_a_single_use_link_then_signs_in(
    public_app: Flask, collecte: Any
) -> None:
    client = public_app.test_client()
    reponse = creer_compte(client, "Lea.Martin@Example.fr")
    assert "Consultez votre messagerie" in reponse.get_data(as_text=True)
    (message,) = collecte.messages
    assert message["To"] == "lea.martin@example.fr"
    # Not confirmed yet: the right password is not enough.
    refus = connecter(client, "lea.martin@example.fr")
    assert refus.status_code == 200
    assert "pas encore confirmée" in refus.get_data(as_text=True)
    chemin = lien(message)
    assert client.get(chemin).status_code == 302
    # Second use of the same link: refused.
    assert "plus valable" in client.get(chemin).get_data(as_text=True)
    assert connecter(client, "LEA.martin@example.fr").status_code == 302
    assert "Mes demandes" in client.get("/").get_data(as_text=True)


def test_a_tampered_or_expired_link_is_refused(public_app: Flask, collecte: Any) -> None:
    client = public_app.test_client()
    creer_compte(client, "lea@example.fr")
    chemin = lien(collecte.messages[0])
    assert "plus valable" in client.get(chemin[:-3] + "abc").get_data(as_text=True)
    with public_app.app_context():
        import itsdangerous

        perime = itsdangerous.URLSafeTimedSerializer(
            "secret-des-tests", salt="sne.public.confirmation"
        )
        jeton_lu = perime.loads(chemin.rsplit("/", 1)[1])
    # A token signed 49 hours ago (the clock of itsdangerous is the system's).
    import time
    from unittest import mock

    with mock.patch("time.time", return_value=time.time() - 49 * 3600):
        vieux = perime.dumps(jeton_lu)
    assert "plus valable" in client.get(f"/confirmer/{vieux}").get_data(as_text=True)


def test_creating_an_account_for_a_known_address_answers_the_same(
    public_app: Flask, collecte: Any
) -> None:
    client = public_app.test_client()
    premiere = creer_compte(client, "lea@example.fr").get_data(as_text=True)
    seconde = creer_compte(client, "lea@example.fr").get_data(as_text=True)
    nettoyer = lambda html: re.sub(r'value="[^"]+"', "", html)  # noqa: E731  # the CSRF token differs
    assert nettoyer(premiere) == nettoyer(seconde)
    # The owner of the address is told by mail, not the person typing.
    assert "existe déjà" in texte(collecte.messages[1])


def test_weak_password_is_refused_field_by_field(public_app: Flask) -> None:
    client = public_app.test_client()
    page = creer_compte(client, "lea@example.fr", "court", "autre").get_data(as_text=True)
    assert "12 caractères au moins" in page
    assert "ne sont pas identiques" in page
    assert 'aria-invalid="true"' in page


def test_wrong_password_and_unknown_address_get_one_message(
    public_app: Flask, collecte: Any
) -> None:
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    autre = public_app.test_client()
    faux = connecter(autre, "lea@example.fr", "pas le bon mot de passe").get_data(as_text=True)
    inconnu = connecter(autre, "personne@example.fr").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in faux
    assert "Adresse e-mail ou mot de passe incorrect." in inconnu


def test_sign_out_ends_every_session_of_the_account(public_app: Flask, collecte: Any) -> None:
    telephone = public_app.test_client()
    compte_confirme(telephone, collecte, "lea@example.fr")
    ordinateur = public_app.test_client()
    assert connecter(ordinateur, "lea@example.fr").status_code == 302
    telephone.post("/deconnexion", data={"csrf_token": jeton(telephone, "/")})
    assert ordinateur.get("/relier/").status_code == 302  # sent back to the sign-in page


def test_session_ends_after_idle_time(public_app: Flask, collecte: Any, horloge: Horloge) -> None:
    client = public_app.test_client()
    compte_confirme(client, collecte, "lea@example.fr")
    assert client.get("/relier/").status_code == 200
    horloge.t += 31 * 60
    reponse = client.get("/relier/")
    assert reponse.status_code == 302
    assert "/connexion" in reponse.headers["Location"]


def test_password_reset_by_single_use_link_ends_other_sessions(
    public_app: Flask, collecte: Any
) -> None:
    ailleurs = public_app.test_client()
    compte_confirme(ailleurs, collecte, "lea@example.fr")
    client = public_app.test_client()
    oubli = "/mot-de-passe-oublie"
    for email in ("lea@example.fr", "inconnu@example.fr"):
        page = client.post(oubli, data={"email": email, "csrf_token": jeton(client, oubli)})
        assert "Consultez votre messagerie" in page.get_data(as_text=True)
    assert len(collecte.messages) == 2  # the unknown address got nothing
    chemin = lien(collecte.messages[-1])
    nouveau = "un tout nouveau mot de passe"
    envoi = client.post(
        chemin,
        data={
            "mot_de_passe": nouveau,
            "confirmation": nouveau,
            "csrf_token": jeton(client, chemin),
        },
    )
    assert envoi.status_code == 302
    assert ailleurs.get("/relier/").status_code == 302  # the other session ended
    assert "plus valable" in client.get(chemin).get_data(as_text=True)  # link used up
    assert connecter(client, "lea@example.fr", MOT_DE_PASSE).status_code == 200
    assert connecter(client, "lea@example.fr", nouveau).status_code == 302


def test_sign_in_is_throttled(fabrique_public: Callable[..., Flask]) -> None:
    app = fabrique_public(SNE_LIMITE_CONNEXION="3 per minute")
    client = app.test_client()
    codes = [connecter(client, "x@example.fr", "mauvais").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "trop d&#39;essais en peu de temps" in connecter(client, "x@example.fr").get_data(
        as_text=True
    )


def test_pages_carry_the_security_headers_and_csrf_is_required(public_app: Flask) -> None:
    client = public_app.test_client()
    reponse = client.get("/connexion")
    assert "script-src 'self'" in reponse.headers["Content-Security-Policy"]
    assert reponse.headers["Cache-Control"] == "no-store"
    sans_jeton = client.post("/connexion", data={"email": "a@example.fr", "mot_de_passe": "x"})
    assert sans_jeton.status_code == 400
    assert "Formulaire expiré" in sans_jeton.get_data(as_text=True)
