"""CUS rules on hand-computed households: consumption units, quartile boundary, QPV, DALO."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sne import codes
from sne.services import cus
from sne.services.cus import Attribution, Seuil

BAIL = date(2026, 6, 15)


def _attribution(**champs: object) -> Attribution:
    valeurs: dict[str, object] = {
        "numero": "0132026000001G1301",
        "qpv": "ZUSNON",
        "statut_dalo": "NON",
        "reservataire": "AUCUN",
        "accord_collectif": False,
        "code_postal": "13013",
        "logement_actuel": "LP",
        "ressources_par_uc": Decimal("9000"),
    }
    valeurs.update(champs)
    return Attribution(**valeurs)  # type: ignore[arg-type]


def test_the_codes_the_rules_read_are_in_the_official_lists() -> None:
    assert cus.MOTIF_ATTRIBUTION in codes.MOTIF_RADIATION
    assert {cus.QPV_OUI, cus.QPV_NON, cus.QPV_NSP} <= set(codes.ZUS_QPV)
    assert set(cus.ACCORDS_COLLECTIFS) <= set(codes.ACCORD_COLLECTIF)
    assert set(cus.DALO_PRIORITAIRES) <= set(codes.STATUT_DALO)
    assert cus.RESERVATAIRE_PRIORITAIRE in codes.RESERVATAIRE
    assert cus.LOGEMENT_SOCIAL in codes.LOGEMENT_ACTUEL
    assert cus.TYPE_PENSION_VERSEE in codes.RESSOURCE_VERSEE
    assert cus.TYPE_BAILLEUR in codes.TYPE_GUICHET
    assert {*cus.ROLES_HORS_MENAGE, cus.ROLE_DEMANDEUR} <= set(codes.ROLE_PERSONNE)


def test_age_counts_whole_years_on_the_lease_day() -> None:
    assert cus.age(date(2012, 6, 15), BAIL) == 14  # birthday that very day
    assert cus.age(date(2012, 6, 16), BAIL) == 13  # the day after
    assert cus.age(None, BAIL) is None


@pytest.mark.parametrize(
    ("ages", "attendu"),
    [
        ([40], "1"),  # a single adult
        ([40, 38, 10], "1.8"),  # couple with a child of 10: 1 + 0.5 + 0.3
        ([40, 14], "1.5"),  # a child of exactly 14 weighs as an adult
        ([40, 13, 2], "1.6"),  # two children under 14
        ([40, None], "1.5"),  # unknown age: the larger weight
    ],
)
def test_consumption_units_follow_the_modified_oecd_scale(
    ages: list[int | None], attendu: str
) -> None:
    assert cus.unites_consommation(ages) == Decimal(attendu)


def test_yearly_resources_deduct_the_alimony_paid() -> None:
    assert cus.ressources_annuelles(
        [("SAL", Decimal("2000")), ("AF", Decimal("150")), ("PAV", Decimal("300"))]
    ) == Decimal("22200")
    assert cus.ressources_annuelles([("PAV", Decimal("300"))]) == 0


def test_first_quartile_includes_its_boundary() -> None:
    # Couple + child of 10, 1500 + 600 a month: 25 200 a year / 1.8 UC = 14 000 per UC.
    par_uc = cus.ressources_annuelles(
        [("SAL", Decimal("1500")), ("SAL", Decimal("600"))]
    ) / cus.unites_consommation([40, 38, 10])
    assert par_uc == Decimal("14000")
    assert cus.premier_quartile(par_uc, Decimal("14000")) is True
    assert cus.premier_quartile(par_uc, Decimal("13999.99")) is False
    assert cus.premier_quartile(None, Decimal("14000")) is None
    assert cus.premier_quartile(par_uc, None) is None


@pytest.mark.parametrize(
    ("qpv", "hors"), [("ZUSNON", True), ("ZUSOUI", False), ("ZUSNSP", False), (None, False)]
)
def test_only_a_known_non_qpv_dwelling_is_outside_qpv(qpv: str | None, hors: bool) -> None:
    assert _attribution(qpv=qpv).hors_qpv is hors


@pytest.mark.parametrize(
    ("statut", "dalo"), [("ACTIF", True), ("ACTREL", True), ("CADUC", False), ("NON", False)]
)
def test_dalo_households_are_active_recourse_or_rehousing(statut: str, dalo: bool) -> None:
    attribution = _attribution(statut_dalo=statut)
    assert attribution.dalo is dalo
    assert attribution.prioritaire is dalo


def test_priority_households_also_come_from_the_prefect_or_a_collective_agreement() -> None:
    assert _attribution(statut_dalo="CADUC", reservataire="PPRIOR").prioritaire
    assert _attribution(accord_collectif=True).prioritaire
    assert not _attribution(reservataire="COLACT").prioritaire


def test_departement_of_the_dwelling() -> None:
    assert cus.departement("13013") == "13"
    assert cus.departement("97400") == "974"
    assert cus.departement(None) == "inconnu"


SEUILS = [
    Seuil(2026, "200054807", "Métropole Aix-Marseille-Provence", Decimal("8000"), ("13013",)),
    Seuil(2026, "241300417", "CA Arles-Crau-Camargue", Decimal("7000"), ("13200",)),
]


def test_ps1_counts_first_quartile_households_outside_qpv_by_epci() -> None:
    attributions = [
        _attribution(ressources_par_uc=Decimal("8000")),  # Q1 at the boundary
        _attribution(ressources_par_uc=Decimal("8000.01")),  # just above
        _attribution(ressources_par_uc=Decimal("100"), qpv="ZUSOUI"),  # in QPV: not counted
        _attribution(ressources_par_uc=Decimal("100"), qpv="ZUSNSP"),  # unknown: set apart
        _attribution(ressources_par_uc=None),  # purged household: outside, unknown resources
        _attribution(code_postal="13200", ressources_par_uc=Decimal("6999")),
        _attribution(code_postal="84000", ressources_par_uc=Decimal("1")),  # no threshold
    ]
    tableau = cus.tableau_ps1(attributions, SEUILS, "HMP", 2026)
    assert tableau.lignes == (
        ("CA Arles-Crau-Camargue (241300417)", Decimal("7000"), 1, 1, 100.0, 0, 0),
        ("Métropole Aix-Marseille-Provence (200054807)", Decimal("8000"), 1, 3, 33.3, 1, 1),
        ("EPCI sans seuil saisi", None, 0, 1, None, 0, 0),
    )
    assert "0,3 par enfant de moins de 14 ans" in tableau.note


def test_ps2_ps3_pp5_give_numerator_and_denominator() -> None:
    attributions = [
        _attribution(statut_dalo="ACTIF", qpv="ZUSNON"),
        _attribution(statut_dalo="ACTREL", qpv="ZUSOUI"),
        _attribution(reservataire="PPRIOR", qpv="ZUSNSP", code_postal="84000"),
        _attribution(logement_actuel="HLM"),
        _attribution(statut_dalo="CADUC"),
    ]
    ps2 = cus.tableau_ps2(attributions, "HMP", 2026)
    assert ps2.lignes == (
        ("13", 2, 4, 50.0, 1, 50.0),
        ("84", 1, 1, 100.0, 0, 0.0),
        ("Total", 3, 5, 60.0, 1, 33.3),
    )
    assert cus.tableau_ps3(attributions, "HMP", 2026).lignes == ((2, 5, 40.0, 1, 50.0),)
    assert cus.tableau_pp5(attributions, "HMP", 2026).lignes == ((1, 5, 20.0),)
