"""API tokens: scope, expiry, revocation, IP range, rate limit, trace of every call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from sne.errors import Forbidden, ValidationError
from sne.models import AppelApi, JetonApi
from sne.services import jetons
from tests.conftest import JOUR
from tests.factories import Chaine, Referentiel, document_demande, enregistrer_demande
from tests.web.api_outils import creer_jeton, entetes


def test_le_secret_n_est_pas_stocke_et_le_jeton_agit_comme_son_agent(
    ref: Referentiel, app: Flask
) -> None:
    jeton = creer_jeton(ref)
    with ref.uow() as unit:
        ligne = unit.session.get(JetonApi, jeton.id)
        assert ligne is not None
        assert jeton.secret not in (ligne.empreinte, ligne.prefixe)
        assert ligne.empreinte == jetons.empreinte(jeton.secret)
    numero = enregistrer_demande(ref)
    reponse = app.test_client().get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret))
    assert reponse.status_code == 200, reponse.get_data(as_text=True)
    assert reponse.get_json()["numero"] == numero
    assert reponse.get_json()["guichet"] == ref.guichet


def test_sans_jeton_ou_jeton_faux_401_problem_json(ref: Referentiel, app: Flask) -> None:
    client = app.test_client()
    numero = enregistrer_demande(ref)
    for entete in (
        {},
        {"Authorization": "Bearer sne_000000000000_faux"},
        {"Authorization": "Basic x"},
    ):
        reponse = client.get(f"/api/v1/demandes/{numero}", headers=entete)
        assert reponse.status_code == 401
        assert reponse.mimetype == "application/problem+json"
        assert reponse.get_json()["code"] == "JETON_INVALIDE"
        assert reponse.headers["WWW-Authenticate"].startswith("Bearer")


def test_portee_insuffisante_403(ref: Referentiel, app: Flask) -> None:
    lecture = creer_jeton(ref, portees=("lecture",))
    reponse = app.test_client().post(
        "/api/v1/demandes", json={"demande": document_demande()}, headers=entetes(lecture.secret)
    )
    assert reponse.status_code == 403
    corps = reponse.get_json()
    assert corps["code"] == "PORTEE_INSUFFISANTE"
    assert "ecriture" in corps["detail"]


def test_jeton_expire_refuse(ref: Referentiel, fabrique: Callable[..., Flask]) -> None:
    jeton = creer_jeton(ref, expire_le=JOUR + timedelta(days=1))
    numero = enregistrer_demande(ref)
    plus_tard = fabrique(SNE_AUJOURDHUI=lambda: JOUR + timedelta(days=2))
    reponse = plus_tard.test_client().get(
        f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret)
    )
    assert reponse.status_code == 401
    assert reponse.get_json()["code"] == "JETON_EXPIRE"


def test_jeton_revoque_refuse_au_prochain_appel(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    numero = enregistrer_demande(ref)
    client = app.test_client()
    assert (
        client.get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret)).status_code == 200
    )
    jetons.revoquer(ref.uow(), ref.gestionnaire, jeton.id)
    reponse = client.get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret))
    assert reponse.status_code == 401
    assert reponse.get_json()["code"] == "JETON_REVOQUE"


def test_plages_ip(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref, plages_ip="192.0.2.0/24, 2001:db8::/32")
    numero = enregistrer_demande(ref)
    client = app.test_client()
    dedans = client.get(
        f"/api/v1/demandes/{numero}",
        headers=entetes(jeton.secret),
        environ_base={"REMOTE_ADDR": "192.0.2.17"},
    )
    assert dedans.status_code == 200
    dehors = client.get(
        f"/api/v1/demandes/{numero}",
        headers=entetes(jeton.secret),
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert dehors.status_code == 403
    assert dehors.get_json()["code"] == "ADRESSE_NON_AUTORISEE"


def test_plage_ip_invalide_refusee_a_la_creation(ref: Referentiel) -> None:
    with pytest.raises(ValidationError) as refus:
        creer_jeton(ref, plages_ip="192.0.2.0/24 pas-une-adresse")
    assert "plages_ip" in refus.value.problems


def test_limite_par_jeton(ref: Referentiel, fabrique: Callable[..., Flask]) -> None:
    app = fabrique(SNE_LIMITE_API="3 per minute")
    premier, second = creer_jeton(ref), creer_jeton(ref)
    numero = enregistrer_demande(ref)
    client = app.test_client()
    statuts = [
        client.get(f"/api/v1/demandes/{numero}", headers=entetes(premier.secret)).status_code
        for _ in range(4)
    ]
    assert statuts == [200, 200, 200, 429]
    trop = client.get(f"/api/v1/demandes/{numero}", headers=entetes(premier.secret))
    assert trop.mimetype == "application/problem+json"
    assert trop.get_json()["code"] == "TROP_DE_REQUETES"
    # The limit is the token's, not the address's: another token still passes.
    assert (
        client.get(f"/api/v1/demandes/{numero}", headers=entetes(second.secret)).status_code == 200
    )


def test_chaque_appel_trace_avec_guichet_et_agent(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    numero = enregistrer_demande(ref)
    client = app.test_client()
    client.get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret))
    client.get("/api/v1/demandes/0000000000000G0000", headers=entetes(jeton.secret))
    with ref.uow() as unit:
        appels = [
            (a.methode, a.statut, a.utilisateur_id, a.guichet_id, a.chemin)
            for a in unit.session.scalars(select(AppelApi).order_by(AppelApi.id))
        ]
    agent = (ref.agent.utilisateur_id, ref.agent.guichet_id)
    assert appels == [
        ("GET", 200, *agent, f"/api/v1/demandes/{numero}"),
        ("GET", 404, *agent, "/api/v1/demandes/0000000000000G0000"),
    ]


def test_autre_territoire_404(ref: Referentiel, app: Flask) -> None:
    autre = Referentiel(ref.uow, "084")
    numero_ailleurs = enregistrer_demande(autre)
    jeton = creer_jeton(ref)
    reponse = app.test_client().get(
        f"/api/v1/demandes/{numero_ailleurs}", headers=entetes(jeton.secret)
    )
    assert reponse.status_code == 404
    assert reponse.get_json()["code"] == "INTROUVABLE"


def test_gestionnaire_d_un_autre_territoire_ne_voit_ni_ne_revoque(ref: Referentiel) -> None:
    autre = Referentiel(ref.uow, "084")
    jeton = creer_jeton(ref)
    assert [j.id for j in jetons.lister(ref.uow(), ref.gestionnaire)] == [jeton.id]
    assert jetons.lister(ref.uow(), autre.gestionnaire) == []
    with pytest.raises(Exception) as refus:
        jetons.revoquer(ref.uow(), autre.gestionnaire, jeton.id)
    assert getattr(refus.value, "code", None) == "JETON_INCONNU"


def test_avertissement_avant_expiration_envoye_une_fois(ref: Referentiel) -> None:
    bientot = creer_jeton(ref, expire_le=JOUR + timedelta(days=20))
    creer_jeton(ref, expire_le=JOUR + timedelta(days=200))
    envoyes: list[EmailMessage] = []
    for _ in range(2):
        jetons.avertir_expirations(
            ref.uow(), JOUR, envoyer=envoyes.append, expediteur="sne@example.fr"
        )
    assert len(envoyes) == 1
    mail = message_from_bytes(bytes(envoyes[0]))
    assert mail["To"] == "referent@hmp.example.fr"
    assert "expire le" in str(mail["Subject"])
    with ref.uow() as unit:
        assert unit.session.get(JetonApi, bientot.id).averti_le is not None  # type: ignore[union-attr]
        assert unit.session.scalar(select(func.count()).select_from(JetonApi)) == 2


def test_le_traitement_quotidien_avertit_le_referent(chaine: Chaine) -> None:
    from workers.jobs import executer_cycle

    creer_jeton(chaine.ref, expire_le=JOUR + timedelta(days=10))
    executer_cycle(chaine.ctx, JOUR)
    executer_cycle(chaine.ctx, JOUR + timedelta(days=1))
    mails = [
        message_from_bytes(f.read_bytes(), policy=default)
        for f in chaine.settings.outbox.glob("*.eml")
    ]
    avertissements = [m for m in mails if "jeton d'accès" in str(m["Subject"])]
    assert len(avertissements) == 1
    assert avertissements[0]["To"] == "referent@hmp.example.fr"


def test_limite_lue_dans_l_environnement(tmp_path: Path) -> None:
    from sne.config import Settings

    base = {"SNE_VAR_DIR": str(tmp_path), "SNE_SECRET_KEY": "k" * 40}
    assert Settings.from_env(base).api_appels_par_minute == 600
    assert (
        Settings.from_env({**base, "SNE_API_APPELS_PAR_MINUTE": "120"}).api_appels_par_minute == 120
    )
    with pytest.raises(ValueError, match="appels par minute"):
        Settings.from_env({**base, "SNE_API_APPELS_PAR_MINUTE": "beaucoup"})


def test_pas_de_jeton_pour_l_agent_d_un_autre_territoire(ref: Referentiel) -> None:
    autre = Referentiel(ref.uow, "084")
    with pytest.raises(ValidationError) as refus:
        creer_jeton(ref, agent=autre.agent.login)
    assert "agent" in refus.value.problems
    with pytest.raises(ValidationError):
        creer_jeton(ref, agent="personne-de-ce-nom")
    with pytest.raises(Forbidden):
        jetons.creer(
            ref.uow(),
            ref.agent,
            nom="x",
            agent=ref.agent.login,
            portees=["lecture"],
            expire_le=JOUR + timedelta(days=5),
            aujourd_hui=JOUR,
        )
