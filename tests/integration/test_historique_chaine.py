"""The history's hash chains: intact after real work and a purge, broken where a line is touched."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Engine, select, text, update

from sne.acteurs import ADMIN_CLI, SYSTEME
from sne.db import make_session_factory
from sne.models import Demande, Historique
from sne.services import audit, cycle, demandes
from sne.services.trace import tracer
from sne.uow import UnitOfWork
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def _deux_demandes(ref: Referentiel) -> tuple[str, str]:
    premiere = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    seconde = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1, email=None), aujourd_hui=JOUR
    )
    demandes.modifier(ref.uow(), ref.agent, premiere.numero, {"telephone_portable": "0611223344"})
    return premiere.numero, seconde.numero


def _lignes(ref: Referentiel, numero: str) -> list[Any]:
    with ref.uow() as uow:
        demande_id = uow.session.scalar(select(Demande.id).where(Demande.numero == numero))
        colonnes = (Historique.id, Historique.action, Historique.chaine, Historique.hash)
        return list(
            uow.session.execute(
                select(*colonnes, Historique.hash_precedent)
                .where(Historique.demande_id == demande_id)
                .order_by(Historique.id)
            )
        )


def _sans_verrou(ref: Referentiel, sql: str) -> None:
    """Drop the append-only triggers (inside the test's rolled-back transaction) and run ``sql``."""
    with ref.uow() as uow:
        postgres = uow.session.connection().dialect.name == "postgresql"
        for trigger in ("historique_no_update", "historique_no_delete"):
            uow.session.execute(
                text(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON historique" if postgres else ""))
            )
        uow.session.execute(text(sql))
        uow.commit()


def test_each_line_carries_the_hash_of_the_previous_one(ref: Referentiel) -> None:
    numero, _ = _deux_demandes(ref)
    lignes = _lignes(ref, numero)
    assert [ligne.action for ligne in lignes][:2] == ["enregistrement", "modification"]
    assert lignes[0].hash_precedent == "0" * 64
    assert lignes[1].hash_precedent == lignes[0].hash
    assert len({ligne.chaine for ligne in lignes}) == 1
    bilan = audit.verifier(ref.uow(), ADMIN_CLI)
    assert bilan.intacte, bilan.ruptures
    assert bilan.lignes >= 3


def test_a_rewritten_content_is_found(ref: Referentiel) -> None:
    numero, _ = _deux_demandes(ref)
    modification = _lignes(ref, numero)[1]
    with ref.uow() as uow:  # the content columns stay writable for the purge's redaction
        uow.session.execute(
            update(Historique)
            .where(Historique.id == modification.id)
            .values(changements={"telephone_portable": ["?", "0600000000"]})
        )
        uow.commit()
    (rupture,) = audit.verifier(ref.uow(), ref.gestionnaire).ruptures
    assert rupture.historique_id == modification.id
    assert "contenu" in rupture.raison


def test_a_rewritten_author_or_a_deleted_line_is_found(ref: Referentiel) -> None:
    numero, _ = _deux_demandes(ref)
    enregistrement, modification, *_ = _lignes(ref, numero)
    _sans_verrou(ref, f"UPDATE historique SET action = 'consultation' WHERE id = {modification.id}")
    (rupture,) = audit.verifier(ref.uow(), ADMIN_CLI).ruptures
    assert (rupture.historique_id, rupture.raison) == (
        modification.id,
        "la ligne (date, auteur, guichet, objet ou action) a été modifiée",
    )
    _sans_verrou(ref, f"DELETE FROM historique WHERE id = {enregistrement.id}")
    ruptures = audit.verifier(ref.uow(), ADMIN_CLI).ruptures
    assert ruptures[0].historique_id == modification.id
    assert "précédent" in ruptures[0].raison


def test_the_purge_keeps_the_chain_verifiable(ref: Referentiel) -> None:
    _deux_demandes(ref)
    boite: list[object] = []
    for jour in (date(2027, 2, 16), date(2027, 4, 16), date(2028, 4, 16)):
        cycle.executer(
            ref.uow(),
            SYSTEME,
            jour,
            envoyer=boite.append,
            expediteur="sne@example.fr",
            territoire=ref.territoire,
        )
    with ref.uow() as uow:
        statuts = set(uow.session.scalars(select(Demande.statut)))
        expurgees = uow.session.execute(
            select(Historique.justification, Historique.changements).where(
                Historique.action == "modification"
            )
        ).all()
    assert statuts == {"purgee"}
    assert expurgees and all(ligne.justification is None for ligne in expurgees)
    assert "0611223344" not in str([ligne.changements for ligne in expurgees])
    bilan = audit.verifier(ref.uow(), ref.gestionnaire)
    assert bilan.intacte, bilan.ruptures


def test_the_redaction_is_accepted_only_on_a_purged_demande(ref: Referentiel) -> None:
    numero, _ = _deux_demandes(ref)
    modification = _lignes(ref, numero)[1]
    with ref.uow() as uow:
        uow.session.execute(
            update(Historique)
            .where(Historique.id == modification.id)
            .values(changements={"valeurs": "effacées lors de la purge"}, justification=None)
        )
        uow.commit()
    (rupture,) = audit.verifier(ref.uow(), ADMIN_CLI).ruptures
    assert "pas été purgée" in rupture.raison


def test_the_command_says_intact_then_where_it_breaks(sne_cli: Callable[..., Result]) -> None:
    assert sne_cli("migrate").exit_code == 0
    assert sne_cli("territoire", "create", "013", "Bouches-du-Rhône").exit_code == 0
    resultat = sne_cli("historique", "verifier")
    assert resultat.exit_code == 0, resultat.output
    assert "1 lignes vérifiées dans 1 chaînes" in resultat.output
    assert "Historique intact" in resultat.output


@pytest.mark.postgres
def test_concurrent_writers_of_one_chain_wait_for_each_other(postgres_jetable: Engine) -> None:
    """Eight writers trace on one object at once: every line chained, none refused."""
    factory = make_session_factory(postgres_jetable)
    objet = f"essai-{uuid.uuid4().hex[:12]}"
    depart = threading.Barrier(8)

    def ecrire(rang: int) -> None:
        depart.wait()
        for _ in range(5):
            with UnitOfWork(factory) as uow:
                tracer(uow.session, ADMIN_CLI, entite="essai", entite_id=objet, action=f"e{rang}")
                uow.commit()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ecrire, range(8)))
    with UnitOfWork(factory) as uow:
        lignes = uow.session.execute(
            select(Historique.hash_precedent, Historique.hash)
            .where(Historique.chaine == f"essai:{objet}")
            .order_by(Historique.id)
        ).all()
    assert len(lignes) == 40
    precedent = "0" * 64
    for ligne in lignes:
        assert ligne.hash_precedent == precedent
        precedent = ligne.hash
