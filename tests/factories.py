"""Factories for tests: a ready territory with accounts, and a valid Cerfa document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sne.acteurs import Acteur, acteur_pour
from sne.config import Settings
from sne.services import referentiel
from sne.uow import UnitOfWork

if TYPE_CHECKING:
    from workers.jobs import JobContext

JOUR = date(2026, 3, 16)  # a Monday; every dated rule is tested at fixed dates
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
                "lien": "E",
            },
        ],
    }
    if foyer:
        demandeur, cotitulaire = document["personnes"][:2]
        demandeur["date_naissance"] = _naissance_distincte(date(1988, 5, 20), foyer)
        cotitulaire["date_naissance"] = _naissance_distincte(date(1985, 11, 20), foyer)
    document.update(overrides)
    return document


# Scanned batches and jobs: shared by the pipeline, notification, deadline and upload tests.

OPERATEUR = Acteur(
    utilisateur_id=None, login="operateur", role="operateur_numerisation", territoire_code="013"
)
#: The piece types of the two demandes of ``deposer_envoi``'s sending.
TYPES_ENVOI = [("carte_identite", "avis_imposition"), ("bulletin_salaire",)]
RADIATION_DAY = "2027-04-16"  # 13 months after JOUR: a demande of JOUR is radiated that day


def enregistrer_demande(ref: Referentiel, foyer: int = 0) -> str:
    """Register a valid demande on JOUR at the referential's guichet; return its numéro."""
    from sne.services import demandes

    return demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=foyer), aujourd_hui=JOUR
    ).numero


class Chaine(NamedTuple):
    """A committed SQLite database with its referential, and the context jobs run in."""

    settings: Settings
    uow: Callable[[], UnitOfWork]
    ref: Referentiel
    ctx: JobContext


def nouvelle_chaine(settings: Settings) -> Chaine:
    """Migrate ``settings``' database, create the referential and the jobs' context."""
    from sne import migrate
    from sne.db import make_engine, make_session_factory
    from workers.queue import context

    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    return Chaine(settings, uow, Referentiel(uow), context(settings, factory))


def deposer_envoi(
    chaine: Chaine, tmp_path: Path, recu_le: datetime | None = None, canal: str = "courrier_guichet"
) -> int:
    """Prepare a sending of two demandes, print and scan it, deposit the batch; return its id."""
    from demo.envoi import preparer, scanner_envoi
    from sne.documents.cles import keyring_for
    from sne.services import lots

    settings, uow, ref = chaine.settings, chaine.uow, chaine.ref
    numeros = [enregistrer_demande(ref, foyer=i) for i in range(len(TYPES_ENVOI))]
    identifiant = preparer(uow, ref.agent, numeros, TYPES_ENVOI, JOUR)
    chemin = scanner_envoi(
        uow, identifiant, TYPES_ENVOI, tmp_path / "envoi.pdf", keyring_for(settings), dpi=100
    )
    return lots.deposer(
        uow(),
        OPERATEUR,
        chemin,
        canal=canal,
        storage=chaine.ctx.store,
        enqueue=lambda _: None,
        guichet=ref.guichet,
        recu_le=recu_le,
    ).id


def base_avec_demande(tmp_path: Path) -> tuple[Settings, str]:
    """A committed SQLite database with one demande registered on JOUR."""
    chaine = nouvelle_chaine(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'sne.sqlite3'}",
            var_dir=tmp_path,
            secret_key="k" * 40,
        )
    )
    return chaine.settings, enregistrer_demande(chaine.ref)


def travailler_en_rafale(settings: Settings, redis_url: str) -> None:
    """Run ``sne worker --burst`` in a real process on these settings until the queues are empty."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": redis_url,
        "SNE_VAR_DIR": str(settings.var_dir),
        "SNE_SECRET_KEY": settings.secret_key,
    }
    worker = subprocess.run(
        [sys.executable, "-m", "sne.cli", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr


def statut_demande(settings: Settings, numero: str) -> str:
    """The status of the demande ``numero`` in ``settings``' database."""
    from sqlalchemy import select

    from sne.db import make_engine, make_session_factory
    from sne.models import Demande

    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        statut = session.scalar(select(Demande.statut).where(Demande.numero == numero))
    engine.dispose()
    assert statut is not None
    return statut


def pdf_valide(path: Path, pages: int = 1) -> Path:
    """Write a real PDF of ``pages`` blank pages at ``path`` (its /ID differs at each call)."""
    import pikepdf

    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page()
        pdf.save(path)
    return path


#: Every datum a radiation on attribution (RADATT) asks for, with official codes.
ATTRIBUTION = {
    "logement_adresse": "4 allée des Pins, bât. C, apt 12",
    "logement_code_postal": "13013",
    "logement_commune": "Marseille",
    "logement_rpls": "RPLS0013-000451",
    "logement_zus_qpv": "ZUSOUI",
    "logement_surface": 67,
    "logement_typologie": "T3",
    "reservataire": "PPRIOR",
    "statut_dalo": "ACTIF",
    "accord_collectif": "ACI",
    "date_bail": "2026-09-01",
    "bailleur": "Habitat Marseille Provence",
}


class FileEnregistree:
    """A job queue that records what is enqueued instead of running it (replaces a portal's)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Record ``job`` and its arguments."""
        self.jobs.append((job, arguments))
        return f"job-{len(self.jobs)}"


# --- Online filing (public portal, helper "depot") ---
#: Households of the online filing's tests (their range avoids other journeys' duplicates).
FOYERS_EN_LIGNE = range(100, 120)
MOT_DE_PASSE_DEMANDEUR = "un mot de passe assez long"


def guichet_en_ligne(ref: Referentiel) -> None:
    """Create the public portal's guichet GDPUB in the test territory (as ``sne demo`` does)."""
    referentiel.creer_guichet(
        ref.uow(),
        ADMIN,
        code="GDPUB",
        nom="Portail grand public",
        type="PORTAIL",
        territoire=ref.territoire,
    )


def compte_demandeur(ref: Referentiel, email: str) -> int:
    """A confirmed applicant's account (password ``MOT_DE_PASSE_DEMANDEUR``); its id."""
    from sne.models import CompteDemandeur
    from sne.uow import utcnow

    with ref.uow() as unit:
        compte = CompteDemandeur(
            email=email,
            password_hash=referentiel.hacher(MOT_DE_PASSE_DEMANDEUR),
            jeton_session=f"jeton-{email}",
            confirme_le=utcnow(),
            created_at=utcnow(),
        )
        unit.session.add(compte)
        unit.session.commit()
        return compte.id


#: A radiation on attribution as a former system records it (motif, day, every datum).
RADIATION_ATTRIBUTION: dict[str, Any] = {
    "motif": "RADATT",
    "date_radiation": date(2026, 1, 20),
    **ATTRIBUTION,
    "commentaire": "Bail signé en agence",
    "typologie_dalo": "43",
    "date_bail": date(2026, 1, 15),
}
