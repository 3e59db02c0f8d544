"""Public portal: filing a new demande online, and the guichets' worklist of those demandes.

Plain forms only (the test client runs no JavaScript); an applicant never
reaches another account's draft or demande, whatever the URL or form field.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portails import cerfa
from sne.models import DemandeEnLigne, Historique
from sne.services import brouillons, demandes
from tests.conftest import JOUR
from tests.factories import (
    Referentiel,
    compte_demandeur,
    document_demande,
    guichet_en_ligne,
    pdf_valide,
)
from tests.web.conftest import demandeur_connecte, jeton, texte


@pytest.fixture
def public_app(ref: Referentiel, fabrique_public: Callable[..., Flask]) -> Flask:
    guichet_en_ligne(ref)
    return fabrique_public()


@pytest.fixture
def claire(ref: Referentiel) -> int:
    return compte_demandeur(ref, "claire@example.fr")


@pytest.fixture
def client(public_app: Flask, claire: int) -> FlaskClient:
    return demandeur_connecte(public_app, "claire@example.fr")


def envoyer_piece(client: FlaskClient, fichier: Path, type_piece: str = "carte_identite") -> Any:
    return client.post(
        "/deposer/piece",
        data={
            "type_piece": type_piece,
            "fichier": (io.BytesIO(fichier.read_bytes()), "ma-carte.pdf"),
            "csrf_token": jeton(client, "/deposer/piece"),
        },
        content_type="multipart/form-data",
    )


def deposer(client: FlaskClient) -> Any:
    return client.post(
        "/deposer/verification", data={"csrf_token": jeton(client, "/deposer/verification")}
    )


def pret_a_deposer(ref: Referentiel, compte: int, foyer: int) -> None:
    """A complete draft saved at the identity piece's step (as if every section was typed)."""
    brouillons.garder(ref.uow(), compte, cerfa.brouillon_de(document_demande(foyer=foyer)), "piece")


def test_signed_out_visitors_are_sent_to_sign_in(public_app: Flask) -> None:
    reponse = public_app.test_client().get("/deposer")
    assert reponse.status_code == 302 and "/connexion" in reponse.location


def test_a_step_is_checked_and_saved_server_side_then_resumed_elsewhere(
    ref: Referentiel, public_app: Flask, client: FlaskClient, claire: int
) -> None:
    assert "Commencer ma demande" in texte(client.get("/deposer"))
    reponse = client.post("/deposer", data={"csrf_token": jeton(client, "/deposer")})
    assert reponse.location.endswith("/deposer/etape/a")
    page = texte(client.get("/deposer/etape/a"))
    assert "Étape 1" in page and "Vous et les personnes qui vivront avec vous" in page
    reponse = client.post(
        "/deposer/etape/a",
        data={
            "csrf_token": jeton(client, "/deposer/etape/a"),
            "type_demandeur": "physique",
            "vu": "personnes[1]:a",
            "personnes[1].nom_naissance": "Nguyen",
            "aller": "suivante",
        },
    )
    assert reponse.status_code == 422  # first names, birth date… missing
    assert "erreur" in texte(reponse)
    repris = brouillons.reprendre(ref.uow(), claire)
    assert repris is not None and repris.contenu["personnes"][0]["nom_naissance"] == "Nguyen"
    # Another device: a new session of the same account finds the draft and its step.
    ailleurs = demandeur_connecte(public_app, "claire@example.fr")
    assert "Reprendre ma demande" in texte(ailleurs.get("/"))
    reponse = ailleurs.post("/deposer", data={"csrf_token": jeton(ailleurs, "/deposer")})
    assert reponse.location.endswith("/deposer/etape/a")
    assert 'value="Nguyen"' in ailleurs.get("/deposer/etape/a").get_data(as_text=True)


def test_filing_with_the_identity_piece_gives_the_number_and_the_attestation(
    ref: Referentiel, client: FlaskClient, claire: int, tmp_path: Path
) -> None:
    pret_a_deposer(ref, claire, 110)
    assert deposer(client).status_code == 422  # no identity piece yet
    reponse = envoyer_piece(client, pdf_valide(tmp_path / "carte.pdf"))
    assert reponse.status_code == 302 and reponse.location.endswith("/deposer/verification")
    assert "ma-carte.pdf" in texte(client.get("/deposer/verification"))
    reponse = deposer(client)
    assert reponse.status_code == 302
    numero = reponse.location.rsplit("/", 1)[-1]
    assert numero.endswith("GDPUB")
    page = texte(client.get(reponse.location))
    assert f"numéro unique {numero}" in page
    pdf = client.get(f"/demandes/{numero}/attestation.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "Reprendre ma demande" not in texte(client.get("/"))


def test_every_step_shows_its_section(ref: Referentiel, client: FlaskClient, claire: int) -> None:
    pret_a_deposer(ref, claire, 116)
    for section in cerfa.SECTIONS:
        reponse = client.get(f"/deposer/etape/{section.lettre}")
        assert reponse.status_code == 200 and section.titre in texte(reponse)


def test_the_steps_speak_to_the_applicant_in_plain_words(
    ref: Referentiel, client: FlaskClient, claire: int
) -> None:
    """« vous », not « le demandeur »; where to find what the form asks; no code lists."""
    pret_a_deposer(ref, claire, 117)
    coordonnees = texte(client.get("/deposer/etape/b"))
    assert "J'accepte de recevoir des SMS" in coordonnees
    assert "Le demandeur accepte" not in coordonnees
    assert "première page" in texte(client.get("/deposer/etape/e"))  # the tax notice's figure
    assert "Pourquoi demandez-vous un logement social ?" in texte(client.get("/deposer/etape/g"))
    recherche = texte(client.get("/deposer/etape/h"))
    assert "ce n'est pas le code postal" in recherche and "Codes INSEE" not in recherche


def test_a_refused_piece_says_why_and_the_type_is_required(
    ref: Referentiel, client: FlaskClient, claire: int, tmp_path: Path
) -> None:
    pret_a_deposer(ref, claire, 111)
    faux = tmp_path / "faux.pdf"
    faux.write_bytes(b"ceci n'est pas un document")
    reponse = envoyer_piece(client, faux)
    assert reponse.status_code == 422 and "ni un PDF, ni une image JPEG" in texte(reponse)
    reponse = envoyer_piece(client, pdf_valide(tmp_path / "carte.pdf"), type_piece="bail")
    assert reponse.status_code == 422 and "choisissez le document" in texte(reponse)


def test_an_applicant_already_registered_is_told_to_link_it(
    ref: Referentiel, client: FlaskClient, claire: int, tmp_path: Path
) -> None:
    existante = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=112), aujourd_hui=JOUR
    ).numero
    pret_a_deposer(ref, claire, 112)
    envoyer_piece(client, pdf_valide(tmp_path / "carte.pdf"))
    reponse = deposer(client)
    assert reponse.status_code == 409
    page = texte(reponse)
    assert "déjà une demande" in page and "Relier ma demande existante" in page
    assert existante not in page
    assert "justification" not in page  # no forcing on the public portal


def test_an_applicant_never_reaches_another_accounts_draft_or_demande(
    ref: Referentiel, public_app: Flask, client: FlaskClient, claire: int, tmp_path: Path
) -> None:
    pret_a_deposer(ref, claire, 113)
    envoyer_piece(client, pdf_valide(tmp_path / "carte.pdf"))
    compte_demandeur(ref, "karim@example.fr")
    karim = demandeur_connecte(public_app, "karim@example.fr")
    for adresse in ("/deposer/etape/b", "/deposer/piece", "/deposer/verification"):
        reponse = karim.get(f"{adresse}?compte_id={claire}")
        assert reponse.status_code == 302 and reponse.location.endswith("/deposer")
    # A form field naming Claire's account is ignored: Karim files nothing of hers.
    reponse = karim.post(
        "/deposer/verification",
        data={"csrf_token": jeton(karim, "/deposer"), "compte_id": str(claire)},
    )
    assert reponse.status_code == 302 and reponse.location.endswith("/deposer")
    numero = deposer(client).location.rsplit("/", 1)[-1]
    assert karim.get(f"/demandes/{numero}").status_code == 404
    assert karim.get(f"/demandes/{numero}/attestation.pdf").status_code == 404
    assert brouillons.reprendre(ref.uow(), claire) is None  # filed by Claire only


def test_every_write_needs_the_csrf_token(client: FlaskClient) -> None:
    for adresse in ("/deposer", "/deposer/etape/a", "/deposer/piece", "/deposer/verification"):
        assert client.post(adresse, data={}).status_code == 400, adresse


def test_my_data_holds_the_draft_and_the_notice_says_how_long(
    ref: Referentiel, client: FlaskClient, claire: int
) -> None:
    pret_a_deposer(ref, claire, 117)
    donnees = json.loads(client.get("/demandes/mes-donnees.json").data)
    assert donnees["demande_en_cours"]["contenu"]["commune"] == "Marseille"
    assert "90 jours" in texte(client.get("/confidentialite"))


def test_the_draft_can_be_deleted(ref: Referentiel, client: FlaskClient, claire: int) -> None:
    pret_a_deposer(ref, claire, 114)
    reponse = client.post("/deposer/supprimer", data={"csrf_token": jeton(client, "/deposer")})
    assert reponse.status_code == 302
    assert brouillons.reprendre(ref.uow(), claire) is None


def test_without_a_gdpub_guichet_the_page_says_so_in_french(
    ref: Referentiel, fabrique_public: Callable[..., Flask]
) -> None:
    compte_demandeur(ref, "sans@example.fr")
    client = demandeur_connecte(fabrique_public(), "sans@example.fr")
    reponse = client.get("/deposer")
    assert reponse.status_code == 503
    assert "n'est pas ouvert sur ce territoire" in texte(reponse)


def test_guichets_see_online_demandes_and_verify_or_refuse_the_piece(
    ref: Referentiel,
    client: FlaskClient,
    claire: int,
    tmp_path: Path,
    client_de: Callable[[str], FlaskClient],
    tmp_var: Path,
) -> None:
    pret_a_deposer(ref, claire, 115)
    envoyer_piece(client, pdf_valide(tmp_path / "carte.pdf"))
    numero = deposer(client).location.rsplit("/", 1)[-1]
    consultant = client_de("consult13")
    page = texte(consultant.get("/demandes/en-ligne"))
    assert numero in page and "Ouvrir la pièce d'identité" in page
    assert "Refuser la pièce" not in page  # reading only
    refus = consultant.post(
        f"/demandes/en-ligne/{numero}",
        data={"csrf_token": jeton(consultant, "/demandes/en-ligne"), "decision": "verifier"},
    )
    assert refus.status_code == 403
    agent = client_de("agent13b")
    sans_motif = agent.post(
        f"/demandes/en-ligne/{numero}",
        data={"csrf_token": jeton(agent, "/demandes/en-ligne"), "decision": "refuser"},
    )
    assert sans_motif.status_code == 422
    reponse = agent.post(
        f"/demandes/en-ligne/{numero}",
        data={
            "csrf_token": jeton(agent, "/demandes/en-ligne"),
            "decision": "refuser",
            "motif": "La photo est floue",
        },
    )
    assert reponse.status_code == 302
    assert "prévenu par e-mail" in texte(agent.get("/demandes/en-ligne"))  # the flash
    assert f"Demande {numero}" not in texte(agent.get("/demandes/en-ligne"))
    assert "Refusée : La photo est floue" in texte(agent.get("/demandes/en-ligne?toutes=oui"))
    (mail,) = [f.read_text() for f in (tmp_var / "outbox").iterdir()]
    assert "claire@example.fr" in mail and "La photo est floue" in mail
    with ref.uow() as unit:
        ligne = unit.session.scalar(select(DemandeEnLigne))
        assert ligne is not None and ligne.verifie_par == "agent13b"
        assert unit.session.scalar(
            select(Historique.id).where(Historique.action == "verification_identite")
        )
