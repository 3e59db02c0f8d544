"""Validation of the Cerfa document: required fields per applicant kind, codes, dates, ages."""

from datetime import date

import pytest

from sne.errors import ValidationError
from sne.services import formulaire
from tests.factories import JOUR, document_demande

DEPOT = date(2026, 3, 16)


def problemes(document: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        formulaire.valider(document, date_depot=DEPOT)
    return error.value.problems


def test_complete_document_is_normalised() -> None:
    propre = formulaire.valider(document_demande(), date_depot=DEPOT)
    assert propre["telephone_portable"] == "0612345678"
    assert propre["personnes"][0]["date_naissance"] == date(1988, 5, 2)
    assert str(propre["personnes"][1]["ressources"][0]["montant_mensuel"]) == "1320.50"
    assert propre["motifs"] == ["09", "13"]


def test_every_problem_is_reported_at_once_in_french() -> None:
    found = problemes(
        document_demande(
            situation_familiale="X", code_postal="1300", motifs=["99"], logement_actuel=None
        )
    )
    assert "situation familiale" in found["situation_familiale"]
    assert "code postal" in found["code_postal"]
    assert "motif" in found["motifs"]
    assert found["logement_actuel"] == "logement actuel obligatoire"


def test_applicant_must_be_adult_unless_emancipated() -> None:
    doc = document_demande()
    doc["personnes"][0]["date_naissance"] = "2009-04-01"  # 16 at filing
    assert "majeur" in problemes(doc)["personnes[1].date_naissance"]
    doc["personnes"][0]["mineur_emancipe"] = True
    formulaire.valider(doc, date_depot=DEPOT)
    doc["personnes"][0]["date_naissance"] = "2010-04-01"  # 15: too young even emancipated
    assert "16 ans" in problemes(doc)["personnes[1].date_naissance"]


def test_birth_date_after_filing_is_refused() -> None:
    doc = document_demande()
    doc["personnes"][2]["date_naissance"] = "2026-04-01"
    assert "postérieure" in problemes(doc)["personnes[3].date_naissance"]


def test_unreadable_date_says_the_expected_format() -> None:
    doc = document_demande()
    doc["personnes"][0]["date_naissance"] = "02/05/1988"
    assert "AAAA-MM-JJ" in problemes(doc)["personnes[1].date_naissance"]


def test_expected_birth_needs_a_plausible_date() -> None:
    doc = document_demande()
    doc["personnes"].append({"role": "a_naitre", "date_naissance_prevue": "2026-08-10"})
    assert formulaire.valider(doc, date_depot=DEPOT)["personnes"][3]["role"] == "a_naitre"
    doc["personnes"][3]["date_naissance_prevue"] = "2027-06-01"
    assert "neuf mois" in problemes(doc)["personnes[4].date_naissance_prevue"]


def test_a_change_years_after_the_filing_lives_in_the_day_of_the_change() -> None:
    """A demande filed in March 2026 and changed in December 2027: its household has moved on."""
    change = date(2027, 12, 1)
    doc = document_demande()
    doc["personnes"].append({"role": "a_charge", "nom_naissance": "DURAND", "prenoms": "Lou",
                             "date_naissance": "2027-10-02", "lien": "E"})  # fmt: skip
    doc["personnes"].append({"role": "a_naitre", "date_naissance_prevue": "2028-05-01"})
    propre = formulaire.valider(doc, date_depot=DEPOT, modifie_le=change)
    assert [p["role"] for p in propre["personnes"]][-2:] == ["a_charge", "a_naitre"]
    # At the filing date, the same household could not be: born, and expected, too late.
    refus = problemes(doc)
    assert (
        refus["personnes[4].date_naissance"] == "date de naissance postérieure à la date de dépôt"
    )
    assert "neuf mois suivant le dépôt" in refus["personnes[5].date_naissance_prevue"]
    # The day of the change still bounds them: no birth in the future, no pregnancy of a year.
    doc["personnes"][3]["date_naissance"] = "2027-12-25"
    doc["personnes"][4]["date_naissance_prevue"] = "2028-12-01"
    with pytest.raises(ValidationError) as erreur:
        formulaire.valider(doc, date_depot=DEPOT, modifie_le=change)
    assert erreur.value.problems == {
        "personnes[4].date_naissance": "date de naissance dans le futur",
        "personnes[5].date_naissance_prevue": "une naissance attendue doit être prévue dans les neuf mois",
    }


def test_shared_custody_concerns_a_minor() -> None:
    doc = document_demande()
    doc["personnes"].append(
        {
            "role": "garde_alternee",
            "nom_naissance": "Nguyen",
            "prenoms": "Léo",
            "date_naissance": "2000-01-01",
        }
    )
    assert "mineur" in problemes(doc)["personnes[4].date_naissance"]


def test_exactly_one_applicant_and_at_most_one_co_holder() -> None:
    doc = document_demande()
    doc["personnes"][1]["role"] = "demandeur"
    assert "exactement un demandeur" in problemes(doc)["personnes"]
    doc = document_demande()
    doc["personnes"][2] = {**doc["personnes"][1]}
    assert "un seul co-titulaire" in problemes(doc)["personnes"]


def test_co_holder_needs_a_link_code() -> None:
    doc = document_demande()
    del doc["personnes"][1]["lien"]
    assert "lien" in problemes(doc)["personnes[2].lien"]
    doc["personnes"][1]["lien"] = "E"  # a dependant's code, not a co-holder's
    assert "inconnu" in problemes(doc)["personnes[2].lien"]


def test_legal_person_fills_only_sections_a_b_and_h() -> None:
    doc = document_demande(type_demandeur="morale", raison_sociale="Association Habitat Solidaire")
    found = problemes(doc)
    assert "a, b et h" in found["situation_familiale"]
    assert "a, b et h" in found["motifs"]
    minimal = {
        key: doc[key]
        for key in ("type_demandeur", "raison_sociale", "adresse_ligne1", "code_postal", "commune")
    }
    minimal |= {
        "types_logement": ["T2"],
        "communes_souhaitees": ["13055"],
        "personnes": [doc["personnes"][0]],
    }
    propre = formulaire.valider(minimal, date_depot=DEPOT)
    assert propre["raison_sociale"] == "Association Habitat Solidaire"
    assert "obligatoire" in problemes({**minimal, "raison_sociale": None})["raison_sociale"]


def test_natural_person_cannot_carry_a_company_name() -> None:
    assert (
        "personnes morales"
        in problemes(document_demande(raison_sociale="SARL X"))["raison_sociale"]
    )


def test_unknown_field_is_refused_rather_than_silently_dropped() -> None:
    assert "inconnue" in problemes(document_demande(couleur_preferee="bleu"))["couleur_preferee"]


def test_sms_consent_needs_a_mobile_phone() -> None:
    assert "portable" in problemes(document_demande(telephone_portable=None))["consentement_sms"]


def test_resources_need_known_type_and_amount() -> None:
    doc = document_demande()
    doc["personnes"][0]["ressources"] = [{"type": "LOTO", "montant_mensuel": "10"}, {"type": "RSA"}]
    found = problemes(doc)
    assert "ressource" in found["personnes[1].ressources[1].type"]
    assert "obligatoire" in found["personnes[1].ressources[2].montant_mensuel"]


def test_differences_are_traced_field_by_field_and_flag_identity() -> None:
    avant = formulaire.valider(document_demande(), date_depot=DEPOT)
    doc = document_demande(commune="Aubagne", code_postal="13400")
    doc["personnes"][0]["prenoms"] = "Claire"
    apres = formulaire.valider(doc, date_depot=DEPOT)
    changes = formulaire.differences(avant, apres)
    assert changes["commune"] == ["Marseille", "Aubagne"]
    assert changes["personnes[1].prenoms"] == ["Claire Thi", "Claire"]
    assert formulaire.changement_identite(changes) == ["personnes[1].prenoms"]


def test_adding_a_person_is_not_an_identity_change() -> None:
    avant = formulaire.valider(document_demande(), date_depot=DEPOT)
    doc = document_demande()
    doc["personnes"].append(
        {
            "role": "a_charge",
            "nom_naissance": "Benali",
            "prenoms": "Adam",
            "date_naissance": "2023-02-11",
        }
    )
    changes = formulaire.differences(avant, formulaire.valider(doc, date_depot=DEPOT))
    assert "personnes[4].prenoms" in changes
    assert formulaire.changement_identite(changes) == []


def test_disability_codes_and_lists_are_checked_against_the_official_lists() -> None:
    propre = formulaire.valider(
        document_demande(
            handicap_etat="evo",
            handicap_capacite_marche="1",
            handicap_aides_techniques=["5", "5", "7"],
            handicap_equipements=["2"],
        ),
        date_depot=JOUR,
    )
    assert (propre["handicap_etat"], propre["handicap_capacite_marche"]) == ("EVO", "1")
    assert propre["handicap_aides_techniques"] == ["5", "7"]
    assert propre["handicap_moteur"] is None and propre["handicap_equipements"] == ["2"]
    with pytest.raises(ValidationError) as refus:
        formulaire.valider(
            document_demande(handicap_moteur="MX", handicap_equipements=["9"]),
            date_depot=JOUR,
        )
    assert set(refus.value.problems) == {"handicap_moteur", "handicap_equipements"}
    assert "codes admis : MS, MI" in refus.value.problems["handicap_moteur"]
