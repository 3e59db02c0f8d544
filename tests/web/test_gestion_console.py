"""The manager's console: who may open it, CSRF, territory isolation, accounts, audit, complaints."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from sne.acteurs import SYSTEME
from sne.models import Historique, Utilisateur
from sne.services import courriers, cycle, demandes, guichets, radiation
from sne.stockage import FileStore, local_store
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import connecter, jeton


def texte(reponse: object) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(reponse.get_data(as_text=True))  # type: ignore[attr-defined]


PAGES = (
    "/gestion",
    "/gestion/comptes",
    "/gestion/comptes?revue=1",
    "/gestion/comptes/nouveau",
    "/gestion/comptes/agent13",
    "/gestion/audit",
    "/gestion/audit/verification",
    "/gestion/reclamations",
    "/gestion/doublons",
    "/gestion/signalements",
    "/gestion/forcages",
    "/gestion/guichets",
    "/gestion/corrections",
    "/gestion/guichets/nouveau",
    "/gestion/guichets/G1301",
)


@pytest.fixture
def gestion(client_de: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_de("gestion13")


@pytest.fixture
def autre_territoire(ref: Referentiel) -> Referentiel:
    autre = Referentiel(ref.uow, "084")
    with ref.uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()
    return autre


def radiee_pour_non_renouvellement(ref: Referentiel, store: FileStore | None = None) -> str:
    """A demande without e-mail (préavis by post), radiated by the daily run for non-renewal."""
    numero = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(email=None), aujourd_hui=JOUR
    ).numero
    for jour in (date(2027, 2, 16), date(2027, 4, 16)):
        cycle.executer(
            ref.uow(),
            SYSTEME,
            jour,
            envoyer=lambda _m: None,
            expediteur="sne@example.fr",
            territoire=ref.territoire,
        )
        if store is not None and jour.month == 2:  # the letters of the préavis run
            courriers.produire_lettres(ref.uow(), SYSTEME, jour, store, territoire=ref.territoire)
    return numero


@pytest.mark.parametrize("adresse", PAGES)
def test_the_console_is_for_the_territorial_manager(
    client_de: Callable[[str], FlaskClient], adresse: str
) -> None:
    assert client_de("gestion13").get(adresse).status_code == 200
    assert client_de("agent13").get(adresse).status_code == 403
    assert client_de("consult13").get(adresse).status_code == 403


def test_the_menu_shows_the_console_to_managers_only(
    gestion: FlaskClient, agent: FlaskClient
) -> None:
    assert "Console de gestion" in texte(gestion.get("/"))
    assert "Console de gestion" not in texte(agent.get("/"))


def test_a_write_without_csrf_token_changes_nothing(gestion: FlaskClient, ref: Referentiel) -> None:
    reponse = gestion.post("/gestion/comptes/agent13/fermer", data={"motif": "départ"})
    assert reponse.status_code == 400
    with ref.uow() as unit:
        assert unit.session.scalar(select(Utilisateur.actif).where(Utilisateur.login == "agent13"))


def test_a_manager_of_013_never_sees_084(
    gestion: FlaskClient,
    ref: Referentiel,
    autre_territoire: Referentiel,
    client_de: Callable[[str], FlaskClient],
) -> None:
    numero_84 = radiee_pour_non_renouvellement(autre_territoire)
    assert gestion.get("/gestion/comptes/agent84").status_code == 404
    assert gestion.get(f"/gestion/reclamations/{numero_84}").status_code == 404
    reponse = gestion.post(
        "/gestion/comptes/agent84/fermer",
        data={"motif": "essai", "csrf_token": jeton(gestion, "/gestion/comptes/agent13")},
    )
    assert reponse.status_code == 404
    assert "agent84" not in texte(gestion.get("/gestion/comptes"))
    assert numero_84 not in texte(gestion.get("/gestion/audit"))
    assert numero_84 in texte(client_de("gestion84").get("/gestion/audit"))


def test_open_an_account_then_its_owner_chooses_a_password(
    gestion: FlaskClient, app: Flask
) -> None:
    formulaire = {
        "prenom": "Inès",
        "nom": "Durand",
        "email": "ines.durand@hmp.example.fr",
        "login": "idurand",
        "role": "agent_guichet",
        "guichet": "G1301",
        "mot_de_passe": "provisoire-1234",
        "csrf_token": jeton(gestion, "/gestion/comptes/nouveau"),
    }
    sans_guichet = gestion.post("/gestion/comptes/nouveau", data={**formulaire, "guichet": ""})
    assert sans_guichet.status_code == 422
    assert "un agent est rattaché à un guichet" in texte(sans_guichet)
    reponse = gestion.post("/gestion/comptes/nouveau", data=formulaire)
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == "/gestion/comptes/idurand"
    page = texte(gestion.get("/gestion/comptes/idurand"))
    assert "Agent de guichet enregistreur" in page and "G1301" in page
    nouveau = app.test_client()
    premiere = connecter(nouveau, "idurand", "provisoire-1234")
    assert premiere.headers["Location"].startswith("/mot-de-passe")


def test_closing_an_account_ends_its_open_session_at_once(
    gestion: FlaskClient, agent: FlaskClient, ref: Referentiel
) -> None:
    assert agent.get("/").status_code == 200
    jeton_ = jeton(gestion, "/gestion/comptes/agent13")
    sans_motif = gestion.post("/gestion/comptes/agent13/fermer", data={"csrf_token": jeton_})
    assert sans_motif.status_code == 422 and "indiquez pourquoi" in texte(sans_motif)
    reponse = gestion.post(
        "/gestion/comptes/agent13/fermer", data={"motif": "départ du guichet", "csrf_token": jeton_}
    )
    assert reponse.status_code == 302
    assert agent.get("/").status_code == 302  # sent back to the sign-in page
    with ref.uow() as unit:
        trace = unit.session.scalar(
            select(Historique.justification).where(
                Historique.entite_id == "agent13", Historique.action == "fermeture"
            )
        )
    assert trace == "départ du guichet"
    assert "fermé" in texte(gestion.get("/gestion/comptes/agent13"))


def test_change_a_role_within_the_same_attachment(gestion: FlaskClient, ref: Referentiel) -> None:
    jeton_ = jeton(gestion, "/gestion/comptes/consult13")
    vers_agent = gestion.post(
        "/gestion/comptes/consult13/role",
        data={"role": "agent_guichet", "motif": "mutation", "csrf_token": jeton_},
    )
    assert vers_agent.status_code == 422 and "autre rattachement" in texte(vers_agent)
    reponse = gestion.post(
        "/gestion/comptes/consult13/role",
        data={"role": "consultant_liste", "motif": "moins de droits", "csrf_token": jeton_},
    )
    assert reponse.status_code == 302
    with ref.uow() as unit:
        role = unit.session.scalar(select(Utilisateur.role).where(Utilisateur.login == "consult13"))
    assert role == "consultant_liste"


def test_the_review_lists_unused_accounts(gestion: FlaskClient, ref: Referentiel) -> None:
    page = texte(gestion.get("/gestion/comptes?revue=1"))
    assert "Aucun compte à revoir" in page
    with ref.uow() as unit:
        unit.session.execute(
            update(Utilisateur)
            .where(Utilisateur.login == "consult13")
            .values(derniere_connexion=None, created_at=date(2025, 1, 1))
        )
        unit.commit()
    page = texte(gestion.get("/gestion/comptes?revue=1"))
    assert "consult13" in page and "inutilisé depuis plus de 90 jours" in page
    assert "agent13" not in page


def test_the_audit_filters_by_person_guichet_and_date(
    gestion: FlaskClient, ref: Referentiel
) -> None:
    par_agent = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    par_autre = demandes.enregistrer(
        ref.uow(), ref.autre_agent, document_demande(foyer=1), aujourd_hui=JOUR
    )
    page = texte(gestion.get("/gestion/audit", query_string={"personne": "agent13"}))
    assert par_agent.numero in page and par_autre.numero not in page
    page = texte(gestion.get("/gestion/audit", query_string={"guichet": "g1302"}))
    assert par_autre.numero in page and par_agent.numero not in page
    page = texte(gestion.get("/gestion/audit", query_string={"au": "01/01/2000"}))
    assert "Aucune opération" in page
    illisible = texte(gestion.get("/gestion/audit", query_string={"du": "32/13/2026"}))
    assert "date illisible" in illisible


def test_the_verification_page_says_where_the_history_breaks(
    gestion: FlaskClient, ref: Referentiel
) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    assert "Historique intact" in texte(gestion.get("/gestion/audit/verification"))
    with ref.uow() as unit:
        unit.session.execute(
            update(Historique)
            .where(Historique.entite_id == numero)
            .values(justification="ajoutée après coup")
        )
        unit.commit()
    page = texte(gestion.get("/gestion/audit/verification"))
    assert "Historique altéré" in page and "le contenu de la ligne" in page


def test_a_complaint_shows_the_preavis_and_reactivates(
    gestion: FlaskClient, ref: Referentiel, tmp_path: Path
) -> None:
    numero = radiee_pour_non_renouvellement(ref, local_store(tmp_path / "store"))
    assert (
        gestion.get("/gestion/reclamations", query_string={"numero": numero}).headers["Location"]
        == f"/gestion/reclamations/{numero}"
    )
    page = texte(gestion.get(f"/gestion/reclamations/{numero}"))
    assert "Non-renouvellement" in page or "non-renouvellement" in page
    assert "16/04/2027" in page  # date of the radiation
    assert "traitement quotidien" in page
    assert "courrier postal" in page and "12 rue des Tanneurs" in page
    assert "page 1 du lot" in page  # the letter printed for that préavis
    jeton_ = jeton(gestion, f"/gestion/reclamations/{numero}")
    sans = gestion.post(
        f"/gestion/reclamations/{numero}", data={"reponse": "reactiver", "csrf_token": jeton_}
    )
    assert sans.status_code == 422
    reponse = gestion.post(
        f"/gestion/reclamations/{numero}",
        data={"reponse": "reactiver", "justification": "préavis non reçu", "csrf_token": jeton_},
    )
    assert reponse.status_code == 302
    assert demandes.consulter(ref.uow(), ref.gestionnaire, numero).statut == "active"
    page = texte(gestion.get(f"/gestion/reclamations/{numero}"))
    assert "préavis non reçu" in page and "Réponses déjà données" in page


def test_a_complaint_refused_with_a_reason(gestion: FlaskClient, ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR, donnees={})
    page = texte(gestion.get(f"/gestion/reclamations/{numero}"))
    assert "La réactivation n'est pas possible" in page and "agent_guichet Test" in page
    reponse = gestion.post(
        f"/gestion/reclamations/{numero}",
        data={
            "reponse": "refuser",
            "motif": "renonciation écrite du demandeur",
            "csrf_token": jeton(gestion, f"/gestion/reclamations/{numero}"),
        },
    )
    assert reponse.status_code == 302
    assert "renonciation écrite du demandeur" in texte(
        gestion.get(f"/gestion/reclamations/{numero}")
    )


def test_edit_then_close_a_guichet(
    gestion: FlaskClient, agent: FlaskClient, ref: Referentiel, autre_territoire: Referentiel
) -> None:
    assert gestion.get("/gestion/guichets/G8401").status_code == 404
    jeton_ = jeton(gestion, "/gestion/guichets/G1301")
    mauvais = gestion.post(
        "/gestion/guichets/G1301",
        data={"nom": "", "type": "BAILLEUR", "csrf_token": jeton_},
    )
    assert mauvais.status_code == 422 and "nom obligatoire" in texte(mauvais)
    reponse = gestion.post(
        "/gestion/guichets/G1301",
        data={
            "nom": "Habitat Marseille Provence — agence Nord",
            "type": "BAILLEUR",
            "adresse": "3 rue Lafayette\n13001 Marseille",
            "horaires": "Lundi au vendredi : 9 h – 12 h",
            "referent_email": "referent@hmp.example.fr",
            "csrf_token": jeton_,
        },
    )
    assert reponse.status_code == 302
    (public,) = [g for g in guichets.lister(ref.uow(), "013") if g.code == "G1301"]
    assert public.horaires == ("Lundi au vendredi : 9 h – 12 h",)
    assert public.adresse == ("3 rue Lafayette", "13001 Marseille")
    assert agent.get("/").status_code == 200
    gestion.post(
        "/gestion/guichets/G1301/fermer", data={"motif": "fusion d'agences", "csrf_token": jeton_}
    )
    assert agent.get("/").status_code == 302  # its agent's session ended
    assert "G1301" not in [g.code for g in guichets.lister(ref.uow(), "013")]


def test_create_a_guichet(gestion: FlaskClient, ref: Referentiel) -> None:
    reponse = gestion.post(
        "/gestion/guichets/nouveau",
        data={
            "code": "g1305",
            "nom": "CCAS d'Aix",
            "type": "COMMUNE",
            "horaires": "Mardi : 14 h – 17 h",
            "csrf_token": jeton(gestion, "/gestion/guichets/nouveau"),
        },
    )
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/gestion/guichets/G1305"
    (cree,) = [g for g in guichets.lister(ref.uow(), "013") if g.code == "G1305"]
    assert cree.horaires == ("Mardi : 14 h – 17 h",)


def test_a_new_account_chooses_its_password_through_a_single_use_link(
    gestion: FlaskClient, app: Flask, tmp_var: Path
) -> None:
    formulaire = {
        "prenom": "Jules",
        "nom": "Martin",
        "login": "jmartin",
        "role": "agent_guichet",
        "guichet": "G1302",
        "csrf_token": jeton(gestion, "/gestion/comptes/nouveau"),
    }
    sans_adresse = gestion.post("/gestion/comptes/nouveau", data=formulaire)
    assert sans_adresse.status_code == 422 and "pour envoyer le lien" in texte(sans_adresse)
    formulaire["email"] = "jules.martin@mairie.example.fr"
    assert gestion.post("/gestion/comptes/nouveau", data=formulaire).status_code == 302
    (mail,) = [message_from_bytes(f.read_bytes()) for f in (tmp_var / "outbox").glob("*.eml")]
    assert mail["To"] == "jules.martin@mairie.example.fr"
    corps = mail.get_payload(0).get_payload(decode=True).decode()
    lien = re.search(r"http://localhost(/gestion/activation/\S+)", corps)
    assert lien is not None
    titulaire = app.test_client()
    page = titulaire.get(lien.group(1))
    assert page.status_code == 200 and "Choisir votre mot de passe" in texte(page)
    jeton_ = jeton(titulaire, lien.group(1))
    court = titulaire.post(
        lien.group(1), data={"nouveau": "court", "confirmation": "court", "csrf_token": jeton_}
    )
    assert court.status_code == 422 and "12 caractères au moins" in texte(court)
    choisi = {"nouveau": "un mot de passe à moi", "confirmation": "un mot de passe à moi"}
    reponse = titulaire.post(lien.group(1), data={**choisi, "csrf_token": jeton_})
    assert reponse.status_code == 302
    assert connecter(titulaire, "jmartin", "un mot de passe à moi").headers["Location"] == "/"
    encore = app.test_client()
    deja = encore.post(lien.group(1), data={**choisi, "csrf_token": jeton(encore, lien.group(1))})
    assert deja.status_code == 422 and "n'est plus valable" in texte(deja)


def test_an_expired_activation_link_is_replaced_by_a_new_one(
    gestion: FlaskClient, app: Flask, tmp_var: Path, ref: Referentiel
) -> None:
    formulaire = {
        "prenom": "Léa",
        "nom": "Roux",
        "login": "lroux",
        "role": "agent_guichet",
        "guichet": "G1302",
        "email": "lea.roux@mairie.example.fr",
        "csrf_token": jeton(gestion, "/gestion/comptes/nouveau"),
    }
    assert gestion.post("/gestion/comptes/nouveau", data=formulaire).status_code == 302

    def liens() -> list[str]:
        mails = sorted((tmp_var / "outbox").glob("*.eml"), key=lambda f: f.stat().st_mtime_ns)
        corps = [message_from_bytes(f.read_bytes()).get_payload(0) for f in mails]
        return [
            re.findall(
                r"http://localhost(/gestion/activation/\S+)", c.get_payload(decode=True).decode()
            )[0]
            for c in corps
        ]

    (premier,) = liens()
    page = texte(gestion.get("/gestion/comptes/lroux"))
    assert "Le lien qui lui a été envoyé est valable jusqu'au" in page
    with ref.uow() as unit:  # three days later
        compte = unit.session.scalars(select(Utilisateur).where(Utilisateur.login == "lroux")).one()
        assert compte.jeton_activation_expire is not None
        compte.jeton_activation_expire -= timedelta(hours=73)
        unit.commit()
    assert "a expiré le" in texte(gestion.get("/gestion/comptes/lroux"))
    reponse = gestion.post(
        "/gestion/comptes/lroux/lien", data={"csrf_token": jeton(gestion, "/gestion/comptes/lroux")}
    )
    assert reponse.status_code == 302
    premier_, second = liens()
    assert premier_ == premier != second
    titulaire = app.test_client()
    choisi = {"nouveau": "un mot de passe à moi", "confirmation": "un mot de passe à moi"}
    ancien = titulaire.post(premier, data={**choisi, "csrf_token": jeton(titulaire, premier)})
    assert ancien.status_code == 422 and "n'est plus valable" in texte(ancien)
    assert (
        titulaire.post(second, data={**choisi, "csrf_token": jeton(titulaire, second)}).status_code
        == 302
    )
    assert "Lien d'activation" not in texte(gestion.get("/gestion/comptes/lroux"))
    deja = gestion.post(
        "/gestion/comptes/lroux/lien", data={"csrf_token": jeton(gestion, "/gestion/comptes/lroux")}
    )
    assert deja.status_code == 422 and "n'attend pas d'activation" in texte(deja)
