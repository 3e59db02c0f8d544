"""Suivi des guichets and CUS tables on the portal: who may see what, CSRF, exports read back."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sne.acteurs import SYSTEME
from sne.models import Notification
from sne.services import demandes, indicateurs, radiation, referentiel
from tests.conftest import JOUR
from tests.factories import ADMIN, ATTRIBUTION, Referentiel, document_demande
from tests.ods import lignes_ods
from tests.web.conftest import connecter, jeton

HMP = "Habitat Marseille Provence"
AUTRE = "Logis du Midi"


def _attribuer(ref: Referentiel, foyer: int, *, autre: bool = False, bailleur: str = HMP) -> None:
    agent = ref.autre_agent if autre else ref.agent
    numero = demandes.enregistrer(
        ref.uow(), agent, document_demande(foyer=foyer), aujourd_hui=date(2026, 2, 2)
    ).numero
    radiation.radier(
        ref.uow(),
        agent,
        numero,
        "RADATT",
        aujourd_hui=date(2026, 3, 10),
        # The lease was signed 40 days before it was recorded: late.
        donnees={**ATTRIBUTION, "date_bail": "2026-01-29", "bailleur": bailleur},
    )


@pytest.fixture
def donnees(ref: Referentiel) -> None:
    _attribuer(ref, 1)
    _attribuer(ref, 2, autre=True, bailleur=AUTRE)
    indicateurs.rafraichir(ref.uow(), SYSTEME, JOUR, "013")


@pytest.fixture
def ouvrir(app: Flask) -> Callable[[str], FlaskClient]:
    def client(login: str) -> FlaskClient:
        c = app.test_client()
        assert connecter(c, login).status_code == 302
        return c

    return client


@pytest.mark.parametrize(
    ("adresse", "statuts"),
    [
        # (agent of a landlord's guichet, agent of a commune, manager, consultant)
        ("/indicateurs", (403, 403, 200, 403)),
        ("/indicateurs/export/guichets.csv", (403, 403, 200, 403)),
        ("/cus", (200, 200, 200, 403)),
        (f"/cus?bailleur={HMP}&annee=2026", (200, 404, 200, 403)),
        (f"/cus?bailleur={AUTRE}&annee=2026", (404, 404, 200, 403)),
        (f"/cus/export/ps2.ods?bailleur={AUTRE}&annee=2026", (404, 404, 200, 403)),
        ("/cus/seuils", (403, 403, 200, 403)),
    ],
)
def test_permission_matrix(
    donnees: None, ouvrir: Callable[[str], FlaskClient], adresse: str, statuts: tuple[int, ...]
) -> None:
    obtenus = tuple(
        ouvrir(login).get(adresse).status_code
        for login in ("agent13", "agent13b", "gestion13", "consult13")
    )
    assert obtenus == statuts


def test_manager_reads_the_indicators_with_their_date_charts_and_alerts(
    donnees: None, ouvrir: Callable[[str], FlaskClient]
) -> None:
    page = html.unescape(
        ouvrir("gestion13").get("/indicateurs?du=2026-01&au=2026-03").get_data(as_text=True)
    )
    assert "données au 16/03/2026" in page
    assert page.count("<svg") == 2 and "<script>" not in page
    assert 'id="tableau-mois"' in page and 'id="tableau-guichets"' in page
    # Both guichets recorded their attribution 40 days after the lease: both alerted.
    assert page.count("<li>1 attribution(s) sur 1 saisie(s) plus de 30 jours") == 2
    assert "n'a pas d'adresse de référent" in page  # the commune's guichet
    refuse = ouvrir("gestion13").get("/indicateurs?du=mars")
    assert refuse.status_code == 422 and "AAAA-MM" in html.unescape(refuse.get_data(as_text=True))


def test_indicator_table_exports_read_back(
    donnees: None, ouvrir: Callable[[str], FlaskClient]
) -> None:
    client = ouvrir("gestion13")
    ods = client.get("/indicateurs/export/guichets.ods?du=2026-01&au=2026-03")
    assert ods.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    assert "indicateurs-guichets-013-2026-01-2026-03.ods" in ods.headers["Content-Disposition"]
    lignes = {ligne[0]: ligne[1:] for ligne in lignes_ods(ods.data)}
    assert lignes["Indicateur"] == ["Territoire 013", "G1301", "G1302"]
    assert lignes["Demandes enregistrées à un guichet"] == [2.0, 1.0, 1.0]
    assert lignes["Délai moyen entre signature du bail et saisie (jours)"] == [40.0, 40.0, 40.0]
    csv = client.get("/indicateurs/export/mois.csv?du=2026-02&au=2026-03").data.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Indicateur;févr. 2026;mars 2026"
    assert "Demandes radiées;0;2" in csv
    assert client.get("/indicateurs/export/guichets.pdf").status_code == 404
    assert client.get("/indicateurs/export/guichets.csv?du=mars").status_code == 400


def test_manager_writes_to_the_referent_from_an_alert(
    fabrique: Callable[..., Flask], ref: Referentiel, donnees: None
) -> None:
    planifiees: list[int] = []
    client = fabrique(SNE_PLANIFIER_MAIL=planifiees.append).test_client()
    connecter(client, "gestion13")
    sans_jeton = client.post("/indicateurs/referent", data={"guichet": "G1301", "message": "x"})
    assert sans_jeton.status_code == 400
    assert planifiees == []
    reponse = client.post(
        "/indicateurs/referent",
        data={
            "guichet": "G1301",
            "message": "Merci de saisir les attributions à la signature.",
            "retour": "?du=2026-01",
            "csrf_token": jeton(client, "/indicateurs"),
        },
    )
    assert reponse.headers["Location"] == "/indicateurs?du=2026-01"
    assert len(planifiees) == 1
    with ref.uow() as unit:
        notification = unit.session.scalars(select(Notification)).one()
        assert notification.destinataire == "referent@hmp.example.fr"
    page = html.unescape(client.get("/indicateurs?du=2026-01").get_data(as_text=True))
    assert "Message envoyé au référent du guichet G1301" in page


def test_landlord_agent_exports_its_cus_table(
    donnees: None, ouvrir: Callable[[str], FlaskClient]
) -> None:
    client = ouvrir("agent13")
    page = html.unescape(client.get("/cus?annee=2026").get_data(as_text=True))
    assert f"{HMP}, attributions de 2026 : 1" in page  # its only landlord is chosen
    assert AUTRE not in page
    ods = client.get(f"/cus/export/ps3.ods?bailleur={HMP}&annee=2026")
    lignes = lignes_ods(ods.data)
    # ATTRIBUTION: DALO ACTIF in a QPV -> 1 DALO of 1, none outside QPV.
    assert lignes[1] == [1.0, 1.0, 100.0, 0.0, 0.0]
    assert lignes[2][0].startswith("PS-3 : attributions aux ménages DALO")


def test_manager_imports_thresholds_and_errors_name_the_lines(
    ref: Referentiel, ouvrir: Callable[[str], FlaskClient]
) -> None:
    client = ouvrir("gestion13")
    contenu = "annee;epci;nom;seuil;codes_postaux\n2026;200054807;Métropole AMP;9876,50;13013\n"
    reponse = client.post(
        "/cus/seuils",
        data={
            "action": "importer",
            "fichier": (io.BytesIO(contenu.encode()), "seuils.csv"),
            "csrf_token": jeton(client, "/cus/seuils"),
        },
        content_type="multipart/form-data",
    )
    assert reponse.status_code == 302
    page = html.unescape(client.get("/cus/seuils?annee=2026").get_data(as_text=True))
    assert "Métropole AMP" in page and "9876,5" in page
    mauvais = client.post(
        "/cus/seuils",
        data={
            "action": "importer",
            "fichier": (io.BytesIO(b"annee;epci;nom;seuil;codes_postaux\n2026;1;X;0;1\n"), "s.csv"),
            "csrf_token": jeton(client, "/cus/seuils"),
        },
        content_type="multipart/form-data",
    )
    assert mauvais.status_code == 422
    texte = html.unescape(mauvais.get_data(as_text=True))
    assert "ligne 2 (epci_code)" in texte and 'href="#fichier"' in texte
    assert client.post("/cus/seuils", data={"action": "saisir"}).status_code == 400  # no CSRF


@pytest.fixture
def admin(ref: Referentiel) -> str:
    referentiel.creer_utilisateur(
        ref.uow(),
        ADMIN,
        login="admin.national",
        nom="National",
        prenom="Admin",
        role="administrateur",
        mot_de_passe="correct horse battery",
        provisoire=False,
    )
    return "admin.national"


def test_a_national_account_names_the_territory_first(
    admin: str, donnees: None, ouvrir: Callable[[str], FlaskClient]
) -> None:
    client = ouvrir(admin)
    sans = client.get("/indicateurs")
    assert sans.status_code == 422
    assert "choisissez un territoire" in html.unescape(sans.get_data(as_text=True))
    avec = html.unescape(client.get("/indicateurs?territoire=013").get_data(as_text=True))
    assert "Territoire 013 — données au 16/03/2026" in avec
    assert 'name="territoire"' in html.unescape(client.get("/cus").get_data(as_text=True))
    page = html.unescape(
        client.get(f"/cus?territoire=013&bailleur={AUTRE}&annee=2026").get_data(as_text=True)
    )
    assert f"{AUTRE}, attributions de 2026 : 1" in page
    assert client.get("/cus/seuils").status_code == 403  # the manager's work
    assert client.get(f"/cus/export/ps1.csv?bailleur={AUTRE}").status_code == 400  # no territory
    export = client.get(f"/cus/export/pp5.ods?territoire=013&bailleur={AUTRE}&annee=2026")
    assert lignes_ods(export.data)[1] == [0.0, 1.0, 0.0]
