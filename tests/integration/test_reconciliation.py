"""The pipeline checks a batch against each envoi's recorded composition: no page goes to the wrong demande."""

from __future__ import annotations

import os
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select

from demo.envoi import preparer, scanner_envoi
from sne import migrate
from sne.config import Settings
from sne.documents.cles import keyring_for
from sne.models import Envoi, Lot, LotDossier, Piece
from sne.services import lots
from synth.batch import PIECE_PERDUE
from tests.conftest import POSTGRES_URL
from tests.factories import JOUR, OPERATEUR, Chaine, nouvelle_chaine
from tests.factories import enregistrer_demande as _demande
from workers.enqueue import enqueue_traiter_lot
from workers.queue import InProcessQueue


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def chaine_sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Chaine]:
    """A committed database (SQLite, or a PostgreSQL database of its own) and its jobs' context."""
    url = f"sqlite:///{tmp_path / 'sne.sqlite3'}"
    if request.param == "postgresql":
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/sne_reconcile_{os.getpid()}"
        try:
            migrate.recreer_base_postgres(url).dispose()
        except Exception as error:  # noqa: BLE001 - any connection failure means "unreachable"
            pytest.skip(f"PostgreSQL injoignable : {error}")
    chaine = nouvelle_chaine(Settings(database_url=url, var_dir=tmp_path, secret_key="k" * 40))
    yield chaine
    chaine.ctx.session_factory.kw["bind"].dispose()
    if request.param == "postgresql":
        migrate.supprimer_base_postgres(url)


def test_a_missing_fiche_whose_counts_balance_holds_the_pages_and_names_the_demande(
    chaine_sql: Chaine, tmp_path: Path
) -> None:
    settings, uow, ref, ctx = chaine_sql
    a, b = _demande(ref, foyer=0), _demande(ref, foyer=1)
    # As recorded by the guichet: A declares one more one-page piece, B one one-page piece.
    identifiant = preparer(
        uow, ref.agent, [a, b], [("carte_identite", PIECE_PERDUE), ("bulletin_salaire",)], JOUR
    )
    # synth leaves out B's fiche and A's last piece: every count still balances.
    chemin = scanner_envoi(
        uow,
        identifiant,
        [("carte_identite",), ("avis_imposition",)],
        tmp_path / "envoi.pdf",
        keyring_for(settings),
        dpi=100,
        cas=frozenset({"fiche_manquante_equilibree"}),
    )
    queue = InProcessQueue(settings, ctx.session_factory)
    lot_id = lots.deposer(
        uow(),
        OPERATEUR,
        chemin,
        canal="courrier_guichet",
        storage=ctx.store,
        enqueue=lambda lot: enqueue_traiter_lot(queue, lot),
        guichet=ref.guichet,
    ).id
    assert queue.failures == []
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.statut == "a_revoir"
        assert "demande_sans_fiche" in {x["code"] for x in lot.manifest["anomalies"]}  # type: ignore[index]
        (dossier,) = unit.session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id))
        assert (dossier.numero, dossier.statut) == (a, "en_attente")
        assert dossier.motif is not None and a in dossier.motif and b in dossier.motif
        assert unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all() == []
        envoi = unit.session.scalar(select(Envoi).where(Envoi.identifiant == identifiant))
        assert envoi is not None and envoi.statut == "recu"  # not processed
    (mail,) = settings.outbox.glob("*.eml")
    message = message_from_bytes(mail.read_bytes())
    texte = next(
        p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "text/plain"
    )
    assert isinstance(texte, bytes)
    corps = texte.decode("utf-8")
    assert f"aucune fiche récapitulative trouvée pour la demande {b}" in corps
    assert f"Demande {a}\n  Non rattaché" in corps
    assert f"Demande {b}\n  En attente : aucune fiche récapitulative" in corps
