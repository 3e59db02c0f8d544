"""Pieces of a dossier: classification speed (OCR and text layer), recompression speed, accuracy.

Targets (issue 6): at least 2 pages/s per core with OCR on 200 dpi scans, at
least 100 pages/s with a text layer. Dossiers are built from ``synth``'s
templates (every type of the plan, in each of synth's three variants, pages degraded as a
scanner would, 5 % of them upside down) with the declared number of documents a fiche carries; the
ground truth is the list of templates. Dossiers are processed in parallel
processes (tesseract itself runs single-threaded). The per-core figure is pages
per CPU second (the worker and its tesseract children), since the machine is
shared and wall time per process also counts other people's load; the wall
figures are printed beside it. Accuracy: pieces cut
exactly as the truth, per type precision and recall of the pieces filed
("classee"), and the share sent to "à qualifier".
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf

from bench.common import report
from scanning.classify import classer
from scanning.compress import recompresser
from scanning.pieces import DossierTraite, lire_pages, traiter_dossier
from synth import degrade
from synth.pieces import MODELES, VARIANTES, pages_de, rendre_piece, type_de

DPI = 200
PIECES_PAR_DOSSIER = 4
#: Share of sheets fed upside down (synth's batches use 3 %).
ENVERS = 0.05
TARGET_OCR_PAGES_PER_S_PER_CORE = 2.0
TARGET_TEXT_PAGES_PER_S = 100.0


def _dossiers(rng: random.Random) -> list[list[tuple[str, int]]]:
    """Every template in each of its variants, shuffled into dossiers of four pieces."""
    pieces = [(gabarit, variante) for gabarit in MODELES for variante in range(VARIANTES)]
    rng.shuffle(pieces)
    return [pieces[k : k + PIECES_PAR_DOSSIER] for k in range(0, len(pieces), PIECES_PAR_DOSSIER)]


def _ecrire_dossier(path: Path, pieces: list[tuple[str, int]], seed: int) -> None:
    """Write a dossier PDF of degraded 200 dpi JPEG scans of ``pieces``."""
    rng = random.Random(seed)
    images: list[bytes] = []
    for gabarit, variante in pieces:
        for page in rendre_piece(gabarit, DPI, variante):
            envers = rng.random() < ENVERS
            scan = degrade.scanner(page, rng, degrade.MOYEN, envers=envers)
            images.append(degrade.jpeg(scan, rng.randint(*degrade.MOYEN.qualite), DPI))
    path.write_bytes(img2pdf.convert(images, nodate=True))


def _traiter(args: tuple[Path, int, Path]) -> tuple[DossierTraite, float]:
    """Process one dossier in a worker process; return the result and its CPU seconds."""
    pdf, declares, sortie = args
    avant = os.times()
    resultat = traiter_dossier(pdf, sortie, declared_documents=declares)
    apres = os.times()
    cpu = sum(apres[:4]) - sum(avant[:4])  # this process and its tesseract children
    return resultat, cpu


def _pdf_texte(path: Path, pages: list[list[str]]) -> None:
    """Write a born-digital PDF, one page per list of lines, with a real text layer."""
    with pikepdf.new() as pdf:
        police = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        for lignes in pages:
            corps = " ".join(f"({ligne}) Tj T*" for ligne in lignes)
            flux = f"BT /F1 11 Tf 60 780 Td 14 TL {corps} ET"
            pdf.pages.append(
                pikepdf.Page(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Page,
                        MediaBox=[0, 0, 595, 842],
                        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=police)),
                        Contents=pdf.make_stream(flux.encode("cp1252", "replace")),
                    )
                )
            )
        pdf.save(path)


def _texte(travail: Path) -> float:
    """Pages per second reading and classifying born-digital PDFs through their text layer."""
    pages = []
    for modele in MODELES.values():
        lignes = [*modele.emetteur, *modele.titres, *modele.champs, *modele.tableau]
        lignes += ["Texte du document " * 4] * 20
        pages.append([ligne.replace("—", "-").replace("’", "'") for ligne in lignes])
    chemin = travail / "texte.pdf"
    _pdf_texte(chemin, pages * 8)
    debut = time.perf_counter()
    lues = lire_pages(chemin)
    for lue in lues:
        classer(lue.lecture.texte if lue.lecture else "")
    return len(lues) / (time.perf_counter() - debut)


def _recompression(travail: Path) -> tuple[float, float]:
    """Input MB/s of the ladder on 300 dpi scans forced to 1 MB, and the size ratio reached."""
    rng = random.Random(3)
    images = []
    for gabarit in ("bail", "avis_imposition", "bulletin_salaire"):
        for page in rendre_piece(gabarit, 300, 0):
            images.append(degrade.jpeg(degrade.scanner(page, rng, degrade.DOUX), 92, 300))
    chemin = travail / "gros.pdf"
    chemin.write_bytes(img2pdf.convert(images, nodate=True))
    debut = time.perf_counter()
    resultat = recompresser(chemin, range(len(images)), 1_000_000)
    duree = time.perf_counter() - debut
    return resultat.taille_originale / 1e6 / duree, resultat.taille / resultat.taille_originale


def _precision_rappel(
    verites: list[list[tuple[str, int]]], resultats: list[DossierTraite]
) -> dict[str, Any]:
    """Compare pieces to the truth: exact cuts, per type precision/recall, share to qualify."""
    vrais: Counter[str] = Counter()
    predits: Counter[str] = Counter()
    justes: Counter[str] = Counter()
    coupes_justes = total = a_qualifier = a_qualifier_connus = erreurs = 0
    for pieces, resultat in zip(verites, resultats, strict=True):
        attendu: list[tuple[tuple[int, ...], str]] = []
        page = 0
        for gabarit, _ in pieces:
            n = pages_de(gabarit)
            attendu.append((tuple(range(page, page + n)), type_de(gabarit)))
            page += n
        par_pages = {pages: code for pages, code in attendu}
        for _, code in attendu:
            vrais[code] += 1
        total += len(attendu)
        for piece in resultat.pieces:
            verite = par_pages.get(piece.pages)
            if verite is not None:
                coupes_justes += 1
            if piece.statut == "a_qualifier":
                a_qualifier += 1
                a_qualifier_connus += verite is not None and verite != "autre"
                continue
            if piece.statut != "classee" or piece.type is None:
                continue
            predits[piece.type] += 1
            if verite == piece.type:
                justes[piece.type] += 1
            else:
                erreurs += 1
    figures: dict[str, Any] = {
        "pieces": total,
        "cut_exact_ratio": coupes_justes / total,
        "a_qualifier_ratio": a_qualifier / total,
        "a_qualifier_known_type_ratio": a_qualifier_connus / (total - vrais["autre"]),
        "misfiled_ratio": erreurs / total,
    }
    for code in sorted(vrais):
        if code == "autre":
            continue
        figures[f"{code}_precision_ratio"] = justes[code] / predits[code] if predits[code] else 0.0
        figures[f"{code}_recall_ratio"] = justes[code] / vrais[code]
    return figures


def main() -> None:
    """Measure classification and recompression speed and accuracy; print and record them."""
    coeurs = min(2, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="bench-classify-") as dossier_temp:
        travail = Path(dossier_temp)
        verites = _dossiers(random.Random(11))
        taches = []
        for rang, pieces in enumerate(verites):
            chemin = travail / f"dossier-{rang:02d}.pdf"
            _ecrire_dossier(chemin, pieces, rang)
            taches.append((chemin, len(pieces), travail / f"pieces-{rang:02d}"))
        pages = sum(pages_de(g) for pieces in verites for g, _ in pieces)
        debut = time.perf_counter()
        with ProcessPoolExecutor(max_workers=coeurs) as pool:
            sorties = list(pool.map(_traiter, taches))
        duree = time.perf_counter() - debut
        resultats = [resultat for resultat, _ in sorties]
        cpu = sum(secondes for _, secondes in sorties)
        texte = _texte(travail)
        mo_s, ratio = _recompression(travail)
    figures: dict[str, Any] = {
        "ocr_pages": pages,
        "ocr_processes": coeurs,
        "ocr_pages_per_s": pages / duree,
        "ocr_pages_per_s_per_process_wall": pages / duree / coeurs,
        "ocr_pages_per_core_s": pages / cpu if cpu else 0.0,
        "text_layer_pages_per_s": texte,
        "recompression_mb_per_s": mo_s,
        "recompression_size_ratio": ratio,
    }
    figures.update(_precision_rappel(verites, resultats))
    ok = (
        figures["ocr_pages_per_core_s"] >= TARGET_OCR_PAGES_PER_S_PER_CORE
        and texte >= TARGET_TEXT_PAGES_PER_S
    )
    report(
        "classify",
        figures,
        notes=(
            f"targets: >= {TARGET_OCR_PAGES_PER_S_PER_CORE} OCR pages/s per core, "
            f">= {TARGET_TEXT_PAGES_PER_S} text-layer pages/s: {'met' if ok else 'NOT met'}"
        ),
    )


if __name__ == "__main__":
    main()
