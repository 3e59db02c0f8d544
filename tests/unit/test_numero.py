"""The numéro unique: format, parsing and the precise reason of each refusal."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sne import numero
from sne.numero import NumeroInvalide


def test_build_matches_the_documented_example() -> None:
    assert numero.construire("111", date(2018, 3, 14), 16982, "G1104") == "1110318016982G1104"


def test_public_portal_number_parses_into_its_parts() -> None:
    parts = numero.analyser("1111023517879GDPUB")
    assert (parts.territoire, parts.mois, parts.annee, parts.sequence, parts.guichet) == (
        "111",
        10,
        23,
        517879,
        "GDPUB",
    )


def test_corsica_and_overseas_territories_are_valid() -> None:
    assert numero.est_valide(numero.construire("02A", date(2026, 1, 5), 1, "G2A01"))
    assert numero.est_valide(numero.construire("974", date(2026, 12, 31), 999_999, "G9740"))


def test_typed_number_with_spaces_and_lower_case_is_normalised() -> None:
    assert str(numero.analyser(" 013 03 26 000042 g1301 ")) == "0130326000042G1301"


@pytest.mark.parametrize(
    ("texte", "raison"),
    [
        ("013032600004G1301", "18 caractères"),
        ("0131326000042G1301", "mois"),
        ("0130026000042G1301", "mois"),
        ("0130326000000G1301", "000000"),
        ("0000326000042G1301", "territoire"),
        ("0130326000042X1301", "forme attendue"),
        ("0130326000042G13-1", "18 caractères"),
    ],
)
def test_each_malformed_number_gets_its_reason(texte: str, raison: str) -> None:
    with pytest.raises(NumeroInvalide) as error:
        numero.analyser(texte)
    assert raison in error.value.message
    assert error.value.code == "NUMERO_INVALIDE"


def test_build_refuses_out_of_range_parts() -> None:
    with pytest.raises(NumeroInvalide):
        numero.construire("013", date(2026, 1, 1), 1_000_000, "G1301")
    with pytest.raises(NumeroInvalide):
        numero.construire("013", date(2026, 1, 1), 0, "G1301")
    with pytest.raises(NumeroInvalide):
        numero.construire("13", date(2026, 1, 1), 1, "G1301")
    with pytest.raises(NumeroInvalide):
        numero.construire("013", date(2026, 1, 1), 1, "1301")


@given(
    st.sampled_from(["013", "02A", "02B", "075", "111", "974", "976"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=999_999),
    st.from_regex(r"G[A-Z0-9]{4}", fullmatch=True),
)
def test_build_then_parse_round_trips(
    territoire: str, jour: date, sequence: int, guichet: str
) -> None:
    texte = numero.construire(territoire, jour, sequence, guichet)
    assert len(texte) == 18
    parts = numero.analyser(texte)
    assert (parts.territoire, parts.mois, parts.annee, parts.sequence, parts.guichet) == (
        territoire,
        jour.month,
        jour.year % 100,
        sequence,
        guichet,
    )
