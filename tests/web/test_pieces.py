"""The pieces of a demande in the guichet portal: who sees what, open, mark, add scanned files."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from sne.models import Historique, Piece
from synth.batch import photo_piece
from tests.factories import Referentiel, enregistrer_demande, pdf_valide
from tests.web.aide_pieces import (
    consultants,
    pdf_chiffre,
    pdf_tronque,
    piece_stockee,
    poster_fichiers,
    store_de,
)
from tests.web.conftest import jeton


@pytest.fixture
def dossier(ref: Referentiel, tmp_var: Path, tmp_path: Path) -> dict[str, object]:
    """A demande with a plain piece and a sensitive one, and consultants of every level."""
    consultants(ref)
    numero = enregistrer_demande(ref)
    store = store_de(tmp_var)
    return {
        "numero": numero,
        "simple": piece_stockee(ref, store, numero, "passeport", tmp_path, sensible=False),
        "sensible": piece_stockee(
            ref, store, numero, "certificat_medical", tmp_path, sensible=True
        ),
    }


def _adresses(d: dict[str, object]) -> list[str]:
    n = d["numero"]
    return [
        f"/demandes/{n}/pieces",
        f"/demandes/{n}/pieces/{d['simple']}",
        f"/demandes/{n}/pieces/{d['sensible']}",
        f"/demandes/{n}/pieces/{d['simple']}/telecharger",
        f"/demandes/{n}/pieces/{d['sensible']}/telecharger",
        f"/demandes/{n}/pieces/{d['simple']}/marquer",
        f"/demandes/{n}/pieces/ajouter",
    ]


#: liste, voir (simple, sensible), télécharger (simple, sensible), marquer, ajouter.
ATTENDU = {
    "agent13": [200, 200, 200, 200, 200, 200, 200],
    "gestion13": [200, 200, 200, 200, 200, 200, 403],
    "consult13": [200, 200, 200, 200, 200, 403, 403],
    "standard13": [200, 200, 404, 200, 404, 403, 403],
    "liste13": [200, 404, 404, 404, 404, 403, 403],
}


@pytest.mark.parametrize("login", sorted(ATTENDU))
def test_permission_matrix_follows_the_consultant_levels(
    client_de: Callable[[str], FlaskClient], dossier: dict[str, object], login: str
) -> None:
    client = client_de(login)
    obtenu = [client.get(adresse).status_code for adresse in _adresses(dossier)]
    assert obtenu == ATTENDU[login]


def test_the_list_shows_each_piece_and_hides_what_the_level_may_not_open(
    client_de: Callable[[str], FlaskClient], dossier: dict[str, object]
) -> None:
    numero, simple, sensible = dossier["numero"], dossier["simple"], dossier["sensible"]
    page = client_de("agent13").get(f"/demandes/{numero}/pieces").get_data(as_text=True)
    assert "Passeport" in page and "Identité et régularité du séjour" in page
    assert "Certificat médical" in page and "sensible" in page
    assert "Classée" in page and "courrier d&#39;un guichet" in page
    assert f"/pieces/{sensible}/telecharger" in page
    page = client_de("standard13").get(f"/demandes/{numero}/pieces").get_data(as_text=True)
    assert f"/pieces/{simple}/telecharger" in page
    assert f"/pieces/{sensible}/telecharger" not in page and "Contenu réservé" in page
    page = client_de("liste13").get(f"/demandes/{numero}/pieces").get_data(as_text=True)
    assert "Certificat médical" in page and "/telecharger" not in page


def test_a_piece_opens_in_the_browser_and_downloads(
    agent: FlaskClient, dossier: dict[str, object], tmp_var: Path
) -> None:
    adresse = f"/demandes/{dossier['numero']}/pieces/{dossier['simple']}"
    vue = agent.get(adresse)
    assert vue.mimetype == "application/pdf"
    assert vue.headers["Content-Disposition"].startswith("inline;")
    assert vue.data.startswith(b"%PDF-")
    telechargee = agent.get(adresse + "/telecharger")
    assert telechargee.headers["Content-Disposition"].startswith("attachment;")
    assert telechargee.data == vue.data


def test_another_territory_and_another_demande_get_not_found(
    ref: Referentiel,
    client_de: Callable[[str], FlaskClient],
    dossier: dict[str, object],
    uow: Callable[..., object],
) -> None:
    from tests.web.aide_pieces import sans_changement

    autre = Referentiel(uow, "084")  # type: ignore[arg-type]
    sans_changement(autre)
    agent84 = client_de("agent84")
    for adresse in _adresses(dossier):
        assert agent84.get(adresse).status_code == 404, adresse
    reponse = agent84.post(
        f"/demandes/{dossier['numero']}/pieces/{dossier['simple']}/marquer",
        data={"csrf_token": jeton(agent84, "/"), "statut": "obsolete", "motif": "x"},
    )
    assert reponse.status_code == 404
    # A piece of one demande asked under another demande's numéro is not found either.
    autre_numero = enregistrer_demande(ref, foyer=2)
    agent = client_de("agent13")
    assert agent.get(f"/demandes/{autre_numero}/pieces/{dossier['simple']}").status_code == 404


def test_marking_a_piece_needs_a_reason_keeps_it_and_traces_it(
    ref: Referentiel, agent: FlaskClient, dossier: dict[str, object]
) -> None:
    adresse = f"/demandes/{dossier['numero']}/pieces/{dossier['simple']}/marquer"
    sans_jeton = agent.post(adresse, data={"statut": "obsolete", "motif": "périmé"})
    assert sans_jeton.status_code == 400
    sans_motif = agent.post(
        adresse, data={"csrf_token": jeton(agent, adresse), "statut": "obsolete", "motif": " "}
    )
    assert sans_motif.status_code == 422
    assert "indiquez pourquoi" in sans_motif.get_data(as_text=True)
    faite = agent.post(
        adresse,
        data={
            "csrf_token": jeton(agent, adresse),
            "statut": "obsolete",
            "motif": "Avis d'imposition d'une année trop ancienne",
        },
    )
    assert faite.status_code == 302
    page = agent.get(f"/demandes/{dossier['numero']}/pieces").get_data(as_text=True)
    assert "Obsolète" in page and "trop ancienne" in page
    with ref.uow() as unit:
        piece = unit.session.get(Piece, dossier["simple"])
        assert piece is not None and piece.statut == "obsolete" and piece.storage_key
        trace = unit.session.scalar(select(Historique).where(Historique.action == "marquage_piece"))
        assert trace is not None and "trop ancienne" in (trace.justification or "")
    assert agent.get(f"/demandes/{dossier['numero']}/pieces/{dossier['simple']}").status_code == 200


def _ajouter(agent: FlaskClient, numero: str, fichiers: list[tuple[Path, str]]) -> tuple[int, str]:
    adresse = f"/demandes/{numero}/pieces/ajouter"
    data: dict[str, object] = {"csrf_token": jeton(agent, adresse)}
    for rang, (chemin, type_piece) in enumerate(fichiers, start=1):
        data[f"fichier-{rang}"] = (io.BytesIO(chemin.read_bytes()), chemin.name)
        data[f"type-{rang}"] = type_piece
    reponse = poster_fichiers(agent, adresse, data)
    return reponse.status_code, reponse.get_data(as_text=True)


def test_bad_files_each_get_their_french_reason_and_their_original_is_kept(
    ref: Referentiel, agent: FlaskClient, dossier: dict[str, object], tmp_path: Path, tmp_var: Path
) -> None:
    texte = tmp_path / "releve.pdf"
    texte.write_text("ceci n'est pas un PDF", encoding="utf-8")
    fichiers = [
        (texte, "avis_imposition"),
        (pdf_chiffre(tmp_path / "protege.pdf"), "bulletin_salaire"),
        (pdf_tronque(tmp_path / "coupe.pdf"), "bulletin_salaire"),
        (pdf_valide(tmp_path / "blanc.pdf"), "bulletin_salaire"),
    ]
    code, page = _ajouter(agent, str(dossier["numero"]), fichiers)
    assert code == 422
    assert "ni un PDF, ni une image JPEG" in page
    assert "protégé par un mot de passe" in page
    assert "endommagé ou incomplet" in page
    assert "blanc ou illisible" in page
    originaux = list((tmp_var / "storage" / "originaux").rglob("*.*"))
    assert len(originaux) == 4
    with ref.uow() as unit:
        assert len(unit.session.scalars(select(Piece)).all()) == 2  # the two of the fixture
        refus = unit.session.scalars(
            select(Historique).where(Historique.action == "piece_refusee")
        ).all()
        assert len(refus) == 4


def test_a_scanned_piece_is_added_recompressed_and_attributed(
    ref: Referentiel, agent: FlaskClient, dossier: dict[str, object], tmp_path: Path
) -> None:
    photo = tmp_path / "quittance.jpg"
    photo.write_bytes(photo_piece("quittance_loyer", graine=3))
    code, page = _ajouter(agent, str(dossier["numero"]), [(photo, "quittance_loyer")])
    assert code == 200, page
    assert "Pièce ajoutée" in page
    with ref.uow() as unit:
        piece = unit.session.scalars(select(Piece).where(Piece.canal == "guichet")).one()
        assert piece.type == "quittance_loyer" and piece.taille <= 2 * 1024 * 1024
        assert piece.deposee_par_id == ref.agent.utilisateur_id
        assert piece.traitement and piece.traitement["original"].startswith("originaux/")
    liste = agent.get(f"/demandes/{dossier['numero']}/pieces").get_data(as_text=True)
    assert "Quittance de loyer" in liste and "pièce numérisée et ajoutée au guichet" in liste


def test_a_piece_without_type_or_file_is_asked_again(
    agent: FlaskClient, dossier: dict[str, object], tmp_path: Path
) -> None:
    code, page = _ajouter(agent, str(dossier["numero"]), [])
    assert code == 422 and "choisissez un fichier" in page and 'id="fichier-1-erreur"' in page
    code, page = _ajouter(agent, str(dossier["numero"]), [(pdf_valide(tmp_path / "a.pdf"), "")])
    assert code == 422 and 'id="type-1-erreur"' in page


def test_a_request_over_the_limit_is_refused_in_french(
    agent: FlaskClient, dossier: dict[str, object], tmp_path: Path
) -> None:
    gros = tmp_path / "gros.pdf"
    gros.write_bytes(b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    code, page = _ajouter(agent, str(dossier["numero"]), [(gros, "passeport")])
    assert code == 413 and "Envoi trop volumineux" in page


def test_a_piece_whose_file_is_gone_is_not_found_rather_than_half_sent(
    ref: Referentiel, agent: FlaskClient, dossier: dict[str, object], tmp_var: Path
) -> None:
    with ref.uow() as unit:
        piece = unit.session.get(Piece, dossier["simple"])
        assert piece is not None and piece.storage_key is not None
        cle = piece.storage_key
    store_de(tmp_var).delete(cle)
    reponse = agent.get(f"/demandes/{dossier['numero']}/pieces/{dossier['simple']}")
    assert reponse.status_code == 404
