"""Public portal: an applicant sends pieces for the linked demande (checked, queued, mailed).

Refused at intake (not a PDF, JPEG or PNG; a PDF protected by a password):
the page says why for each file, and NOTHING of it is recorded or stored (no
lot, no file). Accepted files become ``portail_demandeur`` lots processed by
the job (here at once, in process), which brings them under 2 MB and mails the
result, a refusal after the recompression ladder included.
"""

from __future__ import annotations

import html
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import img2pdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from sne.errors import NotFound
from sne.models import CompteDemandeur, Lot, Piece
from sne.services import demandes, pieces_demandeur
from sne.stockage import local_store
from synth.pieces import rendre_piece
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.scans import scan_pdf
from tests.web.aide_pieces import pdf_chiffre, poster_fichiers
from tests.web.conftest import jeton
from tests.web.public_outils import client_lie, texte


@pytest.fixture
def collecte(smtp_public: tuple[int, Any]) -> Any:
    return smtp_public[1]


@pytest.fixture
def numero(ref: Referentiel) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero


@pytest.fixture
def autre(ref: Referentiel) -> str:
    """Another household's demande, which the test account is not linked to."""
    document = document_demande(foyer=1, email="autre.foyer@example.fr")
    return demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero


@pytest.fixture
def claire(fabrique_public: Callable[..., Flask], collecte: Any, numero: str) -> FlaskClient:
    """Claire's account, linked to her demande ``numero``."""
    return client_lie(fabrique_public(), collecte, numero)


def envoyer(
    client: FlaskClient,
    numero: str,
    fichiers: list[tuple[Path, str]],
    extra: dict[str, object] | None = None,
) -> tuple[int, str]:
    """Post the sending form of ``numero`` with its CSRF token, as the page would."""
    adresse = f"/demandes/{numero}/pieces"
    data: dict[str, object] = {"csrf_token": jeton(client, adresse), **(extra or {})}
    for rang, (chemin, type_piece) in enumerate(fichiers, start=1):
        data[f"fichier-{rang}"] = (io.BytesIO(chemin.read_bytes()), chemin.name)
        data[f"type-{rang}"] = type_piece
    reponse = poster_fichiers(client, adresse, data)
    return reponse.status_code, texte_page(reponse)


def texte_page(reponse: Any) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(reponse.get_data(as_text=True))


def lots_et_pieces(ref: Referentiel) -> tuple[list[Lot], list[Piece]]:
    with ref.uow() as unit:
        lots = list(unit.session.scalars(select(Lot).order_by(Lot.id)))
        pieces = list(unit.session.scalars(select(Piece).order_by(Piece.id)))
        for objet in (*lots, *pieces):
            unit.session.expunge(objet)
    return lots, pieces


def pdf_bruite(path: Path, pages: int = 12) -> Path:
    """A readable first page followed by pages of noise: over 2 MB at every rung of the ladder."""
    rng = random.Random(1)
    tampon = io.BytesIO()
    rendre_piece("bail", 150, 0)[0].save(tampon, "JPEG", quality=90, dpi=(150, 150))
    images = [tampon.getvalue()]
    bruit = Image.frombytes("L", (1240, 1754), rng.randbytes(1240 * 1754))
    tampon = io.BytesIO()
    bruit.save(tampon, "JPEG", quality=75, dpi=(150, 150))
    images += [tampon.getvalue()] * pages
    path.write_bytes(img2pdf.convert(images, nodate=True))
    return path


def test_the_demande_page_leads_to_the_form_which_explains_the_paper_route(
    claire: FlaskClient, numero: str
) -> None:
    assert f"/demandes/{numero}/pieces" in claire.get(f"/demandes/{numero}").get_data(as_text=True)
    reponse = claire.get(f"/demandes/{numero}/pieces")
    page = texte_page(reponse)
    assert reponse.status_code == 200
    assert page.count('type="file"') == 5
    assert "Fiche de paie (bulletin de salaire)" in page  # the plan de classement in plain words
    assert "page 1 de votre attestation" in page and "77214 AVON CEDEX" in page
    assert 'data-progression="progression-envoi"' in page and "envoi_fichiers.js" in page


def test_another_demande_is_not_found_whatever_the_url_or_the_form(
    ref: Referentiel, claire: FlaskClient, numero: str, autre: str, tmp_path: Path
) -> None:
    assert claire.get(f"/demandes/{autre}/pieces").status_code == 404
    pdf = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=150)
    jeton_propre = jeton(claire, f"/demandes/{numero}/pieces")
    reponse = poster_fichiers(
        claire,
        f"/demandes/{autre}/pieces",
        {
            "csrf_token": jeton_propre,
            "fichier-1": (io.BytesIO(pdf.read_bytes()), "bail.pdf"),
            "type-1": "bail",
        },
    )
    assert reponse.status_code == 404
    assert lots_et_pieces(ref)[0] == []
    # A numéro slipped into the form changes nothing: the piece goes to the URL's demande.
    code, _ = envoyer(claire, numero, [(pdf, "bail")], {"numero": autre})
    assert code == 200
    [lot] = lots_et_pieces(ref)[0]
    assert lot.numero == numero
    # Signed out: the sign-in page, nothing more.
    anonyme = claire.application.test_client()
    assert anonyme.get(f"/demandes/{numero}/pieces").status_code == 302


def test_a_post_without_its_csrf_token_is_refused(
    ref: Referentiel, claire: FlaskClient, numero: str, tmp_path: Path
) -> None:
    pdf = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=150)
    reponse = poster_fichiers(
        claire,
        f"/demandes/{numero}/pieces",
        {"fichier-1": (io.BytesIO(pdf.read_bytes()), "bail.pdf"), "type-1": "bail"},
    )
    assert reponse.status_code == 400
    assert lots_et_pieces(ref)[0] == []


def test_a_valid_pdf_is_queued_attached_and_the_result_mailed(
    ref: Referentiel, claire: FlaskClient, numero: str, collecte: Any, tmp_path: Path
) -> None:
    pdf = scan_pdf(tmp_path / "mon-bail.pdf", ["bail"], dpi=150)
    avant = len(collecte.messages)
    code, page = envoyer(claire, numero, [(pdf, "bail")])
    assert code == 200, page
    assert "Fichier reçu" in page and "par e-mail" in page
    [lot], [piece] = lots_et_pieces(ref)
    assert (lot.canal, lot.numero, lot.type_declare) == ("portail_demandeur", numero, "bail")
    assert lot.mis_en_file_le is not None and lot.statut == "traite"
    assert piece.canal == "portail_demandeur" and piece.statut != "rejetee"
    [mail] = collecte.messages[avant:]
    assert mail["To"] == "claire.nguyen@example.fr"
    assert "mon-bail.pdf" in texte(mail) and "Pièces téléversées" in texte(mail)


def test_a_file_without_its_type_is_asked_again(
    ref: Referentiel, claire: FlaskClient, numero: str, tmp_path: Path
) -> None:
    pdf = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=150)
    code, page = envoyer(claire, numero, [(pdf, "")])
    assert code == 422 and 'id="type-1-erreur"' in page and "choisissez ce qu" in page
    code, page = envoyer(claire, numero, [])
    assert code == 422 and 'id="fichier-1-erreur"' in page
    assert lots_et_pieces(ref)[0] == []


def test_bad_files_are_refused_in_french_and_nothing_of_them_is_kept(
    ref: Referentiel, claire: FlaskClient, numero: str, tmp_path: Path, tmp_var: Path
) -> None:
    faux = tmp_path / "releve.pdf"
    faux.write_text("ceci n'est pas un PDF", encoding="utf-8")
    bon = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=150)
    fichiers = [
        (faux, "avis_imposition"),
        (pdf_chiffre(tmp_path / "protege.pdf"), "bulletin_salaire"),
        (bon, "bail"),
    ]
    code, page = envoyer(claire, numero, fichiers)
    assert code == 200  # one of the three is taken
    assert "releve.pdf" in page and "ni un PDF, ni une image JPEG, ni une image PNG" in page
    assert "protege.pdf" in page and "protégé par un mot de passe" in page
    assert "Enregistrez-le sans mot de passe" in page
    [lot], _ = lots_et_pieces(ref)
    assert lot.nom_fichier == "bail.pdf"
    assert len(list((tmp_var / "storage" / "lots").rglob("*.*"))) == 1  # the accepted one only
    # Nothing taken: the page answers 422.
    code, _ = envoyer(claire, numero, fichiers[:2])
    assert code == 422


def test_a_heavy_scan_the_ladder_brings_under_2_mb_is_accepted(
    ref: Referentiel, claire: FlaskClient, numero: str, collecte: Any, tmp_path: Path
) -> None:
    lourd = scan_pdf(tmp_path / "bail-300dpi.pdf", ["bail"], dpi=300, qualite=95)
    assert lourd.stat().st_size > 2_000_000
    avant = len(collecte.messages)
    code, page = envoyer(claire, numero, [(lourd, "bail")])
    assert code == 200 and "Fichier reçu" in page
    _, [piece] = lots_et_pieces(ref)
    assert piece.statut != "rejetee" and piece.taille <= 2_000_000
    assert piece.taille_originale is not None and piece.taille_originale > 2_000_000
    assert "Pièces téléversées" in texte(collecte.messages[-1]) and len(collecte.messages) > avant


def test_a_file_still_too_heavy_after_the_ladder_is_refused_by_mail(
    ref: Referentiel, claire: FlaskClient, numero: str, collecte: Any, tmp_path: Path
) -> None:
    lourd = pdf_bruite(tmp_path / "scan-bruite.pdf")
    code, page = envoyer(claire, numero, [(lourd, "bail")])
    assert code == 200 and "Fichier reçu" in page
    _, [piece] = lots_et_pieces(ref)
    assert piece.statut == "rejetee" and piece.storage_key is None
    assert piece.motif_rejet is not None and "dépasse la limite de 2,0 Mo" in piece.motif_rejet
    courrier = texte(collecte.messages[-1])
    assert "Pièces rejetées" in courrier and "dépasse la limite de 2,0 Mo" in courrier
    assert "rejet" in texte_page(claire.get(f"/demandes/{numero}")).lower()


def test_a_radiated_demande_takes_no_piece(
    ref: Referentiel, claire: FlaskClient, numero: str, tmp_path: Path
) -> None:
    claire.post(
        f"/demandes/{numero}/renoncer",
        data={"confirmation": "oui", "csrf_token": jeton(claire, f"/demandes/{numero}/renoncer")},
    )
    reponse = claire.get(f"/demandes/{numero}/pieces")
    assert reponse.status_code == 200 and "aucune pièce ne peut plus" in texte_page(reponse)
    code, page = envoyer(
        claire, numero, [(scan_pdf(tmp_path / "b.pdf", ["bail"], dpi=150), "bail")]
    )
    assert code == 422 and "radiée" in page
    assert lots_et_pieces(ref)[0] == []


def test_the_service_itself_checks_the_link_and_the_number_of_files(
    ref: Referentiel, claire: FlaskClient, numero: str, autre: str, tmp_path: Path, tmp_var: Path
) -> None:
    """Whatever view calls it, the service refuses another demande (404) and a sixth file."""
    with ref.uow() as unit:
        compte_id = unit.session.scalars(
            select(CompteDemandeur.id).where(CompteDemandeur.email == "lea@example.fr")
        ).one()
    pdf = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=150)
    fichier = pieces_demandeur.FichierEnvoye(pdf, "bail.pdf", "bail")
    deposes: list[int] = []
    store = local_store(tmp_var / "storage")
    with pytest.raises(NotFound):
        pieces_demandeur.envoyer(ref.uow(), compte_id, autre, [fichier], store, deposes.append)
    with pytest.raises(pieces_demandeur.EnvoiInvalide):
        pieces_demandeur.envoyer(ref.uow(), compte_id, numero, [fichier] * 6, store, deposes.append)
    assert deposes == [] and lots_et_pieces(ref)[0] == []
    [resultat] = pieces_demandeur.envoyer(
        ref.uow(), compte_id, numero, [fichier], store, deposes.append
    )
    assert resultat.accepte and deposes == [resultat.lot_id]
