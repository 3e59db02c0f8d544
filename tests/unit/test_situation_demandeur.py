"""What an applicant's situation update may change: identity and titulaires stay as stored."""

from __future__ import annotations

from sne.services.situation_demandeur import verrouiller

AVANT = {
    "type_demandeur": "physique",
    "email": "claire@example.fr",
    "loyer_maximum": 600,
    "personnes": [
        {"role": "demandeur", "nom_naissance": "Nguyen", "prenoms": "Claire", "ressources": []},
        {"role": "cotitulaire", "nom_naissance": "Benali", "prenoms": "Karim", "ressources": []},
        {"role": "a_charge", "nom_naissance": "Benali", "prenoms": "Inès", "ressources": []},
    ],
}


def test_situation_fields_and_dependants_change_identity_and_titulaires_stay() -> None:
    ressources = [{"type": "SAL", "montant_mensuel": "1900"}]
    propose = {
        "type_demandeur": "morale",
        "email": "autre@example.fr",
        "loyer_maximum": 700,
        "personnes": [
            {"role": "demandeur", "nom_naissance": "Autre", "ressources": ressources},
            # the co-holder removed, a new co-holder slipped in, the child replaced
            {"role": "cotitulaire", "nom_naissance": "Inconnu", "ressources": []},
            {"role": "a_naitre", "date_naissance_prevue": "2027-01-01", "ressources": []},
        ],
    }
    document = verrouiller(AVANT, propose)
    assert document["type_demandeur"] == "physique"
    assert document["email"] == "claire@example.fr"
    assert document["loyer_maximum"] == 700
    demandeur, cotitulaire, enfant = document["personnes"]
    assert (demandeur["nom_naissance"], demandeur["ressources"]) == ("Nguyen", ressources)
    assert cotitulaire["nom_naissance"] == "Benali"
    assert enfant["role"] == "a_naitre"


def test_titulaires_missing_from_the_proposal_are_kept() -> None:
    document = verrouiller(AVANT, {"personnes": []})
    assert [p["prenoms"] for p in document["personnes"]] == ["Claire", "Karim"]
