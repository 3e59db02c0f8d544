"""Pieces over the API: list, download, add with a declared type; another territory's are 404."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from synth.batch import photo_piece
from tests.factories import Referentiel, enregistrer_demande
from tests.web.aide_pieces import pdf_chiffre, piece_stockee, store_de
from tests.web.api_outils import creer_jeton, entetes


def test_lister_et_telecharger(ref: Referentiel, app: Flask, tmp_var: Path, tmp_path: Path) -> None:
    numero = enregistrer_demande(ref)
    piece_id = piece_stockee(
        ref, store_de(tmp_var), numero, "avis_imposition", tmp_path, sensible=False
    )
    jeton = creer_jeton(ref, portees=("pieces",))
    client = app.test_client()
    liste = client.get(f"/api/v1/demandes/{numero}/pieces", headers=entetes(jeton.secret))
    assert liste.status_code == 200, liste.get_data(as_text=True)
    assert [p["id"] for p in liste.get_json()] == [piece_id]
    assert liste.get_json()[0]["type"] == "Avis d'impôt sur le revenu"
    fichier = client.get(
        f"/api/v1/demandes/{numero}/pieces/{piece_id}", headers=entetes(jeton.secret)
    )
    assert fichier.status_code == 200
    assert fichier.mimetype == "application/pdf"
    assert fichier.data.startswith(b"%PDF")
    lecture = creer_jeton(ref, portees=("lecture",))
    refus = client.get(f"/api/v1/demandes/{numero}/pieces", headers=entetes(lecture.secret))
    assert refus.status_code == 403
    assert refus.get_json()["code"] == "PORTEE_INSUFFISANTE"


def test_ajouter_une_piece_avec_son_type(ref: Referentiel, app: Flask, tmp_path: Path) -> None:
    numero = enregistrer_demande(ref)
    jeton = creer_jeton(ref, portees=("pieces",))
    client = app.test_client()
    reponse = client.post(
        f"/api/v1/demandes/{numero}/pieces?type=quittance_loyer&nom=quittance.jpg",
        data=photo_piece("quittance_loyer", graine=3),
        headers=entetes(jeton.secret, **{"Content-Type": "image/jpeg"}),
    )
    assert reponse.status_code == 201, reponse.get_data(as_text=True)
    assert reponse.get_json()["piece_id"]
    liste = client.get(f"/api/v1/demandes/{numero}/pieces", headers=entetes(jeton.secret))
    assert len(liste.get_json()) == 1
    chiffre = client.post(
        f"/api/v1/demandes/{numero}/pieces?type=avis_imposition",
        data=pdf_chiffre(tmp_path / "chiffre.pdf").read_bytes(),
        headers=entetes(jeton.secret, **{"Content-Type": "application/pdf"}),
    )
    assert chiffre.status_code == 422
    assert chiffre.get_json()["code"] == "PIECE_REFUSEE"
    assert chiffre.get_json()["detail"]


def test_pieces_d_un_autre_territoire_404(ref: Referentiel, app: Flask) -> None:
    autre = Referentiel(ref.uow, "084")
    numero = enregistrer_demande(autre)
    jeton = creer_jeton(ref, portees=("pieces",))
    reponse = app.test_client().get(
        f"/api/v1/demandes/{numero}/pieces", headers=entetes(jeton.secret)
    )
    assert reponse.status_code == 404
