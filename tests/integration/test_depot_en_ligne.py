"""Filing a demande online: the draft saved and resumed, its expiry, numbering at GDPUB, duplicates.

Real database, real file store and the real registration; the job queue is a
list (the upload pipeline has its own tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from portails import cerfa
from sne.acteurs import SYSTEME
from sne.errors import Forbidden, NotFound, SneError
from sne.models import BrouillonDemande, Demande, DemandeEnLigne, Historique, LienDemande, Lot
from sne.services import brouillons, cycle, demandes, depot_en_ligne, espace_demandeur
from sne.stockage import FileStore, local_store
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import (
    Referentiel,
    compte_demandeur,
    document_demande,
    guichet_en_ligne,
    pdf_valide,
)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return local_store(tmp_path / "fichiers")


@pytest.fixture
def compte(ref: Referentiel) -> int:
    guichet_en_ligne(ref)
    return compte_demandeur(ref, "claire@example.fr")


def brouillon_complet(foyer: int) -> dict[str, Any]:
    return cerfa.brouillon_de(document_demande(foyer=foyer))


def avec_piece(ref: Referentiel, compte: int, store: FileStore, tmp_path: Path, foyer: int) -> None:
    brouillons.garder(ref.uow(), compte, brouillon_complet(foyer), "piece")
    fichier = pdf_valide(tmp_path / "identite.pdf")
    depot_en_ligne.garder_piece(ref.uow(), compte, fichier, "identite.pdf", "carte_identite", store)


def deposee(ref: Referentiel, compte: int, store: FileStore, tmp_path: Path, foyer: int) -> str:
    """The numéro of household ``foyer``'s demande, filed online with its piece."""
    avec_piece(ref, compte, store, tmp_path, foyer)
    document = cerfa.document(brouillon_complet(foyer))
    return depot_en_ligne.deposer(ref.uow(), compte, document, JOUR, store, print).numero


def test_draft_is_saved_and_resumed_as_typed(ref: Referentiel, compte: int) -> None:
    contenu = {**cerfa.vide(), "commune": "Marseille", "code_postal": "130"}
    brouillons.garder(ref.uow(), compte, contenu, "b")
    repris = brouillons.reprendre(ref.uow(), compte)
    assert repris is not None
    assert repris.contenu == contenu  # kept as typed, mistakes included
    assert repris.etape == "b"
    assert brouillons.reprendre(ref.uow(), compte_demandeur(ref, "autre@example.fr")) is None


def test_draft_expires_after_90_days_and_the_daily_run_purges_it(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    avec_piece(ref, compte, store, tmp_path, 100)
    repris = brouillons.reprendre(ref.uow(), compte)
    assert repris is not None
    cle = repris.contenu[brouillons.PIECE_BROUILLON]["cle"]
    assert store.exists(cle)
    assert brouillons.purger(ref.uow(), utcnow() + timedelta(days=89), store) == 0
    with ref.uow() as unit:  # last saved 91 days ago
        ligne = unit.session.scalar(select(BrouillonDemande))
        assert ligne is not None
        ligne.updated_at = utcnow() - timedelta(days=91)
        unit.session.commit()
    assert brouillons.reprendre(ref.uow(), compte) is None  # expired: not offered any more
    assert brouillons.purger(ref.uow(), utcnow(), store) == 1
    assert not store.exists(cle)


def test_draft_can_be_deleted_with_its_piece(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    avec_piece(ref, compte, store, tmp_path, 101)
    repris = brouillons.reprendre(ref.uow(), compte)
    assert repris is not None
    brouillons.supprimer(ref.uow(), compte, store)
    assert brouillons.reprendre(ref.uow(), compte) is None
    assert not store.exists(repris.contenu[brouillons.PIECE_BROUILLON]["cle"])


def test_filing_numbers_at_gdpub_links_the_account_and_queues_the_piece(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    avec_piece(ref, compte, store, tmp_path, 102)
    en_file: list[int] = []
    faite = depot_en_ligne.deposer(
        ref.uow(), compte, cerfa.document(brouillon_complet(102)), JOUR, store, en_file.append
    )
    assert faite.numero.endswith("GDPUB")
    assert faite.date_depot == JOUR
    # Linked at once: the applicant follows it and downloads the attestation.
    suivi = espace_demandeur.suivre(ref.uow(), compte, faite.numero, JOUR)
    assert suivi.guichet == "Portail grand public"
    assert brouillons.reprendre(ref.uow(), compte) is None
    with ref.uow() as unit:
        ligne = unit.session.scalar(select(DemandeEnLigne))
        assert ligne is not None and ligne.verification == "a_verifier"
        lot = unit.session.get(Lot, ligne.lot_id)
        assert lot is not None and lot.numero == faite.numero
        assert lot.type_declare == "carte_identite"
        assert en_file == [lot.id]
        actions = unit.session.scalars(
            select(Historique.action).where(Historique.entite_id == faite.numero)
        ).all()
        assert "depot_en_ligne" in actions


def test_filing_without_the_identity_piece_is_refused(
    ref: Referentiel, compte: int, store: FileStore
) -> None:
    brouillons.garder(ref.uow(), compte, brouillon_complet(103), "verification")
    with pytest.raises(SneError, match="pièce d'identité"):
        depot_en_ligne.deposer(
            ref.uow(), compte, cerfa.document(brouillon_complet(103)), JOUR, store, print
        )


def test_an_applicant_already_registered_is_directed_to_link_never_forced(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    existante = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=104), aujourd_hui=JOUR
    ).numero
    avec_piece(ref, compte, store, tmp_path, 104)
    with pytest.raises(depot_en_ligne.DejaInscrit) as refus:
        depot_en_ligne.deposer(
            ref.uow(), compte, cerfa.document(brouillon_complet(104)), JOUR, store, print
        )
    assert existante not in refus.value.message  # nothing about the other demande
    assert not refus.value.details
    assert "Reliez votre demande existante" in refus.value.message
    assert brouillons.reprendre(ref.uow(), compte) is not None  # the draft is kept
    with ref.uow() as unit:
        assert unit.session.scalar(select(LienDemande)) is None


def test_no_gdpub_guichet_means_a_clear_refusal(ref: Referentiel) -> None:
    with pytest.raises(depot_en_ligne.SansGuichetEnLigne, match="guichet enregistreur"):
        depot_en_ligne.guichet_en_ligne(ref.uow())


def test_guichets_of_the_territory_verify_or_refuse_the_piece(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    numero = deposee(ref, compte, store, tmp_path, 105)
    liste = depot_en_ligne.lister(ref.uow(), ref.consultant)
    assert [v.numero for v in liste] == [numero]
    with pytest.raises(Forbidden):  # a consultant reads, never marks
        depot_en_ligne.verifier(
            ref.uow(), ref.consultant, numero, motif_refus=None, envoyer=print, expediteur="x"
        )
    envoyes: list[Any] = []
    depot_en_ligne.verifier(
        ref.uow(),
        ref.autre_agent,
        numero,
        motif_refus="Photo illisible",
        envoyer=envoyes.append,
        expediteur="sne@example.fr",
    )
    assert envoyes[0]["To"] == "claire@example.fr"
    assert "Photo illisible" in envoyes[0].get_body().get_content()
    assert depot_en_ligne.lister(ref.uow(), ref.agent) == []
    (vue,) = depot_en_ligne.lister(ref.uow(), ref.agent, toutes=True)
    assert vue.verification == "refusee" and vue.motif == "Photo illisible"
    depot_en_ligne.verifier(
        ref.uow(), ref.agent, numero, motif_refus=None, envoyer=envoyes.append, expediteur="x"
    )
    assert len(envoyes) == 1
    with ref.uow() as unit:
        actions = unit.session.scalars(
            select(Historique.changements).where(Historique.action == "verification_identite")
        ).all()
        assert [a["verification"] for a in actions] == ["refusee", "verifiee"]


def test_a_demande_not_filed_online_has_nothing_to_verify(ref: Referentiel) -> None:
    numero = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=106), aujourd_hui=JOUR
    ).numero
    with pytest.raises(NotFound):
        depot_en_ligne.verifier(
            ref.uow(), ref.agent, numero, motif_refus=None, envoyer=print, expediteur="x"
        )


def test_the_daily_run_purges_the_expired_drafts(
    ref: Referentiel, compte: int, store: FileStore
) -> None:
    brouillons.garder(ref.uow(), compte, cerfa.vide(), "a")
    jour = (utcnow() + timedelta(days=91)).date()
    bilan = cycle.cycle_quotidien(
        ref.uow(),
        SYSTEME,
        jour,
        envoyer=lambda _: None,
        expediteur="sne@example.fr",
        store=store,
        alerte_a=None,
        planifier=lambda _: None,
    )
    assert bilan.brouillons_purges == 1
    with ref.uow() as unit:
        assert unit.session.scalar(select(BrouillonDemande)) is None


def test_guichets_of_another_territory_neither_see_nor_verify(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    numero = deposee(ref, compte, store, tmp_path, 107)
    ailleurs = Referentiel(ref.uow, "014")
    assert depot_en_ligne.lister(ref.uow(), ailleurs.agent, toutes=True) == []
    with pytest.raises(Forbidden):
        depot_en_ligne.verifier(
            ref.uow(), ailleurs.agent, numero, motif_refus=None, envoyer=print, expediteur="x"
        )


@dataclass(frozen=True)
class StockageEnPanne(FileStore):
    """The real store, whose first copy out fails (a disk or a bucket unreachable)."""

    pannes: list[int] = field(default_factory=lambda: [1])

    @contextmanager
    def local_copy(self, key: str, work_dir: Path | None = None) -> Iterator[Path]:
        if self.pannes[0]:
            self.pannes[0] -= 1
            raise OSError("stockage injoignable")
        with super().local_copy(key, work_dir) as chemin:
            yield chemin


def _demandes_du_territoire(ref: Referentiel) -> int:
    with ref.uow() as unit:
        return len(unit.session.scalars(select(Demande.id)).all())


def test_a_filing_that_fails_before_its_commit_leaves_nothing_behind(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    avec_piece(ref, compte, store, tmp_path, 110)
    avant = _demandes_du_territoire(ref)

    def trace_en_panne(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disque plein")  # the last write of the filing fails

    monkeypatch.setattr(depot_en_ligne, "tracer", trace_en_panne)
    with pytest.raises(OSError):
        depot_en_ligne.deposer(
            ref.uow(), compte, cerfa.document(brouillon_complet(110)), JOUR, store, print
        )
    assert _demandes_du_territoire(ref) == avant  # no demande without its link
    with ref.uow() as unit:
        assert unit.session.scalar(select(LienDemande)) is None
        assert unit.session.scalar(select(DemandeEnLigne)) is None
    assert brouillons.reprendre(ref.uow(), compte) is not None  # the applicant tries again
    monkeypatch.undo()
    faite = depot_en_ligne.deposer(
        ref.uow(), compte, cerfa.document(brouillon_complet(110)), JOUR, store, print
    )
    assert faite.numero.endswith("GDPUB")


def test_a_filing_interrupted_before_its_piece_is_resumed_not_refused(
    ref: Referentiel, compte: int, store: FileStore, tmp_path: Path
) -> None:
    avec_piece(ref, compte, store, tmp_path, 111)
    document = cerfa.document(brouillon_complet(111))
    en_panne = StockageEnPanne(store.backend)
    en_file: list[int] = []
    with pytest.raises(OSError):
        depot_en_ligne.deposer(ref.uow(), compte, document, JOUR, en_panne, en_file.append)
    # The demande stands, linked and listed; the draft still holds the piece.
    with ref.uow() as unit:
        ligne = unit.session.scalars(select(DemandeEnLigne)).one()
        numero = unit.session.get(Demande, ligne.demande_id).numero  # type: ignore[union-attr]
        assert ligne.lot_id is None
    assert espace_demandeur.suivre(ref.uow(), compte, numero, JOUR).numero == numero
    assert brouillons.reprendre(ref.uow(), compte) is not None
    avant = _demandes_du_territoire(ref)
    # Trying again deposits the piece of that demande: no second one, no « déjà inscrit ».
    faite = depot_en_ligne.deposer(ref.uow(), compte, document, JOUR, en_panne, en_file.append)
    assert faite.numero == numero
    assert _demandes_du_territoire(ref) == avant
    with ref.uow() as unit:
        ligne = unit.session.scalars(select(DemandeEnLigne)).one()
        assert ligne.lot_id is not None and en_file == [ligne.lot_id]
    assert brouillons.reprendre(ref.uow(), compte) is None
