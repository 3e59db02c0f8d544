"""What ``make run`` relies on: an empty database is told apart, the demo accounts are printed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from demo.donnees import DEMO_MOT_DE_PASSE, BilanDemo, preparer_referentiel
from guichet_portal import serveur
from sne import migrate
from sne.acteurs import acteur_pour
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.services import demandes
from sne.uow import UnitOfWork
from tests.conftest import JOUR
from tests.factories import document_demande


def test_an_empty_database_then_the_demo_accounts_one_per_role(tmp_var: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_var / 'sne.sqlite3'}", var_dir=tmp_var, secret_key="x" * 40
    )
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    assert serveur.base_vide(settings)
    assert serveur.comptes_demo(settings) == []

    preparer_referentiel(lambda: UnitOfWork(factory), BilanDemo("013"))
    # The demo's accounts, whose password is printed, sign in straight away.
    assert all(not changer for _, _, changer in serveur.comptes_demo(settings))
    with UnitOfWork(factory) as uow:
        uow.session.execute(text("UPDATE utilisateur SET mot_de_passe_a_changer = true"))
        uow.commit()
    # An account opened by someone else must choose its password at first sign-in: said.
    assert "première connexion" in serveur.accueil("127.0.0.1:8000", serveur.comptes_demo(settings))
    with UnitOfWork(factory) as uow:
        agent = acteur_pour(uow.session, "agent.nord")
        uow.session.execute(text("UPDATE utilisateur SET mot_de_passe_a_changer = false"))
        uow.commit()
    demandes.enregistrer(UnitOfWork(factory), agent, document_demande(), aujourd_hui=JOUR)
    engine.dispose()
    assert not serveur.base_vide(settings)

    comptes = serveur.comptes_demo(settings)
    assert [login for login, _, _ in comptes] == [
        "agent.nord",
        "gestion.13",
        "consult.liste",
        "consult.standard",
        "consult.complet",
        "operateur.scan",
    ]
    texte = serveur.accueil("127.0.0.1:8000", comptes)
    assert "http://127.0.0.1:8000/" in texte
    assert DEMO_MOT_DE_PASSE in texte
    assert "agent.nord        agent de guichet" in texte
    assert "première connexion" not in texte  # no account must change its password
