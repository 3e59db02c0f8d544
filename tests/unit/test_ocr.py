"""The OCR wrapper: tesseract in French on a page's top third, and PDF text layers."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from scanning import blank, ocr, orientation
from synth.pieces import rendre_piece


def _pdf_texte(path: Path, lignes: list[str]) -> Path:
    """Write a born-digital one-page PDF with ``lignes`` as real text."""
    pdf = pikepdf.new()
    police = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    flux = (
        "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({ligne}) Tj T*" for ligne in lignes) + " ET"
    )
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=police)),
            Contents=pdf.make_stream(flux.encode("cp1252")),
        )
    )
    pdf.pages.append(page)
    pdf.save(path)
    return path


def test_top_third_of_a_card_is_read_in_french() -> None:
    page = rendre_piece("carte_identite", 200, 0)[0]
    lecture = ocr.lire_haut(page, 200)
    assert lecture.source == "ocr_haut"
    assert "IDENTITÉ" in lecture.texte
    assert lecture.confiance > 60
    assert lecture.mots >= 5


def test_blank_image_reads_no_word() -> None:
    lecture = ocr.ocr_image(Image.new("L", (600, 400), 255), psm=6)
    assert (lecture.texte, lecture.mots, lecture.confiance) == ("", 0, 0.0)


def test_child_runs_with_one_openmp_thread() -> None:
    assert ocr._environnement()["OMP_THREAD_LIMIT"] == "1"


def test_tsv_is_rebuilt_into_lines() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tQUITTANCE\n"
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\tDE\n"
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tLOYER\n"
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t\n"
    )
    lecture = ocr._lire_tsv(tsv, "ocr_page")
    assert lecture.texte == "QUITTANCE DE\nLOYER"
    assert lecture.confiance == pytest.approx(80)


def test_text_layer_is_used_for_born_digital_pdfs(tmp_path: Path) -> None:
    pdf = _pdf_texte(
        tmp_path / "avis.pdf", ["Avis d'impot 2025", "sur les revenus de l'annee 2024"]
    )
    lecture = ocr.couche_texte(pdf, 0)
    assert lecture is not None and lecture.source == "texte"
    assert "Avis d'impot 2025" in lecture.texte
    assert ocr.couches_texte(pdf) == [lecture]


def test_scanned_page_has_no_text_layer(tmp_path: Path) -> None:
    chemin = tmp_path / "scan.pdf"
    Image.new("L", (300, 400), 255).save(chemin, "PDF", resolution=50)
    assert ocr.couche_texte(chemin, 0) is None


def test_several_images_are_read_in_one_run() -> None:
    carte = rendre_piece("passeport", 150, 0)[0]
    lectures = ocr.lire_hauts([(Image.new("L", (1240, 1754), 255), 150.0), (carte, 150.0)])
    assert [lecture.source for lecture in lectures] == ["ocr_haut", "ocr_haut"]
    assert lectures[0].mots == 0
    assert "PASSEPORT" in lectures[1].texte


def test_sideways_pages_get_the_quarter_turn_that_rights_them_and_blank_ones_none() -> None:
    lettre, releve = rendre_piece("bulletin_salaire", 150, 1)[0], rendre_piece("bail", 150, 0)[0]
    pages = [
        lettre.rotate(90, expand=True),  # turned anticlockwise: a clockwise quarter rights it
        releve.rotate(-90, expand=True),
        Image.new("L", lettre.size, 250),  # nothing to judge: left as it is
    ]
    rotations = orientation.rotations(pages, 150)
    assert rotations == [90, 270, 0]
    assert orientation.redresser(pages[0], 90).size == lettre.size


def test_the_blank_test_tells_text_lying_sideways_for_nearly_nothing() -> None:
    page = rendre_piece("attestation_caf", 100, 0)[0]
    assert not blank.mesurer(page).de_travers
    assert blank.mesurer(page.rotate(90, expand=True)).de_travers
    assert not blank.mesurer(Image.new("L", page.size, 250)).de_travers
