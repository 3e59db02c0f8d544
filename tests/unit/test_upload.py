"""Files uploaded one by one: real PDF/JPEG/PNG by content, pages, pixels, size, readability."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from scanning import compress, upload
from scanning.errors import ScanError
from synth.pieces import rendre_piece
from tests.scans import scan_pdf


def _refus(path: Path, tmp_path: Path, code: str, **options: object) -> str:
    with pytest.raises(ScanError) as erreur:
        upload.verifier_depot(path, tmp_path / "piece.pdf", **options)  # type: ignore[arg-type]  # test options
    assert erreur.value.code == code
    assert not (tmp_path / "piece.pdf").exists()
    return erreur.value.message


def test_photo_of_a_document_is_accepted_whatever_its_name(tmp_path: Path) -> None:
    chemin = tmp_path / "quittance.pdf"  # a PNG named .pdf: judged by content
    rendre_piece("quittance_loyer", 150, 0)[0].save(chemin, "PNG", dpi=(150, 150))
    avant = hashlib.sha256(chemin.read_bytes()).hexdigest()
    depot = upload.verifier_depot(chemin, tmp_path / "piece.pdf")
    assert depot.format == "png" and depot.pages == 1
    assert depot.fichier.read_bytes().startswith(b"%PDF-")
    assert depot.taille <= compress.LIMITE_PIECE
    assert hashlib.sha256(chemin.read_bytes()).hexdigest() == avant


def test_too_large_pdf_is_recompressed_under_the_limit(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "bail.pdf", ["bail"], dpi=300, qualite=95)
    depot = upload.verifier_depot(pdf, tmp_path / "piece.pdf", limite=700_000, lisibilite=False)
    assert depot.taille_originale > 700_000 >= depot.taille
    assert depot.traitement[-1].startswith(("jpeg", "g4"))


def test_not_a_document_is_refused_by_content(tmp_path: Path) -> None:
    faux = tmp_path / "avis.pdf"
    faux.write_bytes(b"MZ\x90\x00 this is an executable")
    assert "ni un PDF" in _refus(faux, tmp_path, "format_refuse")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    vide = tmp_path / "vide.jpg"
    vide.write_bytes(b"")
    assert "vide" in _refus(vide, tmp_path, "fichier_vide")


def test_damaged_pdf_and_image_are_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "abime.pdf"
    pdf.write_bytes(b"%PDF-1.7\n garbage without objects")
    _refus(pdf, tmp_path, "pdf_abime")
    jpeg = tmp_path / "abime.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    _refus(jpeg, tmp_path, "image_abimee")


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    chemin = tmp_path / "protege.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(chemin, encryption=pikepdf.Encryption(owner="a", user="secret"))
    assert "mot de passe" in _refus(chemin, tmp_path, "pdf_protege")


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    chemin = tmp_path / "long.pdf"
    with pikepdf.new() as pdf:
        for _ in range(upload.MAX_PAGES + 1):
            pdf.add_blank_page()
        pdf.save(chemin)
    assert "séparément" in _refus(chemin, tmp_path, "trop_de_pages")


def test_pixel_limits_are_checked_before_decoding(tmp_path: Path) -> None:
    geante = tmp_path / "geante.png"
    Image.new("1", (10_000, 7_000), 1).save(geante)  # 70 megapixels, a few KB on disk
    assert "millions de pixels" in _refus(geante, tmp_path, "image_trop_grande")
    minuscule = tmp_path / "minuscule.jpg"
    Image.new("L", (200, 300), 255).save(minuscule, "JPEG")
    _refus(minuscule, tmp_path, "image_trop_petite")


def test_blank_page_is_unreadable(tmp_path: Path) -> None:
    blanche = tmp_path / "blanche.jpg"
    tampon = io.BytesIO()
    Image.new("L", (1240, 1754), 250).save(tampon, "JPEG", dpi=(150, 150))
    blanche.write_bytes(tampon.getvalue())
    assert "illisible" in _refus(blanche, tmp_path, "illisible")


def test_piece_that_cannot_fit_is_refused(tmp_path: Path) -> None:
    pdf = scan_pdf(tmp_path / "bulletin.pdf", ["bulletin_salaire"])
    message = _refus(pdf, tmp_path, "trop_volumineux", limite=10_000, lisibilite=False)
    assert "opérateur" in message


def test_words_below_an_empty_top_third_still_make_the_page_legible(tmp_path: Path) -> None:
    """The check reads the top third first, then the whole page: lower words count too."""
    document = rendre_piece("quittance_loyer", 150, 0)[0].convert("L")
    page = Image.new("L", document.size, 255)
    haut = document.height // 2  # the document's top half pasted into the page's bottom half
    page.paste(document.crop((0, 0, document.width, haut)), (0, document.height - haut))
    chemin = tmp_path / "bas.png"
    page.save(chemin, "PNG", dpi=(150, 150))
    depot = upload.verifier_depot(chemin, tmp_path / "piece.pdf")
    assert depot.lecture is not None and depot.lecture.source == "ocr_page"
    assert "quittance" in depot.lecture.texte.lower()


def test_the_legibility_reading_is_kept_for_the_classifier(tmp_path: Path) -> None:
    """A legible one-page piece carries the reading that proved it (the classifier reuses it)."""
    chemin = tmp_path / "quittance.png"
    rendre_piece("quittance_loyer", 150, 0)[0].save(chemin, "PNG", dpi=(150, 150))
    depot = upload.verifier_depot(chemin, tmp_path / "piece.pdf")
    assert depot.lecture is not None and depot.lecture.source == "ocr_haut"
    assert depot.lecture.mots >= upload.MIN_MOTS
