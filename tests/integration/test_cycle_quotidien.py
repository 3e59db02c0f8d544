"""The cycle quotidien service: lifecycle, then the purged files removed from the store, then alerts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update

from sne.acteurs import SYSTEME
from sne.models import Demande, Piece
from sne.services import cycle, lots
from sne.stockage import local_store
from sne.uow import utcnow
from tests.factories import OPERATEUR, Referentiel, enregistrer_demande, pdf_valide


def test_the_daily_run_purges_removes_the_files_and_alerts_once(
    ref: Referentiel, tmp_path: Path
) -> None:
    store = local_store(tmp_path / "storage")
    numero = enregistrer_demande(ref)
    source = tmp_path / "avis.pdf"
    source.write_bytes(b"%PDF-1.4 avis d'imposition")
    fichier = store.put(source, folder="pieces", extension="pdf", shard=True)
    with ref.uow() as uow:
        demande_id = uow.session.scalar(select(Demande.id).where(Demande.numero == numero))
        uow.session.add(
            Piece(
                demande_id=demande_id,
                type="avis_imposition",
                pages=1,
                taille=fichier.size,
                sha256=fichier.sha256,
                canal="courrier_demandeur",
                storage_key=fichier.key,
                created_at=utcnow(),
            )
        )
        uow.commit()
    lot = tmp_path / "lot.pdf"
    pdf_valide(lot)
    lot_id = lots.deposer(
        ref.uow(),
        OPERATEUR,
        lot,
        canal="courrier_demandeur",
        storage=store,
        enqueue=lambda _: None,  # never processed: late two working days later
        territoire="013",
        recu_le=datetime(2027, 4, 12, 9, 0),
    ).id
    alertees: list[int] = []

    def executer(jour: date) -> cycle.BilanQuotidien:
        return cycle.cycle_quotidien(
            ref.uow(),
            SYSTEME,
            jour,
            envoyer=lambda _: None,
            expediteur="sne@example.fr",
            store=store,
            alerte_a="ops@example.fr",
            planifier=alertees.append,
            territoire="013",
        )

    radiation = executer(date(2027, 4, 16))  # 13 months after JOUR; the lot is late since 15/4
    assert radiation.cycle.radiees == [numero] and radiation.alertes == [f"lot:{lot_id}"]
    assert store.exists(fichier.key) and len(alertees) == 1
    purge = executer(date(2028, 4, 16))  # one year after the radiation
    assert purge.cycle.purgees == [numero] and purge.alertes == []  # alerted once
    assert not store.exists(fichier.key)


def test_the_purge_keeps_a_file_another_demande_still_holds(
    ref: Referentiel, tmp_path: Path
) -> None:
    store = local_store(tmp_path / "storage")
    source = tmp_path / "acte.pdf"
    source.write_bytes(b"%PDF-1.4 acte de naissance du couple")
    fichier = store.put(source, folder="pieces", extension="pdf", shard=True)
    ancienne, recente = enregistrer_demande(ref), enregistrer_demande(ref, foyer=2)
    with ref.uow() as uow:
        # The same bytes reached both dossiers: the store keeps one file for both (by content).
        for numero in (ancienne, recente):
            demande_id = uow.session.scalar(select(Demande.id).where(Demande.numero == numero))
            assert demande_id is not None
            uow.session.add(_piece(demande_id, fichier.key, fichier.size, fichier.sha256))
        # The recent one was renewed in time: only the old one is radiated, then purged.
        uow.session.execute(
            update(Demande)
            .where(Demande.numero == recente)
            .values(date_expiration=date(2029, 1, 1))
        )
        uow.commit()

    def executer(jour: date) -> cycle.BilanQuotidien:
        return cycle.cycle_quotidien(
            ref.uow(),
            SYSTEME,
            jour,
            envoyer=lambda _: None,
            expediteur="sne@example.fr",
            store=store,
            alerte_a=None,
            planifier=lambda _: None,
            territoire="013",
        )

    assert executer(date(2027, 4, 16)).cycle.radiees == [ancienne]
    assert executer(date(2028, 4, 16)).cycle.purgees == [ancienne]
    assert store.exists(fichier.key)  # still the recent demande's piece


def _piece(demande_id: int, cle: str, taille: int, sha256: str) -> Piece:
    return Piece(
        demande_id=demande_id,
        type="acte_naissance",
        pages=1,
        taille=taille,
        sha256=sha256,
        canal="courrier_demandeur",
        storage_key=cle,
        created_at=utcnow(),
    )
