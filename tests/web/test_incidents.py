"""Incident reports: agents file and follow their guichet's, operators answer and close, the référent is mailed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sne.models import Envoi, Historique, Incident, Notification
from sne.services import demandes
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import FileEnregistree, Referentiel, document_demande
from tests.web.conftest import jeton, texte
from tests.web.console_outils import creer_operateur, lot


@pytest.fixture
def file_jobs() -> FileEnregistree:
    return FileEnregistree()


@pytest.fixture
def app(fabrique: Callable[..., Flask], ref: Referentiel, file_jobs: FileEnregistree) -> Flask:
    creer_operateur(ref, "operateur13", "013")
    application = fabrique()
    application.extensions["sne.queue"] = file_jobs
    return application


@pytest.fixture
def operateur(client_de: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_de("operateur13")


def _signaler(client: FlaskClient, **champs: str) -> object:
    donnees = {"nature": "pieces_non_traitees", "description": "Deux dossiers manquent.", **champs}
    return client.post(
        "/incidents/nouveau", data={"csrf_token": jeton(client, "/incidents/nouveau"), **donnees}
    )


def _incidents(ref: Referentiel) -> list[tuple[int, str, int | None, str | None]]:
    with ref.uow() as unit:
        return [
            (i.id, i.statut, i.lot_id, i.reponse)
            for i in unit.session.scalars(select(Incident).order_by(Incident.id))
        ]


@pytest.mark.parametrize(
    ("login", "agent_pages", "console_pages"),
    [
        ("agent13", 200, 403),
        ("operateur13", 403, 200),
        ("gestion13", 403, 403),
        ("consult13", 403, 403),
    ],
)
def test_who_reaches_which_side(
    client_de: Callable[[str], FlaskClient], login: str, agent_pages: int, console_pages: int
) -> None:
    client = client_de(login)
    for route in ("/incidents/", "/incidents/nouveau"):
        assert client.get(route).status_code == agent_pages, route
    assert client.get("/console/incidents").status_code == console_pages


def test_an_agent_files_a_report_about_a_lot_of_the_guichet_and_follows_it(
    agent: FlaskClient, ref: Referentiel
) -> None:
    from sne.models import Guichet

    with ref.uow() as unit:
        guichet = unit.session.scalar(select(Guichet.id).where(Guichet.code == ref.guichet))
    lot_id = lot(ref, echeance=JOUR, guichet_id=guichet)
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    reponse = _signaler(agent, lot=str(lot_id), numero=numero)
    [(ident, statut, lie, _)] = _incidents(ref)
    assert reponse.headers["Location"] == f"/incidents/{ident}"  # type: ignore[attr-defined]
    assert (statut, lie) == ("ouvert", lot_id)
    page = texte(agent.get(f"/incidents/{ident}"))
    assert "Pièces envoyées non traitées" in page and f"lot n° {lot_id}" in page
    assert f"demande {numero}" in page and "n'a pas encore répondu" in page
    assert f"Incident n° {ident}" in texte(agent.get("/incidents/"))
    with ref.uow() as unit:
        assert (
            unit.session.scalar(select(Historique.action).where(Historique.entite == "incident"))
            == "signalement"
        )


def test_a_report_names_only_what_the_guichet_may_reach(
    agent: FlaskClient, client_de: Callable[[str], FlaskClient], ref: Referentiel
) -> None:
    autre_lot = lot(ref, echeance=JOUR)  # no guichet: applicants' mail
    page = texte(
        _signaler(
            agent, lot=str(autre_lot), envoi="E013-ZZZZ", numero="0130326999999G1301", nature=""
        )
    )
    assert f"aucun lot n° {autre_lot} de votre guichet" in page
    assert "aucun envoi E013-ZZZZ de votre guichet" in page
    assert "aucune demande 0130326999999G1301 dans votre territoire" in page
    assert "choisissez la nature de l'incident" in page
    assert 'aria-invalid="true"' in page
    assert "écrivez le numéro en chiffres" in texte(_signaler(agent, lot="abc"))
    assert _incidents(ref) == []
    # The other guichet of the territory does not see this guichet's reports.
    _signaler(agent)
    [(ident, *_)] = _incidents(ref)
    voisin = client_de("agent13b")
    assert voisin.get(f"/incidents/{ident}").status_code == 404
    assert f"Incident n° {ident}" not in texte(voisin.get("/incidents/"))


def test_the_operator_answers_the_referent_is_mailed_after_commit_then_closes(
    agent: FlaskClient, operateur: FlaskClient, ref: Referentiel, file_jobs: FileEnregistree
) -> None:
    _signaler(agent, nature="notification_non_recue", description="Pas de courriel reçu.")
    [(ident, *_)] = _incidents(ref)
    assert f"Incident n° {ident}" in texte(operateur.get("/console/incidents"))
    token = jeton(operateur, f"/console/incidents/{ident}")
    vide = operateur.post(f"/console/incidents/{ident}", data={"csrf_token": token, "reponse": ""})
    assert "écrivez la réponse au guichet" in texte(vide) and file_jobs.jobs == []
    operateur.post(
        f"/console/incidents/{ident}",
        data={"csrf_token": token, "reponse": "Courriel renvoyé ce jour.", "action": "repondre"},
    )
    with ref.uow() as unit:
        [notification] = unit.session.scalars(select(Notification)).all()
        assert notification.destinataire == "referent@hmp.example.fr"
        assert notification.type == "incident_reponse"
        assert "Courriel renvoyé ce jour." in notification.corps
        assert "Pas de courriel reçu." in notification.corps
        envoyee = notification.id
    assert file_jobs.jobs == [("envoyer_notification", {"notification_id": envoyee})]
    assert _incidents(ref) == [(ident, "repondu", None, "Courriel renvoyé ce jour.")]
    page = texte(agent.get(f"/incidents/{ident}"))
    assert "Courriel renvoyé ce jour." in page and "Répondu" in page
    operateur.post(f"/console/incidents/{ident}/clore", data={"csrf_token": token})
    assert _incidents(ref)[0][1] == "clos"
    page = texte(operateur.get(f"/console/incidents/{ident}"))
    assert "Répondre au guichet" not in page


def test_every_answer_stays_on_the_report_page(
    agent: FlaskClient, operateur: FlaskClient, ref: Referentiel
) -> None:
    _signaler(agent, nature="notification_non_recue", description="Pas de courriel reçu.")
    [(ident, *_)] = _incidents(ref)
    token = jeton(operateur, f"/console/incidents/{ident}")
    for reponse in ("Nous regardons.", "Courriel renvoyé ce jour."):
        operateur.post(
            f"/console/incidents/{ident}",
            data={"csrf_token": token, "reponse": reponse, "action": "repondre"},
        )
    for page in (
        texte(agent.get(f"/incidents/{ident}")),
        texte(operateur.get(f"/console/incidents/{ident}")),
    ):
        assert "Réponses du service de numérisation" in page
        premiere, seconde = page.index("Nous regardons."), page.index("Courriel renvoyé ce jour.")
        assert premiere < seconde


def test_operators_of_another_territory_do_not_see_the_report(
    agent: FlaskClient, client_de: Callable[[str], FlaskClient], ref: Referentiel
) -> None:
    Referentiel(ref.uow, "084")
    creer_operateur(ref, "operateur84", "084")
    _signaler(agent)
    [(ident, *_)] = _incidents(ref)
    ailleurs = client_de("operateur84")
    assert ailleurs.get(f"/console/incidents/{ident}").status_code == 404
    assert f"Incident n° {ident}" not in texte(ailleurs.get("/console/incidents"))
    token = jeton(ailleurs, "/console/incidents")
    reponse = ailleurs.post(
        f"/console/incidents/{ident}", data={"csrf_token": token, "reponse": "x"}
    )
    assert reponse.status_code == 404
    assert (
        ailleurs.post(f"/console/incidents/{ident}/clore", data={"csrf_token": token}).status_code
        == 404
    )
    assert _incidents(ref)[0][1] == "ouvert"


def test_posting_without_the_token_records_nothing(agent: FlaskClient, ref: Referentiel) -> None:
    reponse = agent.post("/incidents/nouveau", data={"nature": "autre", "description": "x"})
    assert reponse.status_code == 400
    assert _incidents(ref) == []


def test_an_envoi_of_the_guichet_can_be_named(agent: FlaskClient, ref: Referentiel) -> None:
    from sne.models import Guichet

    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    with ref.uow() as unit:
        guichet = unit.session.scalar(select(Guichet).where(Guichet.code == ref.guichet))
        assert guichet is not None and numero
        unit.session.add(
            Envoi(
                identifiant="E013-00001",
                territoire_code="013",
                guichet_id=guichet.id,
                date_transmission=JOUR,
                nb_dossiers=1,
                nb_pages=3,
                statut="prepare",
                created_at=utcnow(),
            )
        )
        unit.commit()
    _signaler(agent, envoi="e013-00001")
    page = texte(agent.get(f"/incidents/{_incidents(ref)[0][0]}"))
    assert "envoi E013-00001" in page
