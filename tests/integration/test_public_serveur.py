"""What ``make run`` prints for the public portal: its address, and the demo applicant once created."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from demo.demandeur import EMAIL, MOT_DE_PASSE, creer_demandeur_demo
from demo.donnees import BilanDemo, preparer_referentiel
from public_portal import serveur
from sne import migrate
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.models import LienDemande
from sne.services import comptes_demandeurs, espace_demandeur
from sne.uow import UnitOfWork
from tests.conftest import JOUR


def test_the_demo_applicant_signs_in_and_sees_a_renewable_demande(tmp_var: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_var / 'sne.sqlite3'}", var_dir=tmp_var, secret_key="x" * 40
    )
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    assert not serveur.demandeur_demo(settings)
    assert "http://127.0.0.1:8001/" in serveur.accueil("127.0.0.1:8001", False)
    preparer_referentiel(uow, BilanDemo("013"))
    numero = creer_demandeur_demo(uow, JOUR)
    assert numero is not None
    assert creer_demandeur_demo(uow, JOUR) is None  # once only
    assert serveur.demandeur_demo(settings)
    texte = serveur.accueil("127.0.0.1:8001", True)
    assert EMAIL in texte and MOT_DE_PASSE in texte
    compte = comptes_demandeurs.connecter(uow(), EMAIL, MOT_DE_PASSE)
    suivi = espace_demandeur.suivre(uow(), compte.id, numero, JOUR)
    assert suivi.renouvelable
    with uow() as unit:
        assert unit.session.scalar(select(LienDemande.confirme_le)) is not None
    engine.dispose()
