"""Registering a demande in steps a–i, the duplicate check before numbering, and the result."""

from __future__ import annotations

import re
import secrets

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from sne.services import demandes
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import jeton, texte

ADRESSE = "/demandes/nouvelle"


def etape(client: FlaskClient, lettre: str, aller: str = "suivante", **champs: object) -> object:
    """Post step ``lettre`` with ``champs``, as the step's own form would."""
    page = client.get(ADRESSE, query_string={"etape": lettre}).get_data(as_text=True)
    vus = re.findall(r'name="vu" value="([^"]+)"', page)
    donnees = {
        "etape": lettre,
        "aller": aller,
        "vu": vus,
        "csrf_token": jeton(client, ADRESSE),
        **champs,
    }
    return client.post(ADRESSE, data=donnees)


def remplir(client: FlaskClient, prenoms: str = "Claire Thi") -> None:
    """Fill steps a–i for a couple (the factory's household without the child)."""
    reponse = etape(client, "a", ajouter="cotitulaire")
    assert "Personne 2 — Co-titulaire" in texte(reponse)
    personnes = {
        "personnes[1].civilite": "2",
        "personnes[1].nom_naissance": "Nguyen",
        "personnes[1].prenoms": prenoms,
        "personnes[1].date_naissance": "1988-05-02",
        "personnes[1].nationalite": "1",
        "personnes[2].civilite": "1",
        "personnes[2].nom_naissance": "Benali",
        "personnes[2].prenoms": "Karim",
        "personnes[2].date_naissance": "1985-11-20",
        "personnes[2].nationalite": "3",
        "personnes[2].lien": "M",
    }
    assert etape(client, "a", **personnes).headers["Location"] == f"{ADRESSE}?etape=b"
    etape(
        client, "b", adresse_ligne1="12 rue des Tanneurs", code_postal="13002", commune="Marseille"
    )
    etape(client, "c", situation_familiale="M")
    etape(client, "d", **{"personnes[1].contrat_travail": "CDI"})
    etape(
        client,
        "e",
        **{
            "personnes[1].ressources[1].type": "SAL",
            "personnes[1].ressources[1].montant_mensuel": "1650,00",
        },
    )
    etape(client, "f", logement_actuel="LP")
    etape(client, "g", motifs=["09"])
    etape(client, "h", types_logement=["T3"], communes_souhaitees="13055")
    assert etape(client, "i").headers["Location"] == f"{ADRESSE}?etape=verification"


def enregistrer(client: FlaskClient) -> TestResponse:
    """Register the draft checked on the verification step, received today."""
    return client.post(
        ADRESSE,
        data={
            "etape": "verification",
            "enregistrer": "oui",
            "date_depot": JOUR.isoformat(),
            "csrf_token": jeton(client, ADRESSE),
        },
    )


def test_a_step_shows_its_own_problems_beside_the_fields_and_keeps_what_was_typed(
    agent: FlaskClient,
) -> None:
    reponse = etape(
        agent,
        "a",
        **{"personnes[1].nom_naissance": "Nguyen", "personnes[1].date_naissance": "2020-01-01"},
    )
    assert reponse.status_code == 422
    page = texte(reponse)
    assert 'value="Nguyen"' in page
    assert 'aria-describedby="personnes-1-prenoms-erreur"' in page
    assert "prénoms obligatoires" in page and "doit être majeur" in page
    assert "adresse_ligne1" not in page  # the other sections' problems wait for their step


def test_register_in_steps_then_print(agent: FlaskClient) -> None:
    remplir(agent)
    verification = texte(agent.get(ADRESSE, query_string={"etape": "verification"}))
    assert "Récapitulatif" in verification and "Karim" in verification
    assert "1\u202f650,00 € par mois" in verification
    reponse = enregistrer(agent)
    assert reponse.headers["Location"] == f"{ADRESSE}?etape=resultat"
    resultat = texte(agent.get(reponse.headers["Location"]))
    assert "Numéro unique : 0130326000001G1301" in resultat
    assert 'href="/demandes/0130326000001G1301/attestation.pdf" target="_blank"' in resultat
    assert agent.get("/demandes/0130326000001G1301/attestation.pdf").data.startswith(b"%PDF")
    assert "Claire Thi" not in texte(agent.get(ADRESSE))  # a fresh draft


def test_persons_are_added_and_removed(agent: FlaskClient) -> None:
    etape(agent, "a", ajouter="a_charge")
    page = texte(etape(agent, "a", ajouter="a_naitre"))
    assert "Personne 2 — Personne à charge" in page and "Personne 3 — Enfant à naître" in page
    page = texte(etape(agent, "a", retirer="2"))
    assert "Personne à charge" not in page.split("Ajouter au foyer")[0]
    assert "Personne 2 — Enfant à naître" in page


def test_a_probable_duplicate_is_shown_then_forced_with_a_justification(
    agent: FlaskClient, ref: Referentiel
) -> None:
    existante = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR
    ).numero
    remplir(agent, prenoms="Thi Claire")
    avant = texte(agent.get(ADRESSE, query_string={"etape": "verification"}))
    assert existante in avant and "Enregistrer malgré tout" in avant  # shown before numbering
    donnees = {"etape": "verification", "enregistrer": "oui", "date_depot": JOUR.isoformat()}
    reponse = agent.post(ADRESSE, data={**donnees, "csrf_token": jeton(agent, ADRESSE)})
    assert reponse.status_code == 409
    page = texte(reponse)
    assert existante in page and "Doublons probables" in page and "prénoms" in page.lower()
    sans = agent.post(
        ADRESSE,
        data={
            **donnees,
            "forcer": "oui",
            "justification": " ",
            "csrf_token": jeton(agent, ADRESSE),
        },
    )
    assert sans.status_code == 409 and "indiquez pourquoi enregistrer malgré tout" in texte(sans)
    force = agent.post(
        ADRESSE,
        data={
            **donnees,
            "forcer": "oui",
            "justification": "Homonyme vérifié sur pièce",
            "csrf_token": jeton(agent, ADRESSE),
        },
    )
    assert force.headers["Location"] == f"{ADRESSE}?etape=resultat"
    assert "Doublon forcé" in texte(agent.get(force.headers["Location"]))


def test_a_late_filing_date_is_refused_beside_its_field(agent: FlaskClient) -> None:
    remplir(agent)
    reponse = agent.post(
        ADRESSE,
        data={
            "etape": "verification",
            "enregistrer": "oui",
            "date_depot": "2026-01-02",
            "csrf_token": jeton(agent, ADRESSE),
        },
    )
    assert reponse.status_code == 422
    page = texte(reponse)
    assert 'aria-describedby="date-depot-erreur"' in page and "il y a un mois" in page


def test_a_draft_too_long_for_the_session_is_refused_not_lost(agent: FlaskClient) -> None:
    etape(agent, "b", adresse_ligne1="3 rue Paradis")
    reponse = etape(
        agent, "b", adresse_ligne1="3 rue Paradis", adresse_ligne2=secrets.token_urlsafe(4000)
    )
    assert reponse.status_code == 413
    assert "la saisie est trop longue pour être gardée" in texte(reponse)
    gardee = texte(agent.get(ADRESSE, query_string={"etape": "b"}))
    assert 'value="3 rue Paradis"' in gardee


def test_a_legal_person_goes_through_sections_a_b_and_h_only(agent: FlaskClient) -> None:
    representant = {
        "type_demandeur": "morale",
        "personnes[1].civilite": "1",
        "personnes[1].nom_naissance": "Martin",
        "personnes[1].prenoms": "Paul",
        "personnes[1].date_naissance": "1970-03-21",
        "personnes[1].nationalite": "1",
    }
    refus = etape(agent, "a", **representant)
    assert refus.status_code == 422 and "obligatoire pour une personne morale" in texte(refus)
    suite = etape(agent, "a", **representant, raison_sociale="Association Toit pour tous")
    assert suite.headers["Location"] == f"{ADRESSE}?etape=b"
    b = etape(
        agent, "b", adresse_ligne1="1 place Bargemon", code_postal="13002", commune="Marseille"
    )
    assert b.headers["Location"] == f"{ADRESSE}?etape=h"
    fin = etape(agent, "h", types_logement=["T2"], communes_souhaitees="13055")
    assert fin.headers["Location"] == f"{ADRESSE}?etape=verification"
    reponse = enregistrer(agent)
    assert reponse.headers["Location"] == f"{ADRESSE}?etape=resultat", texte(reponse)


def test_the_disability_details_are_asked_in_fieldsets_and_kept(agent: FlaskClient) -> None:
    remplir(agent)
    page = agent.get(ADRESSE, query_string={"etape": "i"}).get_data(as_text=True)
    assert "<legend" in page and "Complément handicap" in page
    assert 'type="checkbox"' in page and 'name="handicap_aides_techniques" value="4"' in page
    reponse = etape(
        agent,
        "i",
        handicap_etat="STA",
        handicap_capacite_marche="1",
        handicap_moteur="MI",
        handicap_aides_techniques=["4", "2"],
        handicap_equipements=["3"],
    )
    assert reponse.headers["Location"] == f"{ADRESSE}?etape=verification"
    enregistrer(agent)
    fiche = texte(agent.get("/demandes/0130326000001G1301"))
    for libelle in ("Stabilisé", "Marche impossible", "Membres inférieurs", "Douche sans seuil"):
        assert libelle in fiche
    assert "Fauteuil roulant manuel, Canne ou béquille" in fiche


def test_agents_keep_the_cerfa_wording(agent: FlaskClient) -> None:
    """The applicants' plain words are theirs: the guichet's steps read as the form does."""
    page = texte(agent.get(ADRESSE, query_string={"etape": "b"}))
    assert "Le demandeur accepte de recevoir des SMS" in page
    assert "Codes INSEE" in texte(agent.get(ADRESSE, query_string={"etape": "h"}))
