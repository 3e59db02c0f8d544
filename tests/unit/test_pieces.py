"""The entry point the workers call: a scanned dossier becomes classified pieces within limits."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pytest

from scanning.classify import probabilite_debut
from scanning.cut import decouper
from scanning.errors import ScanError
from scanning.ocr import Lecture
from scanning.pieces import MEME_TYPE, LecturePage, _meme_type_que_la_precedente, traiter_dossier
from tests.scans import scan_pdf


@pytest.mark.slow
def test_dossier_is_cut_classified_and_written(tmp_path: Path) -> None:
    pdf = scan_pdf(
        tmp_path / "dossier.pdf",
        ["carte_identite", "quittance_loyer", "bail", "autre"],
        envers=frozenset({2}),  # the rent receipt was fed upside down
    )
    avant = hashlib.sha256(pdf.read_bytes()).hexdigest()
    dossier = traiter_dossier(pdf, tmp_path / "pieces", declared_documents=4)
    assert dossier.pages == 7
    assert [p.pages for p in dossier.pieces] == [(0, 1), (2,), (3, 4, 5), (6,)]
    assert [p.type for p in dossier.pieces[:3]] == ["carte_identite", "quittance_loyer", "bail"]
    assert [p.statut for p in dossier.pieces] == ["classee", "classee", "classee", "a_qualifier"]
    assert dossier.pieces[3].confiance < 0.6 and dossier.a_qualifier == 1
    assert dossier.anomalies == ()
    for piece in dossier.pieces:
        assert piece.rang == dossier.pieces.index(piece) + 1
        assert piece.traitement == ("conserver",) and piece.fichier is not None
        with pikepdf.open(piece.fichier) as sortie:
            assert len(sortie.pages) == len(piece.pages)
            tour = int(sortie.pages[0].obj.get("/Rotate", 0))
        assert tour == (180 if piece.rang == 2 else 0)
        assert not piece.sensible
    assert dossier.taille == sum(p.taille for p in dossier.pieces)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == avant


@pytest.mark.slow
def test_dossier_limit_pushes_pieces_down_then_rejects(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "dossier.pdf", ["certificat_medical", "decision_mdph"], qualite=95)
    dossier = traiter_dossier(pdf, tmp_path / "pieces", limite_dossier=350_000)
    assert [p.type for p in dossier.pieces] == ["certificat_medical", "decision_mdph"]
    assert all(p.sensible for p in dossier.pieces)
    assert dossier.taille <= 350_000
    assert any(p.traitement[-1] != "conserver" for p in dossier.pieces)
    petit = traiter_dossier(pdf, tmp_path / "petit", limite_dossier=30_000)
    assert petit.rejetees >= 1 and petit.taille <= 30_000
    rejetee = next(p for p in petit.pieces if p.statut == "rejetee")
    assert rejetee.fichier is None and rejetee.motif_rejet and "opérateur" in rejetee.motif_rejet
    assert any("18" not in a and "Mo" in a for a in petit.anomalies)


def test_not_a_pdf_is_refused_in_french(tmp_path: Path) -> None:
    faux = tmp_path / "dossier.pdf"
    faux.write_text("bonjour")
    with pytest.raises(ScanError) as erreur:
        traiter_dossier(faux, tmp_path / "pieces")
    assert "PDF" in erreur.value.message


def test_repeated_heading_is_the_first_merged_when_the_count_asks() -> None:
    def page(texte: str) -> LecturePage:
        return LecturePage(Lecture(texte, 90.0, 10, "ocr_haut"), probabilite_debut(texte))

    lectures = _meme_type_que_la_precedente(
        [
            page("BULLETIN DE PAIE janvier"),
            page("BULLETIN DE PAIE février"),
            page("QUITTANCE DE LOYER"),
            page("Livret de famille — Enfants"),  # its "Page 2/2" was not read
        ]
    )
    probabilites = [lue.debut for lue in lectures]
    assert probabilites[1] == MEME_TYPE and probabilites[3] == 0.95
    assert decouper(probabilites).pieces == ((0,), (1,), (2,), (3,))
    assert decouper(probabilites, declares=3).pieces == ((0, 1), (2,), (3,))
    assert decouper(probabilites, declares=3).anomalie is None


def test_empty_and_protected_dossiers(tmp_path: Path) -> None:
    vide = tmp_path / "vide.pdf"
    with pikepdf.new() as pdf:
        pdf.save(vide)
    resultat = traiter_dossier(vide, tmp_path / "pieces", declared_documents=2)
    assert resultat.pieces == () and resultat.pages == 0
    assert resultat.anomalies == ("Le dossier ne contient aucune page.",)
    protege = tmp_path / "protege.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(protege, encryption=pikepdf.Encryption(owner="a", user="b"))
    with pytest.raises(ScanError, match="mot de passe"):
        traiter_dossier(protege, tmp_path / "pieces")
