"""CUS tables from recorded attributions on SQLite and PostgreSQL: scope, thresholds, export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sne.documents import tableur
from sne.errors import Forbidden, NotFound, ValidationError
from sne.services import cus, demandes, radiation
from tests.conftest import JOUR
from tests.factories import ATTRIBUTION, Referentiel, document_demande
from tests.ods import lignes_ods

HMP = "Habitat Marseille Provence"
# The factories' household: 1650 + 1320.50 a month = 35 646 a year; couple and a child of 6:
# 1 + 0.5 + 0.3 = 1.8 UC, so 19 803.33 € per UC and per year.
PAR_UC = "19803.33"
CSV = (
    "annee;epci;nom;seuil;codes_postaux\n"
    f"2026;200054807;Métropole Aix-Marseille-Provence;{PAR_UC.replace('.', ',')};13013 13001\n"
).encode()


def _attribuer(ref: Referentiel, foyer: int, *, autre: bool = False, **champs: object) -> str:
    agent = ref.autre_agent if autre else ref.agent
    numero = demandes.enregistrer(
        ref.uow(), agent, document_demande(foyer=foyer), aujourd_hui=JOUR
    ).numero
    radiation.radier(
        ref.uow(),
        agent,
        numero,
        "RADATT",
        aujourd_hui=date(2026, 9, 2),
        donnees={**ATTRIBUTION, "bailleur": HMP, **champs},
    )
    return numero


@pytest.fixture
def attributions(ref: Referentiel) -> None:
    _attribuer(
        ref,
        1,
        logement_zus_qpv="ZUSNON",
        statut_dalo="NON",
        reservataire="AUCUN",
        accord_collectif="AUCUN",
    )
    _attribuer(ref, 2, logement_zus_qpv="ZUSNON", statut_dalo="ACTIF")
    _attribuer(
        ref,
        3,
        logement_zus_qpv="ZUSNSP",
        statut_dalo="CADUC",
        reservataire="AUCUN",
        accord_collectif="AUCUN",
    )
    _attribuer(ref, 4, autre=True, bailleur="Logis du Midi")
    _attribuer(ref, 5, date_bail="2025-12-20")  # another year


def test_landlord_agents_see_their_landlord_and_the_manager_sees_all(
    ref: Referentiel, attributions: None
) -> None:
    assert cus.bailleurs(ref.uow(), ref.gestionnaire) == [HMP, "Logis du Midi"]
    assert cus.bailleurs(ref.uow(), ref.agent) == [HMP]  # a landlord's guichet
    assert cus.bailleurs(ref.uow(), ref.autre_agent) == []  # a commune's guichet
    with pytest.raises(NotFound):
        cus.tableaux(ref.uow(), ref.agent, "Logis du Midi", 2026)
    with pytest.raises(NotFound):
        cus.tableaux(ref.uow(), ref.autre_agent, HMP, 2026)
    with pytest.raises(Forbidden):
        cus.bailleurs(ref.uow(), ref.comptes["consultant_complet"])


def test_tables_of_a_year_with_an_imported_threshold(ref: Referentiel, attributions: None) -> None:
    assert cus.importer_seuils(ref.uow(), ref.gestionnaire, CSV) == 1
    (seuil,) = cus.seuils(ref.uow(), ref.gestionnaire, 2026)
    assert seuil.seuil == Decimal(PAR_UC) and seuil.codes_postaux == ("13013", "13001")
    resultat = cus.tableaux(ref.uow(), ref.agent, HMP, 2026)
    assert resultat.attributions == 3  # the 2025 lease is another year's
    ps1 = resultat.tableaux["ps1"]
    # Two outside QPV, both exactly at the threshold: first quartile; the NSP one apart.
    assert ps1.lignes == (
        ("Métropole Aix-Marseille-Provence (200054807)", Decimal(PAR_UC), 2, 2, 100.0, 1, 0),
    )
    assert resultat.tableaux["ps3"].lignes == ((1, 3, 33.3, 1, 100.0),)
    assert resultat.tableaux["pp5"].lignes == ((0, 3, 0.0),)
    relu = lignes_ods(tableur.en_ods(ps1))
    assert relu[1][2:4] == [2.0, 2.0]
    assert relu[-1][0].startswith("PS-1 : attributions hors QPV")
    # One cent lower, the same households are above the first quartile.
    cus.enregistrer_seuil(
        ref.uow(),
        ref.gestionnaire,
        annee="2026",
        epci_code="200054807",
        epci_nom="Métropole Aix-Marseille-Provence",
        seuil="19803,32",
        codes_postaux="13013",
    )
    ps1 = cus.tableaux(ref.uow(), ref.gestionnaire, HMP, 2026).tableaux["ps1"]
    assert ps1.lignes[0][2:5] == (0, 2, 0.0)


def test_a_bad_threshold_file_is_refused_whole_with_its_lines(ref: Referentiel) -> None:
    mauvais = CSV + b"2026;12345;CA Arles;abc;13200\n"
    with pytest.raises(ValidationError) as erreur:
        cus.importer_seuils(ref.uow(), ref.gestionnaire, mauvais)
    assert set(erreur.value.problems) == {"ligne 3 (epci_code)", "ligne 3 (seuil)"}
    assert cus.seuils(ref.uow(), ref.gestionnaire, 2026) == []
    with pytest.raises(Forbidden):
        cus.importer_seuils(ref.uow(), ref.agent, CSV)
