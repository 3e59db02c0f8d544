"""Paper sendings in the guichet portal: choose dossiers, declare counts, print, follow the mail."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from sne.models import Envoi, Notification
from sne.uow import utcnow
from tests.factories import Referentiel, document_demande, enregistrer_demande
from tests.web.aide_pieces import consultants, sans_changement
from tests.web.conftest import jeton, texte

PREPARER = "/envois/preparer"


@pytest.fixture
def numeros(ref: Referentiel) -> list[str]:
    consultants(ref)
    return [enregistrer_demande(ref, foyer=i) for i in range(2)]


def _poster(client: FlaskClient, **champs: str) -> tuple[int, str]:
    reponse = client.post(PREPARER, data={"csrf_token": jeton(client, PREPARER), **champs})
    return reponse.status_code, reponse.headers.get("Location") or reponse.get_data(as_text=True)


def _preparer(agent: FlaskClient, numeros: list[str]) -> str:
    for numero in numeros:
        code, _ = _poster(agent, action="ajouter", numero=numero)
        assert code == 200
    comptes = {}
    for numero in numeros:
        comptes[f"documents-{numero}"] = "2"
        comptes[f"pages-{numero}"] = "4"
    code, location = _poster(agent, action="preparer", **comptes)
    assert code == 302, location
    return location.rsplit("/", 1)[-1]


def test_an_agent_prepares_prints_and_follows_a_sending(
    ref: Referentiel, agent: FlaskClient, numeros: list[str]
) -> None:
    # From the demande's page: its button puts it in the selection.
    page = agent.get(f"/demandes/{numeros[0]}").get_data(as_text=True)
    assert 'action="/envois/preparer"' in page
    identifiant = _preparer(agent, numeros)
    assert identifiant.startswith("E013-")
    suivi = agent.get(f"/envois/{identifiant}").get_data(as_text=True)
    assert "Préparé" in suivi and numeros[0] in suivi and numeros[1] in suivi
    assert "Aucun courriel pour l&#39;instant" in suivi
    pdf = agent.get(f"/envois/{identifiant}/impression.pdf")
    assert pdf.mimetype == "application/pdf"
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert len(document.pages) == 3  # the bordereau and two fiches
    liste = agent.get("/envois").get_data(as_text=True)
    assert identifiant in liste and "Préparé" in liste
    # The selection was emptied by the preparation.
    assert "Aucune demande choisie" in agent.get(PREPARER).get_data(as_text=True)


def test_the_notification_mail_is_shown_as_sent(
    ref: Referentiel, agent: FlaskClient, numeros: list[str]
) -> None:
    identifiant = _preparer(agent, numeros)
    with ref.uow() as unit:
        envoi = unit.session.scalar(select(Envoi).where(Envoi.identifiant == identifiant))
        assert envoi is not None
        envoi.statut = "traite"
        unit.session.add(
            Notification(
                envoi_id=envoi.id,
                destinataire="referent@hmp.example.fr",
                sujet=f"Envoi {identifiant} traité : 4 pièces versées",
                corps="Bonjour,\nLes pièces de votre envoi ont été versées aux dossiers.",
                type="envoi",
                statut="envoyee",
                cle=f"lot:1:envoi:{envoi.id}",
                created_at=utcnow(),
                envoyee_le=utcnow(),
            )
        )
        unit.commit()
    suivi = agent.get(f"/envois/{identifiant}").get_data(as_text=True)
    assert f"Envoi {identifiant} traité : 4 pièces versées" in suivi
    assert "Les pièces de votre envoi ont été versées aux dossiers." in suivi
    assert "Envoyé" in suivi and "Traité" in suivi


def test_wrong_counts_are_shown_beside_the_dossier_and_kept(
    agent: FlaskClient, numeros: list[str]
) -> None:
    _poster(agent, action="ajouter", numero=numeros[0])
    code, page = _poster(
        agent, action="preparer", **{f"documents-{numeros[0]}": "3", f"pages-{numeros[0]}": "2"}
    )
    assert code == 422
    assert (
        f'id="documents-{numeros[0]}-erreur"' in page and "la fiche récapitulative comprise" in page
    )
    assert 'value="3"' in page


def test_a_demande_of_another_territory_cannot_be_chosen(
    uow: Callable[..., object], agent: FlaskClient, numeros: list[str]
) -> None:
    autre = Referentiel(uow, "084")  # type: ignore[arg-type]
    numero84 = enregistrer_demande(autre)
    code, page = _poster(agent, action="ajouter", numero=numero84)
    assert code == 422 and numero84 not in page.split('id="numero-erreur"')[1][:20]
    assert "Aucune demande choisie" in page


#: list, prepare (GET), a sending's page, its print.
ATTENDU = {
    "agent13": [200, 200, 200, 200],
    "agent13b": [200, 200, 404, 404],
    "gestion13": [200, 403, 200, 403],
    "consult13": [403, 403, 403, 403],
    "liste13": [403, 403, 403, 403],
}


@pytest.mark.parametrize("login", sorted(ATTENDU))
def test_permission_matrix(
    client_de: Callable[[str], FlaskClient], agent: FlaskClient, numeros: list[str], login: str
) -> None:
    identifiant = _preparer(agent, numeros)
    client = client_de(login)
    adresses = [
        "/envois",
        PREPARER,
        f"/envois/{identifiant}",
        f"/envois/{identifiant}/impression.pdf",
    ]
    assert [client.get(a).status_code for a in adresses] == ATTENDU[login]


def test_another_territory_gets_not_found(
    uow: Callable[..., object],
    client_de: Callable[[str], FlaskClient],
    agent: FlaskClient,
    numeros: list[str],
) -> None:
    identifiant = _preparer(agent, numeros)
    autre = Referentiel(uow, "084")  # type: ignore[arg-type]
    sans_changement(autre)
    for login in ("agent84", "gestion84"):
        client = client_de(login)
        assert client.get(f"/envois/{identifiant}").status_code == 404
        assert identifiant not in client.get("/envois").get_data(as_text=True)


def test_posting_without_the_csrf_token_is_refused(agent: FlaskClient, numeros: list[str]) -> None:
    reponse = agent.post(PREPARER, data={"action": "ajouter", "numero": numeros[0]})
    assert reponse.status_code == 400


def test_search_results_offer_each_active_demande_for_a_sending(
    agent: FlaskClient, numeros: list[str], client_de: Callable[[str], FlaskClient]
) -> None:
    demandeur = document_demande(foyer=1)["personnes"][0]
    recherche = {"nom": demandeur["nom_naissance"], "date_naissance": demandeur["date_naissance"]}
    page = texte(agent.get("/recherche", query_string=recherche))
    assert 'Ajouter à l\'envoi<span class="fr-sr-only"> la demande ' + numeros[1] in page
    code, selection = _poster(agent, action="ajouter", numero=numeros[1])
    assert code == 200 and numeros[1] in selection
    consultant = client_de("standard13")
    assert "Ajouter à l'envoi" not in texte(consultant.get("/recherche", query_string=recherche))
