"""Factories for tests: a ready territory with accounts, and a valid Cerfa document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sne.acteurs import Acteur, acteur_pour
from sne.services import referentiel
from sne.uow import UnitOfWork

ADMIN = Acteur(
    utilisateur_id=None, login="admin-tests", role="administrateur", territoire_code=None
)


class Referentiel:
    """A territory with two guichets and accounts of every role, created through the services."""

    def __init__(self, uow: Callable[[], UnitOfWork], territoire: str = "013") -> None:
        self.uow = uow
        self.territoire = territoire
        referentiel.creer_territoire(uow(), ADMIN, territoire, "Bouches-du-Rhône")
        suffix = territoire[-2:]
        self.guichet = f"G{suffix}01"
        self.autre_guichet = f"G{suffix}02"
        referentiel.creer_guichet(
            uow(),
            ADMIN,
            code=self.guichet,
            nom="Habitat Marseille Provence",
            type="BAILLEUR",
            territoire=territoire,
            referent_email="referent@hmp.example.fr",
        )
        referentiel.creer_guichet(
            uow(),
            ADMIN,
            code=self.autre_guichet,
            nom="Mairie d'Aubagne",
            type="COMMUNE",
            territoire=territoire,
        )
        self.comptes: dict[str, Acteur] = {}
        for login, role, guichet in (
            (f"agent{suffix}", "agent_guichet", self.guichet),
            (f"agent{suffix}b", "agent_guichet", self.autre_guichet),
            (f"gestion{suffix}", "gestionnaire_territorial", None),
            (f"consult{suffix}", "consultant_complet", None),
        ):
            referentiel.creer_utilisateur(
                uow(),
                ADMIN,
                login=login,
                nom="Test",
                prenom=role,
                role=role,
                mot_de_passe="correct horse battery",
                guichet=guichet,
                territoire=None if guichet else territoire,
            )
            with uow() as unit:
                self.comptes[role if role not in self.comptes else role + "_b"] = acteur_pour(
                    unit.session, login
                )

    @property
    def agent(self) -> Acteur:
        return self.comptes["agent_guichet"]

    @property
    def autre_agent(self) -> Acteur:
        return self.comptes["agent_guichet_b"]

    @property
    def gestionnaire(self) -> Acteur:
        return self.comptes["gestionnaire_territorial"]

    @property
    def consultant(self) -> Acteur:
        return self.comptes["consultant_complet"]


def _naissance_distincte(depart: date, foyer: int) -> str:
    """The ``foyer``-th birth date before ``depart`` whose day exceeds 12.

    Such dates can be neither equal nor a day/month swap of one another, so
    households numbered differently never look like duplicates.
    """
    jour, rang = depart, 0
    while rang < foyer:
        jour -= timedelta(days=1)
        if jour.day > 12:
            rang += 1
    return jour.isoformat()


def document_demande(*, foyer: int = 0, **overrides: Any) -> dict[str, Any]:
    """A complete, valid Cerfa document for a couple with a child; ``overrides`` replace keys.

    The same persons every time (a duplicate of the previous call), unless
    ``foyer`` numbers a distinct household: then the applicant and co-holder
    are born on other days.
    """
    document: dict[str, Any] = {
        "type_demandeur": "physique",
        "adresse_ligne1": "12 rue des Tanneurs",
        "code_postal": "13002",
        "commune": "Marseille",
        "email": "claire.nguyen@example.fr",
        "telephone_portable": "06 12 34 56 78",
        "consentement_sms": True,
        "situation_familiale": "M",
        "revenu_fiscal_n1": 24_300,
        "revenu_fiscal_n2": 23_900,
        "logement_actuel": "LP",
        "logement_actuel_loyer": "780.00",
        "logement_actuel_surface": 38,
        "logement_actuel_type": "T2",
        "motifs": ["09", "13"],
        "types_logement": ["T3", "T4"],
        "categorie_logement": "A",
        "communes_souhaitees": ["13055", "13005"],
        "demande_elargie": True,
        "personnes": [
            {
                "role": "demandeur",
                "civilite": "2",
                "nom_naissance": "Nguyen",
                "prenoms": "Claire Thi",
                "date_naissance": "1988-05-02",
                "nationalite": "1",
                "contrat_travail": "CDI",
                "profession": "Aide-soignante",
                "ressources": [{"type": "SAL", "montant_mensuel": "1650.00"}],
            },
            {
                "role": "cotitulaire",
                "civilite": "1",
                "nom_naissance": "Benali",
                "prenoms": "Karim",
                "date_naissance": "1985-11-20",
                "nationalite": "3",
                "lien": "M",
                "contrat_travail": "CDD",
                "ressources": [{"type": "SAL", "montant_mensuel": "1320.50"}],
            },
            {
                "role": "a_charge",
                "nom_naissance": "Benali",
                "prenoms": "Inès",
                "date_naissance": "2019-09-01",
                "lien": "ENF",
            },
        ],
    }
    if foyer:
        demandeur, cotitulaire = document["personnes"][:2]
        demandeur["date_naissance"] = _naissance_distincte(date(1988, 5, 20), foyer)
        cotitulaire["date_naissance"] = _naissance_distincte(date(1985, 11, 20), foyer)
    document.update(overrides)
    return document
