"""The migration to the official code lists converts stored rows both ways, on both backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from sne import migrate
from sne.db import make_engine
from sne.services import demandes, radiation
from sne.uow import UnitOfWork
from tests.conftest import JOUR, POSTGRES_URL
from tests.factories import Referentiel, document_demande

AVANT = "a4d1e2f3b5c6"
APRES = "1a2b3c4d5e08"
#: (ZUS/QPV, accord collectif, typologie) recorded by each attribution, in the new codes.
ATTRIBUTIONS = [
    ("ZUSOUI", "ACD", "T4"),
    ("ZUSNON", "AUCUN", "T1"),
    ("ZUSNSP", "NONDOC", "T2"),
    ("ZUSOUI", "ACI", "T3"),
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def base_neuve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, migrated to head (this test moves its schema back and forth)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'codes.sqlite3'}")
        migrate.upgrade(engine)
        yield engine
        engine.dispose()
        return
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/sne_test_codes_{os.getpid()}"
    try:
        engine = migrate.recreer_base_postgres(url)
    except Exception as error:  # noqa: BLE001 - any connection failure means "unreachable"
        pytest.skip(f"PostgreSQL injoignable : {error}")
    yield engine
    engine.dispose()
    migrate.supprimer_base_postgres(url)


def _vers(engine: Engine, revision: str, *, descendre: bool) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if descendre else command.upgrade)(config, revision)


def _lignes(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(ligne) for ligne in connection.execute(text(sql))]


def _radiations(engine: Engine) -> list[tuple[object, ...]]:
    return _lignes(
        engine,
        "SELECT logement_zus_qpv, accord_collectif, logement_typologie FROM radiation ORDER BY id",
    )


def _liens(engine: Engine) -> list[tuple[object, ...]]:
    return _lignes(engine, "SELECT role, lien, civilite FROM personne ORDER BY demande_id, rang")


def _remplir(engine: Engine) -> None:
    """Four radiated demandes (one per attribution) and every kind of link and civilité."""
    ref = Referentiel(lambda: UnitOfWork(sessionmaker(bind=engine, expire_on_commit=False)))
    for rang, (zus, accord, typologie) in enumerate(ATTRIBUTIONS):
        numero = demandes.enregistrer(
            ref.uow(), ref.agent, document_demande(foyer=rang), aujourd_hui=JOUR
        ).numero
        radiation.radier(
            ref.uow(),
            ref.agent,
            numero,
            "RADATT",
            aujourd_hui=date(2026, 9, 2),
            donnees={
                "logement_adresse": "4 allée des Pins",
                "logement_code_postal": "13013",
                "logement_commune": "Marseille",
                "logement_zus_qpv": zus,
                "logement_surface": 60,
                "logement_typologie": typologie,
                "reservataire": "PPRIOR",
                "statut_dalo": "NON",
                "accord_collectif": accord,
                "date_bail": "2026-09-01",
                "bailleur": "Habitat Marseille Provence",
            },
        )
    with engine.begin() as connection:
        # Links the registration forms do not give here, written as a take-over would store them.
        connection.execute(
            text(
                "UPDATE personne SET lien = 'P' WHERE role = 'a_charge' AND rang = 3 AND demande_id = 2"
            )
        )
        connection.execute(
            text(
                "UPDATE personne SET lien = 'A' WHERE role = 'a_charge' AND rang = 3 AND demande_id = 3"
            )
        )
        connection.execute(
            text("UPDATE personne SET civilite = '3' WHERE role = 'demandeur' AND demande_id = 4")
        )


def test_stored_codes_go_back_to_the_old_lists_and_forward_again(base_neuve: Engine) -> None:
    _remplir(base_neuve)
    radiations, liens = _radiations(base_neuve), _liens(base_neuve)
    assert radiations == [tuple(a) for a in ATTRIBUTIONS]
    assert ("cotitulaire", "M", "1") in liens
    assert [lien for role, lien, _ in liens if role == "a_charge"] == ["E", "P", "A", "E"]

    _vers(base_neuve, AVANT, descendre=True)
    anciennes = _radiations(base_neuve)
    assert [(zus, typologie) for zus, _, typologie in anciennes] == [
        ("OUI", "T4"),
        ("NON", "T1"),
        ("NSP", "T2"),
        ("OUI", "T3"),
    ]
    assert [None if a is None else bool(a) for _, a, _ in anciennes] == [True, False, None, True]
    anciens_liens = _liens(base_neuve)
    assert [lien for role, lien, _ in anciens_liens if role == "a_charge"] == [
        "ENF",
        "ASC",
        "AUT",
        "ENF",
    ]
    assert ("cotitulaire", "M", "1") in anciens_liens  # a co-holder's link is not a lienParente
    assert "3" not in {civilite for _, _, civilite in anciens_liens}

    with base_neuve.begin() as connection:  # what only the old lists could say
        connection.execute(text("UPDATE radiation SET logement_typologie = 'C' WHERE id = 1"))
        connection.execute(text("UPDATE personne SET lien = 'COL' WHERE lien = 'AUT'"))
    _vers(base_neuve, APRES, descendre=False)
    assert _radiations(base_neuve) == [
        ("ZUSOUI", "ACD", "T1"),
        ("ZUSNON", "AUCUN", "T1"),
        ("ZUSNSP", None, "T2"),
        ("ZUSOUI", "ACD", "T3"),
    ]
    assert [lien for role, lien, _ in _liens(base_neuve) if role == "a_charge"] == [
        "E",
        "P",
        "A",
        "E",
    ]


def _handicap(engine: Engine) -> list[tuple[object, ...]]:
    return _lignes(
        engine,
        "SELECT handicap_logement_adapte, handicap_fauteuil_roulant FROM demande ORDER BY id",
    )


def test_the_disability_questions_become_oui_non_nondoc_and_keep_the_radiations(
    base_neuve: Engine,
) -> None:
    """A ticked box is OUI, an unticked one NONDOC (it never said no); nothing else is lost."""
    _remplir(base_neuve)
    with base_neuve.begin() as connection:
        connection.execute(text("UPDATE demande SET handicap_logement_adapte = 'OUI' WHERE id = 1"))
        connection.execute(
            text("UPDATE demande SET handicap_fauteuil_roulant = 'NON' WHERE id = 2")
        )
    radiations = _radiations(base_neuve)

    _vers(base_neuve, "1a2b3c4d5e12", descendre=True)
    assert [tuple(bool(v) for v in ligne) for ligne in _handicap(base_neuve)] == [
        (True, False),
        (False, False),
        (False, False),
        (False, False),
    ]
    with base_neuve.begin() as connection:  # what the check box could say
        connection.execute(text("UPDATE demande SET handicap_fauteuil_roulant = true WHERE id = 3"))
    _vers(base_neuve, "head", descendre=False)
    assert _handicap(base_neuve) == [
        ("OUI", "NONDOC"),
        ("NONDOC", "NONDOC"),
        ("NONDOC", "OUI"),
        ("NONDOC", "NONDOC"),
    ]
    assert _radiations(base_neuve) == radiations  # the table was not rebuilt: nothing cascaded
