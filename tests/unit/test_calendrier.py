"""French public holidays and the two-working-day deadline of the digitisation service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sne.calendrier import ajouter_jours_ouvres, est_jour_ouvre, jours_feries, paques, subdivision


def test_easter_of_known_years() -> None:
    assert [paques(a) for a in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


def test_holidays_of_2026() -> None:
    assert sorted(jours_feries(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # lundi de Pâques
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # lundi de Pentecôte
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


def test_alsace_moselle_adds_good_friday_and_saint_stephen() -> None:
    assert jours_feries(2026, "057") - jours_feries(2026) == {date(2026, 4, 3), date(2026, 12, 26)}
    assert est_jour_ouvre(date(2026, 4, 3), "013")
    assert not est_jour_ouvre(date(2026, 4, 3), "067")


def test_two_working_days_after_reception() -> None:
    assert ajouter_jours_ouvres(date(2026, 3, 16), 2) == date(2026, 3, 18)  # Monday -> Wednesday
    assert ajouter_jours_ouvres(date(2026, 3, 19), 2) == date(2026, 3, 23)  # Thursday -> Monday
    assert ajouter_jours_ouvres(date(2026, 3, 21), 2) == date(2026, 3, 24)  # Saturday -> Tuesday
    assert ajouter_jours_ouvres(date(2026, 4, 2), 2) == date(2026, 4, 7)  # over Easter Monday
    assert ajouter_jours_ouvres(date(2026, 4, 2), 2, "068") == date(2026, 4, 8)  # + Good Friday
    assert ajouter_jours_ouvres(date(2026, 5, 7), 2) == date(2026, 5, 12)  # 8 May, weekend
    assert ajouter_jours_ouvres(date(2026, 12, 24), 2, "057") == date(2026, 12, 29)


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(0, 30))
def test_deadline_is_a_working_day_with_exactly_n_working_days_in_between(
    jour: date, n: int
) -> None:
    fin = ajouter_jours_ouvres(jour, n)
    ouvres = sum(est_jour_ouvre(jour + timedelta(days=k)) for k in range(1, (fin - jour).days + 1))
    assert ouvres == n
    assert n == 0 or est_jour_ouvre(fin)


@pytest.mark.parametrize(
    ("territoire", "jour_propre", "reception", "echeance_metropole", "echeance_locale"),
    [
        # Abolition of slavery, each overseas département on its own day.
        ("971", date(2026, 5, 27), date(2026, 5, 26), date(2026, 5, 28), date(2026, 5, 29)),
        ("972", date(2026, 5, 22), date(2026, 5, 21), date(2026, 5, 26), date(2026, 5, 27)),
        ("973", date(2026, 6, 10), date(2026, 6, 9), date(2026, 6, 11), date(2026, 6, 12)),
        ("974", date(2027, 12, 20), date(2027, 12, 17), date(2027, 12, 21), date(2027, 12, 22)),
        ("976", date(2026, 4, 27), date(2026, 4, 24), date(2026, 4, 28), date(2026, 4, 29)),
    ],
)
def test_overseas_departement_keeps_its_own_day_off(
    territoire: str,
    jour_propre: date,
    reception: date,
    echeance_metropole: date,
    echeance_locale: date,
) -> None:
    assert jour_propre in jours_feries(jour_propre.year, territoire)
    assert jour_propre not in jours_feries(jour_propre.year, "013")
    assert not est_jour_ouvre(jour_propre, territoire)
    assert est_jour_ouvre(jour_propre, "013")
    assert ajouter_jours_ouvres(reception, 2, "013") == echeance_metropole
    assert ajouter_jours_ouvres(reception, 2, territoire) == echeance_locale


def test_guadeloupe_also_rests_on_good_friday_and_mi_careme() -> None:
    assert {date(2026, 3, 12), date(2026, 4, 3), date(2026, 7, 21)} <= jours_feries(2026, "971")


def test_territory_codes_map_to_the_right_calendar() -> None:
    assert subdivision("013") is None
    assert subdivision("02A") is None
    assert subdivision("111") is None  # Île-de-France
    assert subdivision("57") == subdivision("057") == "57"
    assert subdivision("067") == subdivision("068") == "6AE"
    assert [subdivision(code) for code in ("971", "972", "973", "974", "976")] == [
        "971",
        "972",
        "973",
        "974",
        "976",
    ]
    assert jours_feries(2026, "111") == jours_feries(2026, "02A") == jours_feries(2026)
