"""Préavis by post: one real PDF of letters per run (address in the envelope window) and its index."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader
from sqlalchemy import func, select

from sne.acteurs import SYSTEME
from sne.db import make_engine
from sne.documents.layout import PAGE_HEIGHT, mm
from sne.models import Demande, Historique, Preavis
from sne.services import cycle, demandes
from sne.stockage import FileStore, local_store
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande

PREAVIS = date(2027, 2, 16)  # one month before the expiry of a demande filed on JOUR


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return local_store(tmp_path / "storage")


def executer(ref: Referentiel, store: FileStore, jour: date) -> cycle.BilanQuotidien:
    return cycle.cycle_quotidien(
        ref.uow(),
        SYSTEME,
        jour,
        envoyer=lambda _m: None,
        expediteur="sne@example.fr",
        store=store,
        alerte_a=None,
        planifier=lambda _m: None,
        territoire=ref.territoire,
    )


def test_each_run_prints_its_letters_and_an_index_for_the_printer(
    ref: Referentiel, store: FileStore
) -> None:
    par_mail = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    par_lettre = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1, email=None), aujourd_hui=JOUR
    ).numero
    bilan = executer(ref, store, PREAVIS)
    lot = bilan.courrier
    assert lot is not None and lot.lettres == 1 and lot.pdf and lot.index
    pdf = PdfReader(io.BytesIO(store.read_bytes(lot.pdf)))
    assert len(pdf.pages) == 1
    page = pdf.pages[0].extract_text()
    assert par_lettre in page and par_mail.numero not in page
    assert "12 rue des Tanneurs" in page and "radiée le 16/04/2027" in page
    (ligne,) = list(
        csv.DictReader(io.StringIO(store.read_bytes(lot.index).decode()), delimiter=";")
    )
    assert (ligne["pli"], ligne["numero_unique"], ligne["fin_validite"]) == (
        "1",
        par_lettre,
        "2027-03-16",
    )
    assert ligne["adresse_1"] == "12 rue des Tanneurs" and ligne["code_postal"]
    with ref.uow() as uow:
        enregistre = uow.session.execute(
            select(Preavis.courrier, Preavis.courrier_page, Preavis.destinataire)
            .join(Demande, Demande.id == Preavis.demande_id)
            .where(Demande.numero == par_lettre)
        ).one()
    assert enregistre.courrier == lot.pdf and enregistre.courrier_page == 1
    assert "12 rue des Tanneurs" in enregistre.destinataire
    encore = executer(ref, store, PREAVIS)
    assert encore.courrier is not None and encore.courrier.lettres == 0


def test_the_address_sits_in_the_envelope_window(ref: Referentiel, store: FileStore) -> None:
    demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1, email=None), aujourd_hui=JOUR
    )
    lot = executer(ref, store, PREAVIS).courrier
    assert lot is not None and lot.pdf
    positions: dict[str, tuple[float, float]] = {}

    def noter(texte: str, _cm: object, tm: list[float], *_: object) -> None:
        if texte.strip():
            positions.setdefault(texte.strip(), (tm[4], tm[5]))

    PdfReader(io.BytesIO(store.read_bytes(lot.pdf))).pages[0].extract_text(visitor_text=noter)
    x, y = next(pos for texte, pos in positions.items() if "Tanneurs" in texte)
    # Window of a DL/C5 envelope: from 110 mm on the left, 45 to 90 mm from the top.
    assert 105 * mm <= x <= 120 * mm
    assert PAGE_HEIGHT - 90 * mm <= y <= PAGE_HEIGHT - 45 * mm


def _etat(base: Path) -> tuple[int, int, int]:
    """Counts any real run changes: préavis, history lines, active demandes."""
    engine = make_engine(f"sqlite:///{base / 'sne.sqlite3'}")
    with engine.connect() as connexion:
        etat = (
            connexion.scalar(select(func.count()).select_from(Preavis)) or 0,
            connexion.scalar(select(func.count()).select_from(Historique)) or 0,
            connexion.scalar(select(func.count()).where(Demande.statut == "active")) or 0,
        )
    engine.dispose()
    return etat


def test_the_dry_run_says_what_it_would_do_and_does_nothing(
    sne_cli: Callable[..., Result], tmp_path: Path
) -> None:
    assert sne_cli("demo", "--demandes", "6", "--date", "2026-03-16").exit_code == 0
    avant = _etat(tmp_path)
    resultat = sne_cli("lifecycle", "--date", "2027-06-01", "--dry-run")
    assert resultat.exit_code == 0, resultat.output
    assert "Simulation du traitement du 01/06/2027 (rien n'est modifié)" in resultat.output
    assert "radiations pour non-renouvellement : 0" not in resultat.output
    assert _etat(tmp_path) == avant


def test_a_run_at_another_date_asks_first(sne_cli: Callable[..., Result], tmp_path: Path) -> None:
    assert sne_cli("demo", "--demandes", "6", "--date", "2026-03-16").exit_code == 0
    avant = _etat(tmp_path)
    sans_reponse = sne_cli("lifecycle", "--date", "2027-06-01")
    assert sans_reponse.exit_code == 1 and "qui n'est pas aujourd'hui" in sans_reponse.output
    assert _etat(tmp_path) == avant
    accepte = sne_cli("lifecycle", "--date", "2027-06-01", "--yes")
    assert accepte.exit_code == 0 and "radiations pour non-renouvellement" in accepte.output
    assert _etat(tmp_path)[2] < avant[2]


def test_the_preavis_e_mail_outcome_is_recorded(ref: Referentiel, store: FileStore) -> None:
    recu = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    refuse = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1, email="refus@example.fr"), aujourd_hui=JOUR
    )

    def serveur(message: object) -> None:
        if "refus@" in str(message["To"]):  # type: ignore[index]
            raise ConnectionRefusedError("le serveur refuse")

    cycle.executer(
        ref.uow(),
        SYSTEME,
        PREAVIS,
        envoyer=serveur,
        expediteur="sne@example.fr",
        territoire=ref.territoire,
    )
    with ref.uow() as uow:
        statuts = dict(
            uow.session.execute(
                select(Demande.numero, Preavis.statut_envoi).join(
                    Demande, Demande.id == Preavis.demande_id
                )
            )
            .tuples()
            .all()
        )
    assert statuts == {recu.numero: "envoye", refuse.numero: "echec"}
