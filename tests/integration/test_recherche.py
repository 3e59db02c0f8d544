"""Search at the guichet on SQLite and PostgreSQL: numéro, identity rules, paging, scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sne.errors import Forbidden, SneError
from sne.services import demandes, radiation, recherche
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def _seul(nom: str, prenoms: str, naissance: str) -> dict[str, Any]:
    """A one-person household (the applicant) with the given identity."""
    doc = document_demande(situation_familiale="C")
    doc["personnes"] = [
        dict(doc["personnes"][0], nom_naissance=nom, prenoms=prenoms, date_naissance=naissance)
    ]
    return doc


def _enregistrer(ref: Referentiel, doc: dict[str, Any]) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, doc, aujourd_hui=JOUR).numero


def test_a_numero_typed_with_spaces_finds_its_demande_with_status_expiry_and_guichet(
    ref: Referentiel,
) -> None:
    numero = _enregistrer(ref, document_demande())
    espace = f"{numero[:3]} {numero[3:7]} {numero[7:13]} {numero[13:].lower()}"
    page = recherche.rechercher(ref.uow(), ref.consultant, numero=espace)
    assert page.total == 1
    [trouve] = page.resultats
    assert (trouve.numero, trouve.statut, trouve.nom, trouve.prenoms) == (
        numero,
        "active",
        "Nguyen",
        "Claire Thi",
    )
    assert trouve.date_naissance == date(1988, 5, 2)
    assert (trouve.date_depot, trouve.date_expiration) == (JOUR, date(2027, 3, 16))
    assert (trouve.guichet, trouve.guichet_nom) == ("G1301", "Habitat Marseille Provence")
    assert trouve.raison is None


def test_a_malformed_numero_is_refused_with_a_french_message_on_the_field(
    ref: Referentiel,
) -> None:
    with pytest.raises(SneError) as error:
        recherche.rechercher(ref.uow(), ref.agent, numero="0130326")
    assert error.value.code == "NUMERO_INVALIDE"
    assert "18 caractères" in error.value.details["numero"]


def test_no_criterion_is_refused(ref: Referentiel) -> None:
    with pytest.raises(SneError) as error:
        recherche.rechercher(ref.uow(), ref.agent, nom="  ")
    assert error.value.code == "CRITERE_REQUIS"


def test_another_territorys_demande_is_not_found_by_numero_nor_by_name(
    ref: Referentiel,
) -> None:
    autre = Referentiel(ref.uow, territoire="084")
    numero = demandes.enregistrer(
        ref.uow(), autre.agent, document_demande(), aujourd_hui=JOUR
    ).numero
    assert recherche.rechercher(ref.uow(), ref.agent, numero=numero).total == 0
    assert (
        recherche.rechercher(
            ref.uow(),
            ref.agent,
            nom="Nguyen",
            prenoms="Claire Thi",
            date_naissance=date(1988, 5, 2),
        ).total
        == 0
    )
    assert recherche.rechercher(ref.uow(), autre.agent, numero=numero).total == 1


@pytest.mark.parametrize(
    ("nom", "prenoms", "naissance", "raison"),
    [
        ("NGUYEN", "claire thi", date(1988, 5, 2), None),
        ("Nguyên", "Thi Claire", date(1988, 5, 2), "prénoms dans un autre ordre"),
        ("Claire Thi", "Nguyen", date(1988, 5, 2), "nom et prénoms inversés"),
        ("Nguyem", "Claire Thi", date(1988, 5, 2), "une faute de frappe dans le nom"),
        ("Nguyen", "Claire Thi", date(1988, 2, 5), "jour et mois de naissance inversés"),
    ],
)
def test_name_and_birth_date_follow_the_identity_rules_with_a_reason(
    ref: Referentiel, nom: str, prenoms: str, naissance: date, raison: str | None
) -> None:
    numero = _enregistrer(ref, document_demande())
    _enregistrer(ref, document_demande(foyer=1))  # other persons, born on other days
    page = recherche.rechercher(
        ref.uow(), ref.agent, nom=nom, prenoms=prenoms, date_naissance=naissance
    )
    assert [(r.numero, r.raison) for r in page.resultats] == [(numero, raison)]


def test_the_co_holder_is_found_and_shown(ref: Referentiel) -> None:
    numero = _enregistrer(ref, document_demande())
    page = recherche.rechercher(
        ref.uow(), ref.agent, nom="benali", prenoms="KARIM", date_naissance=date(1985, 11, 20)
    )
    [trouve] = page.resultats
    assert (trouve.numero, trouve.nom, trouve.prenoms) == (numero, "Benali", "Karim")


def test_a_child_of_the_household_is_not_searched(ref: Referentiel) -> None:
    _enregistrer(ref, document_demande())
    page = recherche.rechercher(ref.uow(), ref.agent, nom="Benali", date_naissance=date(2019, 9, 1))
    assert page.total == 0


def test_name_without_birth_date_folds_accents_case_and_swaps(ref: Referentiel) -> None:
    numero = _enregistrer(ref, _seul("Lefèvre-Dupont", "Jean Éric", "1970-01-25"))
    _enregistrer(ref, _seul("Lefevre", "Jean", "1975-03-28"))
    par_nom = recherche.rechercher(ref.uow(), ref.agent, nom="LEFEVRE DUPONT")
    assert [(r.numero, r.raison) for r in par_nom.resultats] == [(numero, None)]
    inverses = recherche.rechercher(ref.uow(), ref.agent, nom="Eric Jean", prenoms="lefevre-dupont")
    assert [(r.numero, r.raison) for r in inverses.resultats] == [
        (numero, "nom et prénoms inversés")
    ]


def test_birth_date_alone_lists_the_persons_born_that_day(ref: Referentiel) -> None:
    premier = _enregistrer(ref, _seul("Martin", "Paul", "1970-01-25"))
    second = _enregistrer(ref, _seul("Durand", "Léa", "1970-01-25"))
    _enregistrer(ref, _seul("Petit", "Hugo", "1971-01-25"))
    page = recherche.rechercher(ref.uow(), ref.agent, date_naissance=date(1970, 1, 25))
    assert [r.numero for r in page.resultats] == [second, premier]  # by name: Durand, Martin


def test_results_are_paged_and_radiated_demandes_are_found_with_their_status(
    ref: Referentiel,
) -> None:
    numeros = [
        _enregistrer(ref, _seul("Martin", prenoms, naissance))
        for prenoms, naissance in (
            ("Anne", "1970-01-25"),
            ("Bruno", "1971-01-26"),
            ("Chloé", "1972-01-27"),
            ("David", "1973-01-28"),
            ("Emma", "1974-01-29"),
        )
    ]
    radiation.radier(ref.uow(), ref.agent, numeros[0], "RADABA", aujourd_hui=JOUR)
    premiere = recherche.rechercher(ref.uow(), ref.agent, nom="martin", par_page=2)
    troisieme = recherche.rechercher(ref.uow(), ref.agent, nom="martin", par_page=2, page=3)
    assert (premiere.total, premiere.pages, len(premiere.resultats)) == (5, 3, 2)
    assert [r.numero for r in premiere.resultats] == numeros[:2]
    assert [r.prenoms for r in troisieme.resultats] == ["Emma"]
    assert premiere.resultats[0].statut == "radiee"


def test_an_account_without_the_right_to_consult_cannot_search(ref: Referentiel) -> None:
    from sne.acteurs import Acteur

    operateur = Acteur(
        utilisateur_id=None, login="op", role="operateur_numerisation", territoire_code="013"
    )
    with pytest.raises(Forbidden):
        recherche.rechercher(ref.uow(), operateur, nom="Martin")
