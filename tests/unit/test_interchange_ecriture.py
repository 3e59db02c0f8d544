"""Writing interfaceNuu files without a database: what is written, and reading it back."""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from sne.interchange import ecrire, lire
from sne.services import formulaire
from tests.factories import document_demande

DEPOT = date(2026, 3, 16)
NS = "{http://nuu.application.i2/}"


def complet() -> dict[str, Any]:
    """A document using every field the format carries, in the order an import gives."""
    doc = document_demande(
        adresse_numero="12 bis",
        adresse_ligne1="rue des Tanneurs",
        adresse_ligne2="Résidence Les Oliviers, bât. 2",
        commune_insee="13202",
        pays="France",
        telephone_fixe="04 91 00 11 22",
        revenu_fiscal_annee_n1=2025,
        revenu_fiscal_annee_n2=2024,
        logement_actuel_bailleur="Cabinet Laugier",
        logement_actuel_categorie="A",
        logement_actuel_habitants=6,
        motif_precision="Moisissures dans la chambre des enfants",
        handicap_logement_adapte="OUI",
        handicap_fauteuil_roulant="OUI",
        handicap_precision="Fauteuil roulant depuis 2024",
        handicap_etat="STA",
        handicap_capacite_marche="2",
        handicap_moteur="MI",
        handicap_sensoriel="DV",
        handicap_aides_techniques=["4", "2"],
        handicap_equipements=["3", "4", "6"],
        loyer_maximum=690,
    )
    demandeur, cotitulaire, enfant = doc["personnes"]
    demandeur |= {
        "nom_usage": "Benali",
        "commune_naissance": "Hô-Chi-Minh-Ville",
        "sexe": "F",
        "employeur": "Hôpital Nord",
        "travail_code_postal": "13015",
        "travail_commune_insee": "13215",
    }
    demandeur["ressources"] = [
        {"type": "SAL", "montant_mensuel": "1650.00"},
        {"type": "AAH", "montant_mensuel": "971.37"},
        {"type": "PAV", "montant_mensuel": "120.00"},
    ]
    cotitulaire |= {
        "employeur": "SNCF",
        "commune_travail": "Marseille",
        "profession": "Agent",
        "situation_familiale": "M",
        "revenu_fiscal_annee_n1": 2025,
        "revenu_fiscal_n1": 18_400,
        "revenu_fiscal_annee_n2": 2024,
        "revenu_fiscal_n2": 17_950,
        "travail_etranger": True,
    }
    enfant |= {
        "sexe": "F",
        "ressources": [
            {"type": "AEEH", "montant_mensuel": "142.70"},
            {"type": "AMV", "montant_mensuel": "961.08"},
        ],
    }
    doc["personnes"] = [
        demandeur,
        cotitulaire,
        enfant,
        {
            "role": "a_charge",
            "nom_naissance": "Nguyen",
            "prenoms": "Lan",
            "date_naissance": "1950-02-14",
            "sexe": "F",
            "lien": "P",
        },
        {"role": "a_naitre", "date_naissance_prevue": "2026-09-30"},
        {"role": "a_naitre", "date_naissance_prevue": "2026-09-30"},
        {
            "role": "garde_alternee",
            "date_naissance": "2012-01-15",
            "sexe": "M",
            "co_parentalite": "G",
        },
    ]
    return formulaire.valider(doc, date_depot=DEPOT)


def ecrire_cre(doc: dict[str, Any], version: str = "02.01") -> bytes:
    return ecrire(
        doc,
        type_fichier="CRE",
        version=version,
        date_fichier=DEPOT,
        guichet="G1301",
        date_creation=DEPOT,
    )


def relu(contenu: bytes) -> dict[str, Any]:
    fichier = lire(contenu)
    assert fichier.anomalies == ()
    assert fichier.document is not None
    return formulaire.valider(fichier.document, date_depot=DEPOT)


def test_every_field_survives_writing_and_reading() -> None:
    doc = complet()
    assert relu(ecrire_cre(doc)) == doc


@pytest.mark.parametrize(
    ("adapte", "fauteuil"), [("OUI", "NON"), ("NON", "NONDOC"), ("NONDOC", "OUI")]
)
def test_the_disability_questions_keep_oui_non_and_nondoc(adapte: str, fauteuil: str) -> None:
    doc = formulaire.valider(
        document_demande(handicap_logement_adapte=adapte, handicap_fauteuil_roulant=fauteuil),
        date_depot=DEPOT,
    )
    contenu = ecrire_cre(doc)
    assert f'<logementAdapte code="{adapte}" />'.encode() in contenu
    lu = relu(contenu)
    assert (lu["handicap_logement_adapte"], lu["handicap_fauteuil_roulant"]) == (adapte, fauteuil)


def test_unanswered_disability_questions_write_no_disability_element() -> None:
    doc = formulaire.valider(document_demande(), date_depot=DEPOT)
    assert doc["handicap_logement_adapte"] == doc["handicap_fauteuil_roulant"] == "NONDOC"
    contenu = ecrire_cre(doc)
    assert b"<handicap>" not in contenu
    assert relu(contenu)["handicap_fauteuil_roulant"] == "NONDOC"


def test_a_disability_answer_outside_the_list_is_refused_in_french() -> None:
    with pytest.raises(formulaire.ValidationError) as refus:
        formulaire.valider(
            document_demande(handicap_fauteuil_roulant="peut-être"), date_depot=DEPOT
        )
    assert refus.value.problems["handicap_fauteuil_roulant"] == (
        "code fauteuil roulant « peut-être » inconnu (codes admis : OUI, NON, NONDOC)"
    )


def test_legal_person_survives_writing_and_reading() -> None:
    doc = formulaire.valider(
        {
            "type_demandeur": "morale",
            "raison_sociale": "Association Habitat Solidaire Provence",
            "siret": "41234567800029",
            "adresse_ligne1": "14 rue d'Italie",
            "code_postal": "13006",
            "commune": "Marseille",
            "email": "logement@habitat-solidaire.example.org",
            "types_logement": ["T1"],
            "communes_souhaitees": ["13055"],
            "personnes": [document_demande()["personnes"][0]],
        },
        date_depot=DEPOT,
    )
    contenu = ecrire_cre(doc)
    assert b"<personneMorale>" in contenu and b"<personnePhysique>" not in contenu
    assert relu(contenu) == doc


def test_the_file_is_namespaced_utf8_with_the_header() -> None:
    contenu = ecrire(
        complet(),
        type_fichier="MOD",
        version="02.00",
        date_fichier=date(2026, 4, 2),
        guichet="G1302",
        numero="0130326000001G1301",
        date_creation=DEPOT,
    )
    assert contenu.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<interfaceNuu xmlns=')
    racine = ET.fromstring(contenu)
    assert racine.tag == f"{NS}interfaceNuu" and racine.get("versionInterface") == "02.00"
    assert racine.findtext(f"{NS}entete/{NS}typeFichier") == "MOD"
    assert racine.findtext(f"{NS}entete/{NS}dateFichier") == "2026-04-02"
    dl = racine.find(f"{NS}demande/{NS}demandeLogement")
    assert dl is not None
    assert [e.tag.removeprefix(NS) for e in dl][:3] == [
        "numUnique",
        "numGuichet",
        "dateCreationDemande",
    ]
    assert "Hô-Chi-Minh-Ville".encode() in contenu


def test_version_0200_cannot_carry_sms_consent() -> None:
    doc = complet()
    assert doc["consentement_sms"] is True
    assert b"consentementSms" in ecrire_cre(doc, "02.01")
    ancien = ecrire_cre(doc, "02.00")
    assert b"consentementSms" not in ancien
    fichier = lire(ancien)
    assert fichier.document is not None and "consentement_sms" not in fichier.document
    assert relu(ancien) == {**doc, "consentement_sms": False}


def test_persons_follow_the_schema_order_and_resources_are_detailed() -> None:
    contenu = ecrire_cre(complet())
    racine = ET.fromstring(contenu)
    pp = racine.find(f"{NS}demande/{NS}demandeLogement/{NS}personnePhysique")
    assert pp is not None
    assert [e.tag.removeprefix(NS) for e in pp] == [
        "demandeur",
        "listePersonneACharge",
        "personneANaitre",
        "listePersonneEnGarde",
        "listeCotitulaire",
        "logementActuel",
        "listeMotif",
        "precisionMotif",
        "handicap",
    ]
    assert pp.findtext(f"{NS}personneANaitre/{NS}nombre") == "2"
    garde = pp.find(f"{NS}listePersonneEnGarde/{NS}personneEnGarde")
    assert garde is not None
    assert [e.tag.removeprefix(NS) for e in garde] == ["dateNaissance", "sexe", "coParentalite"]
    demandeur = pp.find(f"{NS}demandeur")
    assert demandeur is not None
    assert demandeur.findtext(f"{NS}nom") == "Benali"
    assert demandeur.findtext(f"{NS}nomPatronymique") == "Nguyen"
    detail = f"{NS}detailRessource"
    recues = demandeur.findall(f"{NS}listeRessourceRecue/{detail}/{NS}ressource")
    versees = demandeur.findall(f"{NS}listeRessourceVersee/{detail}")
    assert [r.get("code") for r in recues] == ["SAL", "AAH"]
    assert [
        (r.find(f"{NS}ressource").get("code"), r.findtext(f"{NS}montant")) for r in versees
    ] == [  # type: ignore[union-attr]
        ("PAV", "120.00")
    ]
    a_charge = demandeur.findall(f"{NS}listeRessourceRecuePersACharge/{detail}/{NS}ressource")
    assert [r.get("code") for r in a_charge] == ["AEEH", "AMV"]
    liens = pp.findall(f"{NS}listePersonneACharge/{NS}personneACharge/{NS}lienParente")
    assert [e.get("code") for e in liens] == ["E", "P"]
    actuel = pp.find(f"{NS}logementActuel")
    assert actuel is not None
    assert [e.tag.removeprefix(NS) for e in actuel] == [
        "listeModeleLogement",
        "montantMensuelLoyer",
        "nombreHabitant",
        "categorieLogement",
        "typeLogementActuel",
        "surface",
        "proprietaire",
        "bailleur",
    ]


def test_dependants_resources_return_on_the_first_dependant() -> None:
    """The format lists the dependants' resources once, for all of them (documented loss)."""
    doc = complet()
    enfant, aieule = doc["personnes"][2:4]
    aieule["ressources"], enfant["ressources"] = enfant["ressources"], []
    relus = relu(ecrire_cre(doc))["personnes"]
    assert relus[2]["ressources"] == aieule["ressources"] and relus[3]["ressources"] == []


def test_only_cre_and_mod_are_written() -> None:
    with pytest.raises(ValueError, match="seuls CRE et MOD"):
        ecrire(complet(), type_fichier="RAD", version="02.01", date_fichier=DEPOT, guichet="G1301")
    with pytest.raises(ValueError, match="version"):
        ecrire(complet(), type_fichier="CRE", version="01.00", date_fichier=DEPOT, guichet="G1301")
