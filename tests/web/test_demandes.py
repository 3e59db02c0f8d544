"""The agent's pages: search, demande page, renew, radiate, modify, split, report, print."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sne.services import demandes
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import jeton, texte


@pytest.fixture
def numero(ref: Referentiel) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero


def test_search_by_numero_with_spaces_opens_the_demande(agent: FlaskClient, numero: str) -> None:
    espace = f"{numero[:3]} {numero[3:7]} {numero[7:13]} {numero[13:]}"
    reponse = agent.get("/recherche", query_string={"numero": espace})
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == f"/demandes/{numero}"


def test_search_by_name_and_birth_date_lists_results(agent: FlaskClient, numero: str) -> None:
    page = texte(
        agent.get("/recherche", query_string={"nom": "NGUYEN", "date_naissance": "02/05/1988"})
    )
    assert numero in page and "1 demande trouvée" in page
    inverse = texte(
        agent.get("/recherche", query_string={"nom": "Claire Thi", "prenoms": "Nguyen"})
    )
    assert numero in inverse
    illisible = agent.get("/recherche", query_string={"date_naissance": "31/02/1988"})
    assert "date illisible" in texte(illisible)


def test_demande_page_shows_the_cerfa_sections_history_and_actions(
    agent: FlaskClient, numero: str
) -> None:
    page = texte(agent.get(f"/demandes/{numero}"))
    for titre in (
        "Demandeur",
        "Co-titulaire",
        "Personnes à charge",
        "Situation professionnelle",
        "Ressources",
        "Logement actuel",
        "Motifs",
        "Logement recherché",
        "Handicap",
        "Historique",
    ):
        assert f">{titre}</h2>" in page, titre
    assert "Claire Thi" in page and "Enregistrement" in page
    for action in (
        "modifier",
        "renouveler",
        "radier",
        "scinder",
        "signaler-doublon",
        "attestation.pdf",
    ):
        assert f"/demandes/{numero}/{action}" in page


def test_a_consultant_reads_without_any_action_offered(
    client_de: Callable[[str], FlaskClient], numero: str
) -> None:
    consultant = client_de("consult13")
    page = texte(consultant.get(f"/demandes/{numero}"))
    assert "Claire Thi" in page
    # Reading the dossier's pieces is no action: that one link stays.
    assert f"/demandes/{numero}/" not in page.replace(f"/demandes/{numero}/pieces", "")
    assert "Enregistrer une demande" not in page


ROUTES = [
    ("GET", "/demandes/{n}"),
    ("GET", "/demandes/{n}/modifier"),
    ("GET", "/demandes/{n}/renouveler"),
    ("GET", "/demandes/{n}/radier"),
    ("GET", "/demandes/{n}/scinder"),
    ("GET", "/demandes/{n}/signaler-doublon"),
    ("GET", "/demandes/{n}/attestation.pdf"),
    ("GET", "/demandes/{n}/fiche.pdf"),
    ("GET", "/demandes/nouvelle"),
    ("GET", "/recherche"),
    ("GET", "/"),
]
ATTENDU = {
    "agent13": [200] * len(ROUTES),
    "gestion13": [200, 200, 403, 200, 403, 403, 200, 403, 403, 200, 200],
    "consult13": [200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200],
}


@pytest.mark.parametrize("login", sorted(ATTENDU))
def test_permission_matrix(
    client_de: Callable[[str], FlaskClient], numero: str, login: str
) -> None:
    client = client_de(login)
    obtenu = [
        client.open(adresse.format(n=numero), method=methode).status_code
        for methode, adresse in ROUTES
    ]
    assert obtenu == ATTENDU[login]


def test_another_territory_gets_not_found_everywhere(
    uow: Callable[..., object], app: Flask, numero: str, client_de: Callable[[str], FlaskClient]
) -> None:
    from sqlalchemy import update

    from sne.models import Utilisateur

    autre = Referentiel(uow, "084")  # type: ignore[arg-type]
    with autre.uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()
    agent84 = client_de("agent84")
    for _, adresse in ROUTES[:8]:
        reponse = agent84.get(adresse.format(n=numero))
        assert reponse.status_code == 404, adresse
    inconnu = agent84.get("/demandes/013032600099G1301")
    assert agent84.get(f"/demandes/{numero}").get_data() == inconnu.get_data()
    reponse = agent84.post(
        f"/demandes/{numero}/renouveler", data={"csrf_token": jeton(agent84, "/")}
    )
    assert reponse.status_code == 404
    recherche = texte(agent84.get("/recherche", query_string={"numero": numero}))
    assert "0 demande trouvée" in recherche and f'href="/demandes/{numero}"' not in recherche


def test_markup_typed_by_a_user_is_shown_as_text(ref: Referentiel, agent: FlaskClient) -> None:
    document = document_demande(
        motif_precision='<script>alert("x")</script>', commune="<b>Marseille</b>"
    )
    numero = demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero
    page = agent.get(f"/demandes/{numero}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>Marseille" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_renew(agent: FlaskClient, numero: str) -> None:
    reponse = agent.post(f"/demandes/{numero}/renouveler", data={"csrf_token": jeton(agent, "/")})
    assert reponse.headers["Location"] == f"/demandes/{numero}"
    page = texte(agent.get(f"/demandes/{numero}"))
    assert "Demande renouvelée : valable jusqu'au 16/03/2027" in page
    assert "Renouvellement" in page


def test_radiate_on_attribution_asks_every_field_and_keeps_what_was_typed(
    agent: FlaskClient, numero: str
) -> None:
    adresse = f"/demandes/{numero}/radier"
    choix = texte(agent.get(adresse))
    assert "Attribution d'un logement" in choix and "Non-renouvellement" not in choix
    formulaire = texte(agent.get(adresse, query_string={"motif": "RADATT"}))
    for libelle in (
        "Adresse du logement",
        "Réservataire",
        "Statut DALO",
        "Date de signature du bail",
    ):
        assert libelle in formulaire
    incomplet = agent.post(
        adresse,
        data={
            "motif": "RADATT",
            "logement_adresse": "3 rue Paradis",
            "csrf_token": jeton(agent, adresse),
        },
    )
    assert incomplet.status_code == 422
    page = texte(incomplet)
    assert 'value="3 rue Paradis"' in page
    assert 'aria-describedby="logement-commune-erreur"' in page
    assert "obligatoire pour une radiation sur attribution" in page
    assert '<a href="#logement-commune">Commune du logement : obligatoire' in page
    complet = {
        "motif": "RADATT",
        "logement_adresse": "3 rue Paradis",
        "logement_code_postal": "13001",
        "logement_commune": "Marseille",
        "logement_zus_qpv": "ZUSNON",
        "logement_surface": "52",
        "logement_typologie": "T3",
        "reservataire": "PPRIOR",
        "statut_dalo": "NON",
        "accord_collectif": "AUCUN",
        "date_bail": JOUR.isoformat(),
        "bailleur": "Habitat Marseille Provence",
        "csrf_token": jeton(agent, adresse),
    }
    reponse = agent.post(adresse, data=complet)
    assert reponse.status_code == 302, texte(reponse)
    page = texte(agent.get(f"/demandes/{numero}"))
    assert "Demande radiée le 16/03/2026 : Attribution d'un logement" in page
    assert f"/demandes/{numero}/renouveler" not in page
    radiation = page[page.index('id="radiation"') : page.index('id="historique"')]
    for libelle, valeur in (
        ("Adresse du logement", "3 rue Paradis"),
        ("Surface habitable", "52 m²"),
        ("Réservataire", "Préfet — publics prioritaires"),
        ("Statut DALO", "Pas de recours DALO"),
        ("Accord collectif", "Hors accord collectif"),
        ("Date de signature du bail", "16/03/2026"),
        ("Bailleur", "Habitat Marseille Provence"),
    ):
        assert f"<dt>{libelle}</dt><dd>{valeur}</dd>" in radiation


def test_identity_change_needs_a_justification_and_is_marked(
    agent: FlaskClient, numero: str
) -> None:
    adresse = f"/demandes/{numero}/modifier"
    formulaire = texte(agent.get(adresse))
    assert 'value="Nguyen"' in formulaire
    donnees = _formulaire_de(agent, adresse)
    donnees["personnes[1].nom_naissance"] = "Nguyen-Tran"
    refus = agent.post(adresse, data=donnees)
    assert refus.status_code == 422
    assert "justification obligatoire" in texte(refus)
    assert 'value="Nguyen-Tran"' in texte(refus)
    donnees["justification"] = "Acte de naissance rectifié"
    reponse = agent.post(adresse, data=donnees)
    assert reponse.status_code == 302, texte(reponse)
    page = texte(agent.get(f"/demandes/{numero}"))
    assert "changement d'identité" in page and "Acte de naissance rectifié" in page
    assert "Nguyen → Nguyen-Tran" in page


def test_a_manager_is_told_an_identity_change_is_not_for_his_role(
    client_de: Callable[[str], FlaskClient], numero: str
) -> None:
    gestionnaire = client_de("gestion13")
    adresse = f"/demandes/{numero}/modifier"
    donnees = _formulaire_de(gestionnaire, adresse)
    donnees["personnes[1].prenoms"] = "Claire"
    donnees["justification"] = "Acte de naissance"
    refus = gestionnaire.post(adresse, data=donnees)
    assert refus.status_code == 422
    page = texte(refus)
    assert "ne permet pas de modifier l'identité" in page and 'value="Claire"' in page


def _formulaire_de(client: FlaskClient, adresse: str) -> dict[str, object]:
    """Every field of the form at ``adresse`` with its current value, as a browser would send."""
    from html.parser import HTMLParser

    champs: dict[str, object] = {}

    class Lecteur(HTMLParser):
        select: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            nom = a.get("name")
            if tag == "input" and nom and a.get("type") not in {"submit"}:
                coche = a.get("type") not in {"checkbox", "radio"} or "checked" in a
                if coche:
                    precedent = champs.get(nom)
                    valeur = a.get("value") or ""
                    if precedent is None:
                        champs[nom] = valeur
                    else:
                        liste = precedent if isinstance(precedent, list) else [precedent]
                        champs[nom] = [*liste, valeur]
            elif tag == "select" and nom:
                self.select = nom
                champs.setdefault(nom, "")
            elif tag == "option" and self.select and "selected" in a:
                champs[self.select] = a.get("value") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None

    Lecteur().feed(client.get(adresse).get_data(as_text=True))
    champs.pop("aller", None)
    return champs


def test_split_gives_the_coholder_a_new_demande(agent: FlaskClient, numero: str) -> None:
    adresse = f"/demandes/{numero}/scinder"
    donnees = _formulaire_de(agent, adresse)
    assert donnees["personnes[1].prenoms"] == "Karim"
    refus = agent.post(adresse, data=donnees)
    assert refus.status_code == 422 and "justificatif de la séparation obligatoire" in texte(refus)
    donnees["justification"] = "Jugement de divorce du 12/01/2026"
    reponse = agent.post(adresse, data=donnees)
    assert reponse.status_code == 302, texte(reponse)
    nouveau = reponse.headers["Location"].rsplit("/", 1)[-1]
    assert nouveau != numero and nouveau[3:7] == numero[3:7]
    assert "Karim" not in texte(agent.get(f"/demandes/{numero}")).split("Historique")[0]


def test_report_a_duplicate(agent: FlaskClient, ref: Referentiel, numero: str) -> None:
    autre = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1), aujourd_hui=JOUR
    ).numero
    adresse = f"/demandes/{numero}/signaler-doublon"
    refus = agent.post(
        adresse, data={"autres": "013999999999G1301", "csrf_token": jeton(agent, adresse)}
    )
    assert refus.status_code == 422 and "vérifiez les numéros" in texte(refus)
    reponse = agent.post(
        adresse,
        data={"autres": autre, "commentaire": "même personne", "csrf_token": jeton(agent, adresse)},
    )
    assert reponse.status_code == 302
    assert "Doublon signalé au gestionnaire territorial." in texte(agent.get(f"/demandes/{numero}"))


def test_attestation_opens_in_the_browser(agent: FlaskClient, numero: str) -> None:
    reponse = agent.get(f"/demandes/{numero}/attestation.pdf")
    assert reponse.status_code == 200
    assert reponse.mimetype == "application/pdf"
    assert reponse.headers["Content-Disposition"].startswith("inline;")
    assert reponse.data.startswith(b"%PDF")


def test_fiche_asks_its_counts_then_prints(agent: FlaskClient, numero: str) -> None:
    adresse = f"/demandes/{numero}/fiche.pdf"
    assert "Nombre de documents joints" in texte(agent.get(adresse))
    refus = agent.get(adresse, query_string={"documents": "3", "pages": "2"})
    assert refus.status_code == 422 and "il en faut au moins 4" in texte(refus)
    reponse = agent.get(adresse, query_string={"documents": "3", "pages": "4"})
    assert reponse.mimetype == "application/pdf" and reponse.data.startswith(b"%PDF")
