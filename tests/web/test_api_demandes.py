"""API operations on demandes: idempotent retry, problem documents, interfaceNuu in and out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sne.models import Demande
from tests.conftest import JOUR
from tests.factories import FileEnregistree, Referentiel, document_demande, enregistrer_demande
from tests.web.api_outils import creer_jeton, entetes

SAMPLES = Path(__file__).parents[1] / "samples" / "interfacenuu"


def _nombre_de_demandes(ref: Referentiel) -> int:
    with ref.uow() as unit:
        return int(unit.session.scalar(select(func.count()).select_from(Demande)) or 0)


def test_enregistrer_en_json_puis_relire(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    client = app.test_client()
    reponse = client.post(
        "/api/v1/demandes", json={"demande": document_demande()}, headers=entetes(jeton.secret)
    )
    assert reponse.status_code == 201, reponse.get_data(as_text=True)
    numero = reponse.get_json()["numero"]
    assert len(numero) == 18 and numero.endswith(ref.guichet)
    assert reponse.get_json()["date_depot"] == JOUR.isoformat()
    lue = client.get(f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret)).get_json()
    assert lue["statut"] == "active"
    assert lue["document"]["personnes"][0]["nom_naissance"] == "Nguyen"
    xml = client.get(
        f"/api/v1/demandes/{numero}", headers=entetes(jeton.secret, Accept="application/xml")
    )
    assert xml.mimetype == "application/xml"
    assert numero.encode() in xml.data and b"interfaceNuu" in xml.data


def test_un_nouvel_essai_n_enregistre_jamais_deux_fois(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    client = app.test_client()
    corps = {"demande": document_demande()}
    premiere = client.post("/api/v1/demandes", json=corps, headers=entetes(jeton.secret, cle="k-1"))
    seconde = client.post("/api/v1/demandes", json=corps, headers=entetes(jeton.secret, cle="k-1"))
    assert premiere.status_code == seconde.status_code == 201
    assert premiere.get_json() == seconde.get_json()
    assert seconde.headers["Idempotent-Replayed"] == "true"
    assert _nombre_de_demandes(ref) == 1
    autre = client.post(
        "/api/v1/demandes",
        json={"demande": document_demande(foyer=2)},
        headers=entetes(jeton.secret, cle="k-1"),
    )
    assert autre.status_code == 422
    assert autre.get_json()["code"] == "CLE_IDEMPOTENCE_REUTILISEE"
    assert _nombre_de_demandes(ref) == 1


def test_post_sans_cle_d_idempotence_refuse(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    reponse = app.test_client().post(
        "/api/v1/demandes",
        json={"demande": document_demande()},
        headers={"Authorization": f"Bearer {jeton.secret}"},
    )
    assert reponse.status_code == 400
    assert reponse.get_json()["code"] == "CLE_IDEMPOTENCE_ABSENTE"
    assert _nombre_de_demandes(ref) == 0


def test_problemes_de_donnees_en_francais(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    client = app.test_client()
    schema = client.post("/api/v1/demandes", json={"inconnu": 1}, headers=entetes(jeton.secret))
    assert schema.status_code == 422
    assert schema.mimetype == "application/problem+json"
    assert schema.get_json()["erreurs"] == {
        "demande": "champ obligatoire absent",
        "inconnu": "champ inconnu",
    }
    document = document_demande()
    del document["personnes"][0]["date_naissance"]
    regle = client.post(
        "/api/v1/demandes", json={"demande": document}, headers=entetes(jeton.secret)
    )
    corps = regle.get_json()
    assert regle.status_code == 422
    assert corps["code"] == "DONNEES_INVALIDES"
    assert corps["title"] == "Données refusées"
    assert any("date_naissance" in champ for champ in corps["erreurs"])


def test_doublon_probable_409_avec_candidats(ref: Referentiel, app: Flask) -> None:
    numero = enregistrer_demande(ref)
    jeton = creer_jeton(ref)
    reponse = app.test_client().post(
        "/api/v1/demandes", json={"demande": document_demande()}, headers=entetes(jeton.secret)
    )
    assert reponse.status_code == 409
    assert reponse.get_json()["code"] == "DOUBLON_PROBABLE"
    assert numero in reponse.get_json()["details"]


def test_fichier_refuse_avec_toutes_ses_anomalies(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    contenu = (SAMPLES / "erreur_element_inconnu.xml").read_bytes()
    reponse = app.test_client().post(
        "/api/v1/fichiers",
        data=contenu,
        headers=entetes(jeton.secret, **{"Content-Type": "application/xml"}),
    )
    assert reponse.status_code == 422
    corps = reponse.get_json()
    assert corps["code"] == "FICHIER_REFUSE"
    assert corps["anomalies"] and {"code", "chemin", "message"} <= set(corps["anomalies"][0])
    assert any(a["code"] == "ELEMENT_INCONNU" for a in corps["anomalies"])


def test_enregistrer_un_fichier_cre(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    contenu = (SAMPLES / "cre_menage_cotitulaire_enfants.xml").read_bytes()
    contenu = contenu.replace(b"G1301", ref.guichet.encode())
    reponse = app.test_client().post(
        "/api/v1/demandes",
        data=contenu,
        headers=entetes(jeton.secret, **{"Content-Type": "application/xml"}),
    )
    assert reponse.status_code == 201, reponse.get_data(as_text=True)
    assert reponse.get_json()["numero"].endswith(ref.guichet)
    assert _nombre_de_demandes(ref) == 1


def test_renouveler_radier_et_radiations_depuis(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    client = app.test_client()
    numero = enregistrer_demande(ref)
    renouvelee = client.post(
        f"/api/v1/demandes/{numero}/renouvellement", headers=entetes(jeton.secret)
    )
    assert renouvelee.status_code == 200, renouvelee.get_data(as_text=True)
    radiee = client.post(
        f"/api/v1/demandes/{numero}/radiation",
        json={"motif": "RADABA"},
        headers=entetes(jeton.secret),
    )
    assert radiee.status_code == 200, radiee.get_data(as_text=True)
    encore = client.post(f"/api/v1/demandes/{numero}/renouvellement", headers=entetes(jeton.secret))
    assert encore.status_code == 409
    assert encore.get_json()["code"] == "DEMANDE_RADIEE"
    liste = client.get(
        f"/api/v1/radiations?depuis={JOUR.isoformat()}", headers=entetes(jeton.secret)
    )
    assert liste.get_json() == [
        {"numero": numero, "motif": "RADABA", "date_radiation": JOUR.isoformat()}
    ]


def test_modifier_en_json(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref)
    numero = enregistrer_demande(ref)
    reponse = app.test_client().post(
        f"/api/v1/demandes/{numero}/modification",
        json={"changements": {"email": "nouvelle@example.fr"}},
        headers=entetes(jeton.secret),
    )
    assert reponse.status_code == 200, reponse.get_data(as_text=True)
    assert "email" in reponse.get_json()["changements"]


def test_depot_d_un_pdf_puis_son_avancement(ref: Referentiel, app: Flask, tmp_path: Path) -> None:
    from tests.factories import pdf_valide

    file = FileEnregistree()
    app.extensions["sne.queue"] = file
    jeton = creer_jeton(ref, portees=("pieces",))
    contenu = pdf_valide(tmp_path / "depot.pdf", pages=3).read_bytes()
    client = app.test_client()
    reponse = client.post(
        "/api/v1/lots?nom=lot-du-jour.pdf",
        data=contenu,
        headers=entetes(jeton.secret, **{"Content-Type": "application/pdf"}),
    )
    assert reponse.status_code == 202, reponse.get_data(as_text=True)
    lot = reponse.get_json()
    assert lot["nom_fichier"] == "lot-du-jour.pdf"
    assert lot["pages_total"] in (0, 3)
    assert file.jobs == [("traiter_lot", {"lot_id": lot["id"]})]
    suivi = client.get(f"/api/v1/lots/{lot['id']}", headers=entetes(jeton.secret))
    assert suivi.status_code == 200
    assert suivi.get_json()["id"] == lot["id"]
    pas_un_pdf = client.post(
        "/api/v1/lots",
        data=b"bonjour",
        headers=entetes(jeton.secret, **{"Content-Type": "application/pdf"}),
    )
    assert pas_un_pdf.status_code == 422
    assert pas_un_pdf.mimetype == "application/problem+json"


def test_depot_au_dela_de_2_mo_admis_jusqu_a_18(ref: Referentiel, app: Flask) -> None:
    jeton = creer_jeton(ref, portees=("pieces",))
    trop = app.test_client().post(
        "/api/v1/lots",
        data=b"0" * (18 * 1024 * 1024 + 1),
        headers=entetes(jeton.secret, **{"Content-Type": "application/pdf"}),
    )
    assert trop.status_code == 413
    assert trop.get_json()["code"] == "ENVOI_TROP_VOLUMINEUX"


def test_nouvel_essai_pendant_la_premiere_requete_409(ref: Referentiel, app: Flask) -> None:
    import hashlib
    import json

    from sne.services import idempotence

    jeton = creer_jeton(ref)
    corps = json.dumps({"demande": document_demande()}).encode()
    empreinte = hashlib.sha256(
        b"\n".join((b"POST", b"/api/v1/demandes", b"", b"application/json", corps))
    )
    # The first call holds the key (reserved, no reply yet) while the retry arrives.
    idempotence.reserver(ref.uow(), jeton.id, "k-en-cours", empreinte.hexdigest())
    reponse = app.test_client().post(
        "/api/v1/demandes",
        data=corps,
        headers=entetes(jeton.secret, cle="k-en-cours", **{"Content-Type": "application/json"}),
    )
    assert reponse.status_code == 409
    assert reponse.get_json()["code"] == "REQUETE_EN_COURS"
    assert _nombre_de_demandes(ref) == 0


def test_document_et_page_de_documentation(app: Flask) -> None:
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/demandes/{numero}" in document["paths"]
    assert document["paths"]["/api/v1/demandes"]["post"]["x-portee"] == "ecriture"
    page = client.get("/api/v1/documentation").get_data(as_text=True)
    assert "Services web" in page and "/api/v1/radiations" in page


def test_les_reponses_conservees_sont_oubliees_apres_un_mois(ref: Referentiel, app: Flask) -> None:
    from datetime import timedelta

    from sne.models import ReponseIdempotente
    from sne.services import idempotence

    jeton = creer_jeton(ref)
    app.test_client().post(
        "/api/v1/demandes", json={"demande": document_demande()}, headers=entetes(jeton.secret)
    )
    assert idempotence.purger(ref.uow(), date.today()) == 0
    assert idempotence.purger(ref.uow(), date.today() + timedelta(days=31)) == 1
    with ref.uow() as unit:
        assert unit.session.scalars(select(ReponseIdempotente)).all() == []


def test_adresse_inconnue_sous_l_api_en_problem_json(app: Flask, agent: FlaskClient) -> None:
    client = app.test_client()
    inconnue = client.get("/api/v1/nulle-part")
    assert inconnue.status_code == 404
    assert inconnue.mimetype == "application/problem+json"
    methode = client.delete("/api/v1/demandes")
    assert methode.status_code == 405
    assert methode.get_json()["code"] == "METHODE_NON_ADMISE"
    page = agent.get("/nulle-part")  # the portal's own pages keep their French error page
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_meme_cle_autre_parametre_refusee(ref: Referentiel, app: Flask, tmp_path: Path) -> None:
    from tests.factories import pdf_valide

    app.extensions["sne.queue"] = FileEnregistree()
    jeton = creer_jeton(ref, portees=("pieces",))
    contenu = pdf_valide(tmp_path / "depot.pdf").read_bytes()
    client = app.test_client()
    entete = entetes(jeton.secret, cle="k-lot", **{"Content-Type": "application/pdf"})
    assert client.post("/api/v1/lots?nom=a.pdf", data=contenu, headers=entete).status_code == 202
    autre = client.post("/api/v1/lots?nom=b.pdf", data=contenu, headers=entete)
    assert autre.status_code == 422
    assert autre.get_json()["code"] == "CLE_IDEMPOTENCE_REUTILISEE"


def test_la_trace_des_appels_est_effacee_apres_un_an(ref: Referentiel, app: Flask) -> None:
    from datetime import timedelta

    from sne.models import AppelApi
    from sne.services import jetons

    jeton = creer_jeton(ref)
    app.test_client().get("/api/v1/demandes/0130326000001G1301", headers=entetes(jeton.secret))
    with ref.uow() as unit:
        assert len(unit.session.scalars(select(AppelApi)).all()) == 1
    assert jetons.purger_appels(ref.uow(), date.today() + timedelta(days=364)) == 0
    assert jetons.purger_appels(ref.uow(), date.today() + timedelta(days=366)) == 1
    with ref.uow() as unit:
        assert unit.session.scalars(select(AppelApi)).all() == []
