"""Matching rules for duplicates: each rule with the pair it catches and a near pair it must not."""

from datetime import date

import pytest

from sne import identite
from sne.identite import Identite, comparer

NE = date(1988, 5, 2)


def _code(a: Identite, b: Identite) -> str | None:
    trouve = comparer(a, b)
    # The rules are symmetric: the order of the two demandes never matters.
    inverse = comparer(b, a)
    assert (trouve and trouve.code) == (inverse and inverse.code)
    return trouve.code if trouve else None


def test_keys_fold_case_accents_hyphens_apostrophes_and_spaces() -> None:
    assert identite.jetons("  D'Argenson-LEFÈVRE   Œuvray ") == [
        "d",
        "argenson",
        "lefevre",
        "oeuvray",
    ]
    assert identite.cle_prenoms("Marie-Anne  Héloïse") == identite.cle_prenoms("heloise marie anne")
    assert identite.cle_identite("Nguyen", "Claire Thi") == identite.cle_identite(
        "Claire", "Thi NGUYEN"
    )
    assert identite.cle_identite("Nguyen", None) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NGUYEN", "nguyen"),
        ("Lefèvre", "LEFEVRE"),
        ("Le Gall", "Le  Gall"),
        ("N'Diaye", "N Diaye"),
        ("Dupont-Moretti", "Dupont Moretti"),
    ],
)
def test_same_person_despite_case_accents_hyphens_apostrophes_spaces(a: str, b: str) -> None:
    assert _code(Identite(a, "Claire", NE), Identite(b, "claire", NE)) == identite.IDENTIQUE


def test_same_spelling_but_another_person_is_not_caught() -> None:
    # Near pair: identical names, birth date one day apart.
    assert (
        _code(Identite("Nguyen", "Claire", NE), Identite("Nguyen", "Claire", date(1988, 5, 3)))
        is None
    )


def test_compound_first_names_in_any_order() -> None:
    a, b = Identite("Martin", "Marie-Anne Louise", NE), Identite("MARTIN", "Louise Anne Marie", NE)
    assert _code(a, b) == identite.ORDRE_PRENOMS
    # Near pair: one first name more is another person (or a missing piece of information).
    assert _code(a, Identite("Martin", "Marie Anne Louise Rose", NE)) is None


def test_name_and_first_names_swapped() -> None:
    a = Identite("Benali", "Karim", NE)
    assert _code(a, Identite("Karim", "Benali", NE)) == identite.INVERSION_NOM_PRENOMS
    # Near pair: swapped, and another first name.
    assert _code(a, Identite("Karima", "Benali Sofia", NE)) is None


def test_words_moved_between_name_and_first_names_or_glued() -> None:
    a = Identite("Le Gall", "Anne", NE)
    assert _code(a, Identite("Legall", "Anne", NE)) == identite.SEPARATEURS
    assert _code(a, Identite("Gall", "Le Anne", NE)) == identite.SEPARATEURS
    # Near pair: the particle differs.
    assert _code(a, Identite("La Gall", "Annie", NE)) is None


@pytest.mark.parametrize(
    "faute",
    ["Dupond", "Dupnot", "Dupon", "Duppont", "Dpont"],
    ids=["substitution", "transposition", "omission", "ajout", "omission-debut"],
)
def test_one_typing_error_in_the_name(faute: str) -> None:
    a = Identite("Dupont", "Jean", NE)
    trouve = comparer(a, Identite(faute, "Jean", NE))
    assert trouve is not None and trouve.code == identite.FAUTE_NOM
    assert "Dupont" in trouve.motif and faute in trouve.motif


def test_two_typing_errors_in_the_name_are_not_caught() -> None:
    assert _code(Identite("Dupont", "Jean", NE), Identite("Dupand", "Jean", NE)) is None
    assert _code(Identite("Dupont", "Jean", NE), Identite("Dpuond", "Jean", NE)) is None


def test_one_typing_error_in_the_first_names() -> None:
    a = Identite("Haddad", "Rachid Karim", NE)
    assert _code(a, Identite("Haddad", "Rachid Krim", NE)) == identite.FAUTE_PRENOMS
    assert _code(a, Identite("Haddad", "Karim Rachdi", NE)) == identite.FAUTE_PRENOMS
    # Near pair: one error in the first names and one in the name.
    assert _code(a, Identite("Hadad", "Rachid Krim", NE)) is None


def test_a_typing_error_needs_the_same_birth_date() -> None:
    assert (
        _code(Identite("Dupont", "Jean", NE), Identite("Dupond", "Jean", date(1988, 2, 5))) is None
    )


def test_day_and_month_swapped() -> None:
    a = Identite("Nguyen", "Claire Thi", date(1988, 5, 2))
    trouve = comparer(a, Identite("NGUYEN", "Claire Thi", date(1988, 2, 5)))
    assert trouve is not None and trouve.code == identite.INVERSION_JOUR_MOIS
    assert "02/05/1988" in trouve.motif and "05/02/1988" in trouve.motif
    # Near pairs: another year; swapped date and another first name.
    assert _code(a, Identite("Nguyen", "Claire Thi", date(1989, 2, 5))) is None
    assert _code(a, Identite("Nguyen", "Claire", date(1988, 2, 5))) is None


def test_date_swap_only_when_it_gives_another_valid_date() -> None:
    assert identite.date_permutee(date(1990, 3, 7)) == date(1990, 7, 3)
    assert identite.date_permutee(date(1990, 3, 13)) is None
    assert identite.date_permutee(date(1990, 4, 4)) is None
    assert identite.cle_naissance(date(1990, 3, 7)) == identite.cle_naissance(date(1990, 7, 3))


def test_confidence_ranks_the_rules() -> None:
    a = Identite("Dupont", "Jean", date(1980, 3, 7))
    confiances = [
        comparer(a, b).confiance  # type: ignore[union-attr]
        for b in (
            Identite("Dupont", "Jean", date(1980, 3, 7)),
            Identite("Jean", "Dupont", date(1980, 3, 7)),
            Identite("Dupond", "Jean", date(1980, 3, 7)),
            Identite("Dupont", "Jean", date(1980, 7, 3)),
        )
    ]
    assert confiances == sorted(confiances, reverse=True)
    assert confiances[0] == 1.0


@pytest.mark.parametrize(
    ("a", "b", "attendu"),
    [
        ("martin", "martin", True),
        ("martin", "martn", True),
        ("martin", "matrin", True),
        ("martin", "martina", True),
        ("martin", "nartin", True),
        ("martin", "mratni", False),
        ("martin", "marti", True),
        ("martin", "mar", False),
        ("ab", "ba", True),
        ("abc", "cab", False),
    ],
)
def test_damerau_levenshtein_distance_one(a: str, b: str, attendu: bool) -> None:
    assert identite.une_faute_au_plus(a, b) is attendu
    assert identite.une_faute_au_plus(b, a) is attendu
