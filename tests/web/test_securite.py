"""Sign-in, sessions and the protections every page gets (permissions, CSRF, headers, redirects)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from guichet_portal.acces import ATTRIBUT
from sne.models import Historique, Utilisateur
from sne.uow import utcnow
from tests.factories import Referentiel
from tests.web.conftest import MOT_DE_PASSE, Horloge, connecter, jeton

COOKIE = "sne_guichet"


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    sans = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if not hasattr(app.view_functions[rule.endpoint], ATTRIBUT)
    ]
    assert sans == []
    assert getattr(app.view_functions["auth.connexion"], ATTRIBUT) == "public"
    assert getattr(app.view_functions["demandes.voir"], ATTRIBUT) == "consulter"


def test_a_page_asks_to_sign_in_and_comes_back_afterwards(app: Flask) -> None:
    client = app.test_client()
    reponse = client.get("/recherche?nom=Nguyen")
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == "/connexion?next=/recherche?nom%3DNguyen"
    reponse = connecter(client, "agent13", next="/recherche?nom=Nguyen")
    assert reponse.headers["Location"] == "/recherche?nom=Nguyen"


@pytest.mark.parametrize(
    "suite",
    [
        "https://pirate.example/",
        "//pirate.example/",
        "/\\pirate.example",
        "javascript:alert(1)",
        "http:/pirate.example",
        "\t//pirate.example",
    ],
)
def test_next_never_leaves_the_site(app: Flask, suite: str) -> None:
    reponse = connecter(app.test_client(), "agent13", next=suite)
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == "/"


def test_sign_in_renews_the_session(app: Flask) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["plante"] = "valeur posée avant la connexion"
    avant = client.get_cookie(COOKIE)
    assert avant is not None
    connecter(client, "agent13")
    apres = client.get_cookie(COOKIE)
    assert apres is not None and apres.value != avant.value
    with client.session_transaction() as session:
        assert "plante" not in session
        assert session["_user_id"].startswith(tuple("0123456789"))
    assert apres.secure and apres.http_only and apres.same_site == "Lax"


def test_wrong_password_and_unknown_account_get_the_same_answer(app: Flask) -> None:
    client = app.test_client()
    faux = connecter(client, "agent13", "mauvais mot de passe").get_data(as_text=True)
    inconnu = connecter(client, "personne", "mauvais mot de passe").get_data(as_text=True)
    message = "Identifiant ou mot de passe incorrect."
    assert message in faux and message in inconnu
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(app: Flask, ref: Referentiel) -> None:
    client = app.test_client()
    for _ in range(5):
        connecter(client, "agent13", "mauvais mot de passe")
    page = connecter(client, "agent13").get_data(as_text=True)
    assert "verrouillé" in page
    assert client.get("/").status_code == 302
    with ref.uow() as unit:
        actions = unit.session.scalars(
            select(Historique.action).where(Historique.entite_id == "agent13")
        ).all()
        assert actions.count("echec_connexion") == 4 and "verrouillage" in actions
        unit.session.execute(
            update(Utilisateur)
            .where(Utilisateur.login == "agent13")
            .values(verrouille_jusqua=utcnow() - timedelta(seconds=1))
        )
        unit.commit()
    assert connecter(client, "agent13").status_code == 302
    assert client.get("/").status_code == 200


def test_an_account_created_by_someone_else_changes_its_password_first(
    app: Flask, ref: Referentiel
) -> None:
    with ref.uow() as unit:
        unit.session.execute(
            update(Utilisateur)
            .where(Utilisateur.login == "agent13")
            .values(mot_de_passe_a_changer=True)
        )
        unit.commit()
    client = app.test_client()
    assert connecter(client, "agent13").headers["Location"] == "/mot-de-passe"
    assert client.get("/recherche").headers["Location"] == "/mot-de-passe"
    refus = client.post(
        "/mot-de-passe",
        data={
            "actuel": MOT_DE_PASSE,
            "nouveau": "court",
            "confirmation": "autre",
            "csrf_token": jeton(client, "/mot-de-passe"),
        },
    ).get_data(as_text=True)
    assert "12 caractères au moins" in refus
    assert "la confirmation ne reprend pas le nouveau mot de passe" in refus
    nouveau = "une phrase assez longue"
    reponse = client.post(
        "/mot-de-passe",
        data={
            "actuel": MOT_DE_PASSE,
            "nouveau": nouveau,
            "confirmation": nouveau,
            "csrf_token": jeton(client, "/mot-de-passe"),
        },
    )
    assert reponse.headers["Location"] == "/"
    assert client.get("/recherche").status_code == 200
    autre = app.test_client()
    assert "incorrect" in connecter(autre, "agent13").get_data(as_text=True)
    assert connecter(autre, "agent13", nouveau).headers["Location"] == "/"


def test_idle_session_ends(app: Flask, horloge: Horloge, agent: FlaskClient) -> None:
    horloge.t += 29 * 60
    assert agent.get("/").status_code == 200
    horloge.t += 29 * 60  # activity moved the deadline
    assert agent.get("/").status_code == 200
    horloge.t += 31 * 60
    reponse = agent.get("/recherche")
    assert reponse.headers["Location"] == "/connexion?next=/recherche"
    assert "inactivité" in agent.get("/connexion").get_data(as_text=True)
    assert agent.get("/").status_code == 302


def test_idle_delay_comes_from_the_settings(fabrique: Callable[..., Flask]) -> None:
    app = fabrique()
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)


def test_sign_out_ends_every_session_of_the_account(app: Flask, agent: FlaskClient) -> None:
    cookie = agent.get_cookie(COOKIE)
    assert cookie is not None
    copie = app.test_client()
    copie.set_cookie(COOKIE, cookie.value)
    assert copie.get("/").status_code == 200
    reponse = agent.post("/deconnexion", data={"csrf_token": jeton(agent, "/")})
    assert reponse.headers["Location"] == "/connexion"
    assert agent.get("/").status_code == 302
    assert copie.get("/").status_code == 302


def test_a_write_without_csrf_token_is_refused(app: Flask, agent: FlaskClient) -> None:
    reponse = agent.post("/deconnexion")
    assert reponse.status_code == 400
    page = html.unescape(reponse.get_data(as_text=True))
    assert "Formulaire expiré" in page and "rien n'a été enregistré" in page
    assert agent.get("/").status_code == 200  # still signed in
    anonyme = app.test_client()
    reponse = anonyme.post(
        "/connexion", data={"identifiant": "agent13", "mot_de_passe": MOT_DE_PASSE}
    )
    assert reponse.status_code == 400


def test_security_headers(agent: FlaskClient) -> None:
    reponse = agent.get("/")
    csp = reponse.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reponse.headers["X-Content-Type-Options"] == "nosniff"
    assert reponse.headers["Referrer-Policy"] == "same-origin"
    assert reponse.headers["Cache-Control"] == "no-store"
    assert "<script>" not in reponse.get_data(as_text=True)


def test_error_pages_are_french_with_a_way_back(agent: FlaskClient, app: Flask) -> None:
    reponse = agent.get("/nulle-part")
    assert reponse.status_code == 404
    page = reponse.get_data(as_text=True)
    assert 'lang="fr"' in page and "introuvable" in page and 'href="/"' in page
    assert agent.get("/deconnexion").status_code == 405


def test_an_unexpected_error_shows_no_trace(fabrique: Callable[..., Flask]) -> None:
    app = fabrique()

    @app.get("/panne")
    def panne() -> str:
        raise RuntimeError("secret interne")

    setattr(panne, ATTRIBUT, "public")
    reponse = app.test_client().get("/panne")
    assert reponse.status_code == 500
    page = reponse.get_data(as_text=True)
    assert "secret interne" not in page and "Traceback" not in page
    assert "Erreur du service" in page


def test_sign_in_is_throttled_per_account(fabrique: Callable[..., Flask]) -> None:
    app = fabrique(SNE_LIMITE_CONNEXION_COMPTE="3 per minute")
    for numero in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{numero}"
        assert connecter(client, "consult13", "faux").status_code == 200
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    reponse = connecter(client, "consult13", "faux")
    assert reponse.status_code == 429
    assert "Trop de tentatives" in reponse.get_data(as_text=True)
    assert connecter(client, "agent13").status_code == 302  # another account may still sign in


@pytest.mark.redis
def test_sign_in_is_throttled_per_address_on_redis(
    fabrique: Callable[..., Flask], redis_url: str
) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    app = fabrique(redis_url=redis_url, SNE_LIMITE_CONNEXION_ADRESSE="3 per minute")
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    client = app.test_client()
    for login in ("a1", "a2", "a3"):
        assert connecter(client, login, "faux").status_code == 200
    assert connecter(client, "agent13").status_code == 429
    assert redis.Redis.from_url(redis_url).keys("LIMITS*")


def test_static_files_are_served_without_leaving_their_folders(app: Flask) -> None:
    client = app.test_client()
    with client.get("/static/portail/portail.css") as propre:
        assert propre.status_code == 200 and b".sne-rubriques" in propre.data
    assert client.get("/static/portail/../securite.py").status_code == 404
    assert client.get("/static/dsfr/../../../setup.cfg").status_code == 404
    assert client.get("/static/dsfr/%2e%2e/%2e%2e/%2e%2e/setup.cfg").status_code == 404


def test_the_design_system_is_served_from_node_modules(app: Flask) -> None:
    from guichet_portal.statiques import DSFR

    if not (DSFR / "dsfr.min.css").is_file():
        pytest.skip("npm ci n'a pas été lancé : node_modules/@gouvfr/dsfr manque")
    with app.test_client().get("/static/dsfr/dsfr.min.css") as reponse:
        assert reponse.status_code == 200 and reponse.mimetype == "text/css"
        assert "max-age=86400" in reponse.headers["Cache-Control"]
