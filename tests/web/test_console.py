"""The digitisation console: who reaches it, intake streamed to the store, queue, board, mails, jobs."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from sne.models import Envoi, Guichet, Lot, Notification
from sne.services import demandes
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import FileEnregistree, Referentiel, document_demande, pdf_valide
from tests.web.conftest import connecter, jeton, texte
from tests.web.console_outils import creer_operateur, lot
from workers.redis_queue import RUNNER

ROUTES_GET = [
    "/console/",
    "/console/depot",
    "/console/echeances",
    "/console/travaux",
    "/console/incidents",
]


@pytest.fixture
def file_jobs() -> FileEnregistree:
    return FileEnregistree()


@pytest.fixture
def app(fabrique: Callable[..., Flask], ref: Referentiel, file_jobs: FileEnregistree) -> Flask:
    creer_operateur(ref, "operateur13", "013")
    creer_operateur(ref, "operateur.national", None)
    application = fabrique()
    application.extensions["sne.queue"] = file_jobs
    return application


@pytest.fixture
def operateur(client_de: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_de("operateur13")


def _deposer(client: FlaskClient, fichier: Path, **champs: str) -> Any:
    """Post the deposit form with ``fichier``, as a browser does (multipart)."""
    token = jeton(client, "/console/depot")
    with fichier.open("rb") as contenu:
        # Encoded here in memory: werkzeug's builder would spool a large body to a temporary
        # file it never closes.
        champs = {
            "csrf_token": token,
            "canal": "courrier_guichet",
            "recu_le": JOUR.isoformat(),
            **champs,
        }
        limite, corps = encode_multipart(
            MultiDict([*champs.items(), ("fichier", FileStorage(contenu, fichier.name))])
        )
    return client.post(
        "/console/depot", data=corps, content_type=f"multipart/form-data; boundary={limite}"
    )


def _lots(ref: Referentiel) -> list[SimpleNamespace]:
    """The lots recorded, as plain values read inside the transaction."""
    with ref.uow() as unit:
        return [
            SimpleNamespace(**{c.key: getattr(lot, c.key) for c in Lot.__table__.columns})
            for lot in unit.session.scalars(select(Lot).order_by(Lot.id))
        ]


# --------------------------------------------------------------------------- who


@pytest.mark.parametrize("login", ["agent13", "gestion13", "consult13"])
def test_only_operators_reach_the_console(
    client_de: Callable[[str], FlaskClient], login: str
) -> None:
    client = client_de(login)
    for route in ROUTES_GET:
        assert client.get(route).status_code == 403, route
    token = jeton(client, "/recherche")
    for route in ("/console/lots/1/relancer", "/console/notifications/1/renvoyer"):
        assert client.post(route, data={"csrf_token": token}).status_code == 403, route


def test_an_operator_lands_on_the_console_after_signing_in(operateur: FlaskClient) -> None:
    reponse = operateur.get("/")
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/console/"


def test_an_operator_sees_every_console_page_and_never_edits_a_demande(
    operateur: FlaskClient,
) -> None:
    for route in ROUTES_GET:
        reponse = operateur.get(route)
        assert reponse.status_code == 200, route
        assert "Console de numérisation" in texte(reponse)
    for route in ("/recherche", "/saisie", "/incidents/", "/incidents/nouveau"):
        assert operateur.get(route).status_code in (403, 404), route


def test_every_post_of_the_console_asks_for_the_csrf_token(
    operateur: FlaskClient, ref: Referentiel, tmp_path: Path
) -> None:
    fichier = pdf_valide(tmp_path / "lot.pdf")
    with fichier.open("rb") as contenu:
        reponse = operateur.post(
            "/console/depot",
            data={"canal": "courrier_guichet", "recu_le": JOUR.isoformat(), "fichier": contenu},
            content_type="multipart/form-data",
        )
    assert reponse.status_code == 400 and "Formulaire expiré" in texte(reponse)
    identifiant = lot(ref, statut="erreur", echeance=JOUR)
    assert operateur.post(f"/console/lots/{identifiant}/relancer").status_code == 400
    assert _lots(ref)[-1].statut == "erreur" and len(_lots(ref)) == 1


# --------------------------------------------------------------------------- intake


def test_a_deposit_is_stored_recorded_queued_and_a_second_one_recognised(
    operateur: FlaskClient,
    ref: Referentiel,
    file_jobs: FileEnregistree,
    tmp_var: Path,
    tmp_path: Path,
) -> None:
    fichier = pdf_valide(tmp_path / "courrier du jour.pdf", pages=3)
    reponse = _deposer(operateur, fichier)
    assert reponse.status_code == 302
    [premier] = _lots(ref)
    assert (premier.canal, premier.territoire_code, premier.statut) == (
        "courrier_guichet",
        "013",
        "recu",
    )
    assert premier.nom_fichier == "courrier_du_jour.pdf"
    assert file_jobs.jobs == [("traiter_lot", {"lot_id": premier.id})]
    stocke = tmp_var / "storage" / premier.storage_key
    assert stocke.read_bytes() == fichier.read_bytes()
    page = texte(operateur.get("/console/"))
    assert f"Lot n° {premier.id} reçu" in page
    assert f'href="/console/lots/{premier.id}"' in page
    # The same file again: recorded as a duplicate, said, not processed twice.
    reponse = _deposer(operateur, fichier)
    page = texte(operateur.get("/console/"))
    assert f"Ce fichier a déjà été déposé (lot n° {premier.id})" in page
    assert [lot.doublon_de_id for lot in _lots(ref)] == [None, premier.id]
    assert len(file_jobs.jobs) == 1
    assert list((tmp_var / "televersements").iterdir()) == []


def test_a_big_batch_beyond_the_portal_limit_is_stored_intact(
    operateur: FlaskClient, ref: Referentiel, tmp_var: Path, tmp_path: Path
) -> None:
    fichier = tmp_path / "gros.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        # 20 MB of incompressible bytes kept in the file (the portal's own limit is 2 MB).
        pdf.Root.Charge = pdf.make_stream(os.urandom(20_000_000))
        pdf.save(fichier)
    reponse = _deposer(operateur, fichier)
    assert reponse.status_code == 302, texte(reponse)
    [recu] = _lots(ref)
    stocke = tmp_var / "storage" / recu.storage_key
    empreinte = hashlib.sha256(fichier.read_bytes()).hexdigest()
    assert recu.sha256 == empreinte == hashlib.sha256(stocke.read_bytes()).hexdigest()
    assert recu.taille == fichier.stat().st_size > 20_000_000


def test_the_limit_refuses_in_french_and_keeps_nothing(
    app: Flask, operateur: FlaskClient, ref: Referentiel, tmp_var: Path, tmp_path: Path
) -> None:
    reglages = app.extensions["sne.settings"]
    app.extensions["sne.settings"] = dataclasses.replace(reglages, console_max_octets=1_000_000)
    fichier = tmp_path / "trop.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.Charge = pdf.make_stream(os.urandom(1_500_000))
        pdf.save(fichier)
    reponse = _deposer(operateur, fichier)
    assert reponse.status_code == 413
    page = texte(reponse)
    assert "dépasse la taille maximale d'un lot déposé ici (1 Mo)" in page
    assert "rien n'a été enregistré" in page
    assert _lots(ref) == []
    assert not (tmp_var / "storage" / "lots").exists()
    assert not any((tmp_var / "televersements").glob("**/*"))


def test_intake_refusals_name_their_field_and_keep_nothing(
    operateur: FlaskClient, ref: Referentiel, tmp_path: Path
) -> None:
    fichier = pdf_valide(tmp_path / "lot.pdf")
    futur = (JOUR + timedelta(days=1)).isoformat()
    page = texte(_deposer(operateur, fichier, recu_le=futur, canal="depot_professionnel"))
    assert "la date de réception ne peut pas être dans le futur" in page
    assert "choisissez le canal de réception du courrier" in page
    texte_seul = tmp_path / "note.pdf"
    texte_seul.write_bytes(b"ceci n'est pas un PDF")
    page = texte(_deposer(operateur, texte_seul))
    assert "Le fichier note.pdf est refusé" in page
    assert _lots(ref) == []


def test_a_national_operator_chooses_the_territory(
    client_de: Callable[[str], FlaskClient], ref: Referentiel, tmp_path: Path
) -> None:
    national = client_de("operateur.national")
    fichier = pdf_valide(tmp_path / "lot.pdf")
    assert "choisissez le territoire du courrier" in texte(_deposer(national, fichier))
    _deposer(national, fichier, territoire="013")
    assert [lot.territoire_code for lot in _lots(ref)] == ["013"]


# --------------------------------------------------------------------------- queue


def test_the_queue_filters_by_due_date_and_status(operateur: FlaskClient, ref: Referentiel) -> None:
    hier = JOUR - timedelta(days=1)
    aujourdhui = lot(ref, echeance=JOUR, nom="aujourdhui.pdf")
    retard = lot(ref, statut="en_cours", echeance=hier, nom="retard.pdf")
    revoir = lot(ref, statut="a_revoir", echeance=hier, nom="revoir.pdf", traite_le=utcnow())
    erreur = lot(ref, statut="erreur", echeance=JOUR + timedelta(days=2), nom="erreur.pdf")

    def liste(filtre: str | None) -> set[int]:
        page = texte(operateur.get("/console/", query_string={"filtre": filtre} if filtre else {}))
        return {i for i in (aujourdhui, retard, revoir, erreur) if f'/console/lots/{i}"' in page}

    assert liste(None) == {aujourdhui, retard, revoir, erreur}
    assert liste("aujourdhui") == {aujourdhui}
    assert liste("en_retard") == {retard, revoir}
    assert liste("a_revoir") == {revoir}
    assert liste("erreur") == {erreur}
    assert operateur.get("/console/?filtre=nimporte").status_code == 404
    page = texte(operateur.get("/console/"))
    assert "en retard" in page and "40 %" in page and "4/10 pages" in page


def test_a_failed_lot_is_re_run_or_closed_with_a_reason(
    operateur: FlaskClient, ref: Referentiel, file_jobs: FileEnregistree
) -> None:
    echoue = lot(ref, statut="erreur", echeance=JOUR)
    token = jeton(operateur, "/console/")
    operateur.post(f"/console/lots/{echoue}/relancer", data={"csrf_token": token})
    assert _lots(ref)[0].statut == "recu"
    assert file_jobs.jobs == [("traiter_lot", {"lot_id": echoue})]
    bloque = lot(ref, statut="erreur", echeance=JOUR, nom="bloque.pdf")
    assert "Clore le lot n° " + str(bloque) in texte(operateur.get(f"/console/lots/{bloque}/clore"))
    sans = operateur.post(f"/console/lots/{bloque}/clore", data={"csrf_token": token, "motif": " "})
    assert "précisez pourquoi le lot ne sera pas traité" in texte(sans)
    operateur.post(
        f"/console/lots/{bloque}/clore", data={"csrf_token": token, "motif": "Fichier vide"}
    )
    assert (_lots(ref)[1].statut, _lots(ref)[1].motif_cloture) == ("clos", "Fichier vide")


def test_another_territorys_lots_are_not_found(
    operateur: FlaskClient,
    client_de: Callable[[str], FlaskClient],
    ref: Referentiel,
    file_jobs: FileEnregistree,
) -> None:
    Referentiel(ref.uow, "084")
    ailleurs = lot(ref, statut="erreur", echeance=JOUR, territoire="084", nom="vaucluse.pdf")
    assert f"/console/lots/{ailleurs}" not in texte(operateur.get("/console/"))
    token = jeton(operateur, "/console/")
    for reponse in (
        operateur.get(f"/console/lots/{ailleurs}/notifications"),
        operateur.get(f"/console/lots/{ailleurs}/clore"),
        operateur.post(f"/console/lots/{ailleurs}/relancer", data={"csrf_token": token}),
        operateur.post(f"/console/lots/{ailleurs}/clore", data={"csrf_token": token, "motif": "x"}),
    ):
        assert reponse.status_code == 404
    assert _lots(ref)[0].statut == "erreur" and file_jobs.jobs == []
    national = client_de("operateur.national")
    assert f'/console/lots/{ailleurs}"' in texte(national.get("/console/"))


# --------------------------------------------------------------------------- board


def test_the_deadlines_board_counts_by_guichet_and_channel(
    operateur: FlaskClient, ref: Referentiel
) -> None:
    with ref.uow() as unit:
        guichet = unit.session.scalar(select(Guichet.id).where(Guichet.code == ref.guichet))
    hier = JOUR - timedelta(days=1)
    lot(ref, echeance=JOUR, guichet_id=guichet, nom="a.pdf")
    lot(ref, echeance=hier, guichet_id=guichet, nom="b.pdf")
    lot(
        ref,
        statut="traite",
        echeance=JOUR,
        guichet_id=guichet,
        nom="c.pdf",
        traite_le=utcnow().replace(year=2026, month=3, day=13),
    )
    lot(
        ref,
        statut="traite",
        echeance=hier,
        guichet_id=guichet,
        nom="d.pdf",
        traite_le=utcnow().replace(year=2026, month=3, day=16),
    )
    lot(ref, echeance=hier, canal="courrier_demandeur", nom="e.pdf")
    page = texte(operateur.get("/console/echeances"))
    ligne = page.split(ref.guichet, 1)[1].split("</tr>", 1)[0]
    cellules = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in ligne.split("<td")[1:]]
    assert cellules[:4] == ["courrier d'un guichet", "1", "1", "2"]
    assert cellules[4].startswith("1 (50 %)")
    assert "courrier des demandeurs" in page
    assert "Semaine du 16/03/2026" not in page and "16/03/2026" in page


# --------------------------------------------------------------------------- mails and jobs


def test_the_notification_log_of_a_lot_and_resending(
    operateur: FlaskClient, ref: Referentiel, file_jobs: FileEnregistree
) -> None:
    traite = lot(ref, statut="traite", echeance=JOUR, traite_le=utcnow())
    with ref.uow() as unit:
        notification = Notification(
            lot_id=traite,
            destinataire="referent@hmp.example.fr",
            sujet="Pièces numérisées : votre courrier a été traité",
            corps="Bonjour,\n\nLigne du courriel.",
            type="envoi_traite",
            statut="envoyee",
            tentatives=1,
            cle=f"lot:{traite}:envoi:-",
            created_at=utcnow(),
            envoyee_le=utcnow(),
        )
        unit.session.add(notification)
        unit.commit()
        ident = notification.id
    page = texte(operateur.get(f"/console/lots/{traite}/notifications"))
    assert "referent@hmp.example.fr" in page and "Ligne du courriel." in page and "envoyée" in page
    reponse = operateur.post(
        f"/console/notifications/{ident}/renvoyer",
        data={
            "csrf_token": jeton(operateur, "/console/"),
            "retour": f"/console/lots/{traite}/notifications",
        },
    )
    assert reponse.headers["Location"] == f"/console/lots/{traite}/notifications"
    assert file_jobs.jobs == [("envoyer_notification", {"notification_id": ident})]
    with ref.uow() as unit:
        assert unit.session.get(Notification, ident).statut == "a_envoyer"  # type: ignore[union-attr]


@pytest.mark.redis
def test_failed_jobs_are_listed_with_their_reason_and_retried(
    fabrique: Callable[..., Flask], ref: Referentiel, redis_url: str, tmp_path: Path
) -> None:
    connexion = redis.Redis.from_url(redis_url)
    connexion.flushdb()
    Queue("mails", connection=connexion, serializer=JSONSerializer).enqueue(
        RUNNER, args=("envoyer_notification", {"notification_id": 424242})
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "REDIS_URL": redis_url,
        "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/injoignable",
        "SNE_VAR_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "sne.cli", "worker", "--burst", "--queue", "mails"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    creer_operateur(ref, "operateur13", "013")
    client = fabrique(redis_url=redis_url).test_client()
    connecter(client, "operateur13")
    page = texte(client.get("/console/travaux"))
    assert "envoyer_notification" in page and "notification_id = 424242" in page
    assert "OperationalError" in page
    [job_id] = [
        ligne.split("/console/travaux/")[1].split("/")[0]
        for ligne in page.splitlines()
        if "/console/travaux/" in ligne and "relancer" in ligne
    ]
    client.post(
        f"/console/travaux/{job_id}/relancer",
        data={"csrf_token": jeton(client, "/console/travaux")},
    )
    assert "Aucun travail en échec." in texte(client.get("/console/travaux"))
    assert Queue("mails", connection=connexion, serializer=JSONSerializer).count == 1
    with ref.uow() as unit:
        assert unit.session.scalar(select(func.count()).select_from(Lot)) == 0


def test_an_operator_never_reaches_the_demande_edit_pages(
    operateur: FlaskClient, ref: Referentiel
) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    for chemin in ("", "/modifier", "/renouveler", "/radier"):
        assert operateur.get(f"/demandes/{numero}{chemin}").status_code == 403, chemin


def test_the_notification_log_of_an_envoi_stays_in_its_territory(
    operateur: FlaskClient, client_de: Callable[[str], FlaskClient], ref: Referentiel
) -> None:
    Referentiel(ref.uow, "084")
    creer_operateur(ref, "operateur84", "084")
    with ref.uow() as unit:
        guichet = unit.session.scalar(select(Guichet).where(Guichet.code == ref.guichet))
        assert guichet is not None
        envoi = Envoi(
            identifiant="E013-00007",
            territoire_code="013",
            guichet_id=guichet.id,
            date_transmission=JOUR,
            nb_dossiers=1,
            nb_pages=3,
            statut="traite",
            created_at=utcnow(),
        )
        unit.session.add(envoi)
        unit.session.flush()
        unit.session.add(
            Notification(
                envoi_id=envoi.id,
                destinataire="referent@hmp.example.fr",
                sujet="Pièces numérisées : l'envoi E013-00007 reçu le 16/03/2026 a été traité",
                corps="Bonjour,",
                type="envoi_traite",
                statut="echec",
                tentatives=3,
                derniere_erreur="SMTPServerDisconnected: Connection unexpectedly closed",
                cle="lot:1:envoi:0",
                created_at=utcnow(),
            )
        )
        unit.commit()
    page = texte(operateur.get("/console/envois/e013-00007/notifications"))
    assert "l'envoi E013-00007" in page and "en échec" in page and "SMTPServerDisconnected" in page
    ailleurs = client_de("operateur84")
    assert ailleurs.get("/console/envois/E013-00007/notifications").status_code == 404
    assert operateur.get("/console/envois/E013-99999/notifications").status_code == 404
