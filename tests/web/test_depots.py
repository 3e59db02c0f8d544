"""Professional deposits in the guichet portal: one demande or several, a lot, its live progress."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sne.models import Lot, LotDossier
from sne.stockage import local_store
from synth.batch import photo_piece
from tests.factories import Referentiel, enregistrer_demande, pdf_valide
from tests.web.aide_pieces import (
    consultants,
    pdf_chiffre,
    pdf_tronque,
    poster_fichiers,
    sans_changement,
)
from tests.web.conftest import jeton
from workers.queue import InProcessQueue

NOUVEAU = "/depots/nouveau"


class FileNotee:
    """A queue that only notes the jobs asked (the lot must be recorded and its job queued)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        self.jobs.append((job, arguments))
        return f"note-{len(self.jobs)}"


@pytest.fixture
def file_notee(app: Flask) -> FileNotee:
    file = FileNotee()
    app.extensions["sne.queue"] = file
    return file


def _deposer(client: FlaskClient, fichier: Path, **champs: str) -> Any:
    data: dict[str, object] = {
        "csrf_token": jeton(client, NOUVEAU),
        "fichier": (io.BytesIO(fichier.read_bytes()), fichier.name),
        **champs,
    }
    return poster_fichiers(client, NOUVEAU, data)


def test_a_multi_demande_pdf_becomes_a_queued_lot_followed_on_its_page(
    ref: Referentiel, agent: FlaskClient, file_notee: FileNotee, tmp_path: Path
) -> None:
    reponse = _deposer(agent, pdf_valide(tmp_path / "depot.pdf", 3), mode="plusieurs")
    assert reponse.status_code == 302
    lot_id = int(reponse.headers["Location"].rsplit("/", 1)[-1])
    with ref.uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.canal == "depot_professionnel"
        assert lot.guichet_id == ref.agent.guichet_id and lot.nom_fichier == "depot.pdf"
    assert file_notee.jobs == [("traiter_lot", {"lot_id": lot_id})]
    page = agent.get(f"/depots/{lot_id}").get_data(as_text=True)
    assert "reçu, en file d&#39;attente" in page and "Actualiser l&#39;état" in page
    assert "/static/portail/suivi_depot.js" in page
    etat = agent.get(f"/depots/{lot_id}/etat.json").get_json()
    assert etat["statut"] == "recu" and etat["fini"] is False


def test_one_demande_gets_its_fiche_in_front_and_is_attached_by_the_workers(
    ref: Referentiel, app: Flask, agent: FlaskClient, tmp_path: Path, tmp_var: Path
) -> None:
    numero = enregistrer_demande(ref)
    settings = app.extensions["sne.settings"]
    # In-process jobs on the test's own transaction (its session factory).
    app.extensions["sne.queue"] = InProcessQueue(settings, ref.uow()._session_factory)
    pieces = tmp_path / "pieces.pdf"
    pieces.write_bytes(img2pdf.convert([photo_piece("quittance_loyer", graine=g) for g in (1, 2)]))
    reponse = _deposer(agent, pieces, mode="une", numero=numero, documents="2")
    assert reponse.status_code == 302, reponse.get_data(as_text=True)
    lot_id = int(reponse.headers["Location"].rsplit("/", 1)[-1])
    with ref.uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        cle = lot.storage_key
        dossiers = unit.session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id)).all()
        assert [(d.numero, d.statut) for d in dossiers] == [(numero, "rattache")], [
            d.motif for d in dossiers
        ]
    stocke = local_store(tmp_var / "storage").read_bytes(cle)
    with pikepdf.open(io.BytesIO(stocke)) as pdf:
        assert len(pdf.pages) == 3  # the fiche printed by the portal, then the two pages
    etat = agent.get(f"/depots/{lot_id}/etat.json").get_json()
    assert etat["fini"] is True and etat["dossiers_rattaches"] == 1
    assert etat["pages_faites"] == etat["pages_total"] == 3
    page = agent.get(f"/depots/{lot_id}").get_data(as_text=True)
    assert numero in page and "Rattaché à la demande" in page


@pytest.mark.parametrize(
    ("fabriquer", "message"),
    [
        (lambda d: _texte(d / "scan.pdf"), "refusé"),
        (lambda d: pdf_chiffre(d / "protege.pdf"), "protégé par un mot de passe"),
        (lambda d: pdf_tronque(d / "coupe.pdf"), "endommagé ou incomplet"),
        (lambda d: _gros(d / "gros.pdf", 18 * 1024 * 1024 + 1000), "au plus 18 Mo"),
    ],
    ids=["pas-un-pdf", "chiffre", "tronque", "trop-gros"],
)
def test_bad_files_get_a_french_message_and_nothing_is_recorded(
    ref: Referentiel,
    agent: FlaskClient,
    file_notee: FileNotee,
    tmp_path: Path,
    fabriquer: Callable[[Path], Path],
    message: str,
) -> None:
    reponse = _deposer(agent, fabriquer(tmp_path), mode="plusieurs")
    assert reponse.status_code == 422
    page = reponse.get_data(as_text=True)
    assert message in page and 'id="fichier-erreur"' in page
    assert file_notee.jobs == []
    with ref.uow() as unit:
        assert unit.session.scalars(select(Lot)).all() == []


def _texte(path: Path) -> Path:
    path.write_text("pas un PDF", encoding="utf-8")
    return path


def _gros(path: Path, taille: int) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + b"0" * taille)
    return path


def test_a_request_over_the_form_limit_is_refused(
    agent: FlaskClient, file_notee: FileNotee, tmp_path: Path
) -> None:
    reponse = _deposer(agent, _gros(tmp_path / "enorme.pdf", 19 * 1024 * 1024), mode="plusieurs")
    assert reponse.status_code == 413 and "Envoi trop volumineux" in reponse.get_data(as_text=True)


def test_one_demande_needs_a_numero_of_the_territory(
    uow: Callable[..., object], agent: FlaskClient, file_notee: FileNotee, tmp_path: Path
) -> None:
    pieces = pdf_valide(tmp_path / "pieces.pdf")
    reponse = _deposer(agent, pieces, mode="une")
    assert reponse.status_code == 422 and 'id="numero-erreur"' in reponse.get_data(as_text=True)
    numero84 = enregistrer_demande(Referentiel(uow, "084"))  # type: ignore[arg-type]
    reponse = _deposer(agent, pieces, mode="une", numero=numero84)
    assert reponse.status_code == 422
    assert "Aucune demande que vous puissiez consulter" in reponse.get_data(as_text=True)
    assert file_notee.jobs == []


@pytest.mark.parametrize(
    ("login", "attendu"),
    [
        ("agent13", [200, 200, 200, 200]),
        ("agent13b", [200, 200, 404, 404]),
        ("gestion13", [403, 403, 403, 403]),
        ("consult13", [403, 403, 403, 403]),
        ("liste13", [403, 403, 403, 403]),
    ],
)
def test_permission_matrix(
    ref: Referentiel,
    client_de: Callable[[str], FlaskClient],
    agent: FlaskClient,
    file_notee: FileNotee,
    tmp_path: Path,
    login: str,
    attendu: list[int],
) -> None:
    consultants(ref)
    reponse = _deposer(agent, pdf_valide(tmp_path / "depot.pdf", 2), mode="plusieurs")
    lot_id = reponse.headers["Location"].rsplit("/", 1)[-1]
    client = client_de(login)
    adresses = ["/depots", NOUVEAU, f"/depots/{lot_id}", f"/depots/{lot_id}/etat.json"]
    assert [client.get(a).status_code for a in adresses] == attendu
    if attendu[0] == 200:  # the list shows the guichet's own deposits only
        liste = client.get("/depots").get_data(as_text=True)
        assert (f"/depots/{lot_id}" in liste) == (login == "agent13")


def test_another_territory_gets_not_found(
    uow: Callable[..., object],
    client_de: Callable[[str], FlaskClient],
    agent: FlaskClient,
    file_notee: FileNotee,
    tmp_path: Path,
) -> None:
    reponse = _deposer(agent, pdf_valide(tmp_path / "depot.pdf", 2), mode="plusieurs")
    lot_id = reponse.headers["Location"].rsplit("/", 1)[-1]
    sans_changement(Referentiel(uow, "084"))  # type: ignore[arg-type]
    client = client_de("agent84")
    assert client.get(f"/depots/{lot_id}").status_code == 404
    assert client.get(f"/depots/{lot_id}/etat.json").status_code == 404


def test_posting_without_the_csrf_token_is_refused(agent: FlaskClient, tmp_path: Path) -> None:
    fichier = pdf_valide(tmp_path / "depot.pdf")
    reponse = agent.post(
        NOUVEAU,
        data={"mode": "plusieurs", "fichier": (io.BytesIO(fichier.read_bytes()), "depot.pdf")},
        content_type="multipart/form-data",
    )
    assert reponse.status_code == 400
