"""Write what a split produced: one PDF per dossier, and the manifest as JSON.

A dossier's PDF copies the batch's page objects with pikepdf, so the scanned
images are reused byte for byte (no re-encoding, no loss, fast); a page read
sideways or upside down is turned with ``/Rotate``. Pages of a TIFF batch are
embedded with img2pdf (CCITT G4 frames as they are), turned upright first.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from scanning.manifest import Manifest
from scanning.orientation import redresser
from scanning.pages import format_de


def write_manifest(manifest: Manifest, path: Path) -> Path:
    """Write the manifest as indented UTF-8 JSON (atomically) and return its path."""
    temporaire = path.with_name(path.name + ".tmp")
    temporaire.write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    os.replace(temporaire, path)
    return path


def write_dossier_pdfs(path: Path, manifest: Manifest, out_dir: Path) -> dict[int, Path]:
    """Write one PDF per dossier with its pages in order; return dossier index -> file.

    The separator itself is left out (it is in the batch); a dossier without any
    page gets no file. File names carry the dossier's rank and numéro unique.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rotations = {record.index: record.rotation for record in manifest.pages}
    ecrits: dict[int, Path] = {}
    if format_de(path) == "pdf":
        with pikepdf.open(path) as source:
            for dossier in manifest.dossiers:
                if not dossier.pages:
                    continue
                cible = out_dir / f"dossier-{dossier.index + 1:03d}-{dossier.numero}.pdf"
                with pikepdf.new() as sortie:
                    for index in dossier.pages:
                        sortie.pages.append(source.pages[index])
                        if rotations.get(index):
                            sortie.pages[-1].rotate(rotations[index], relative=True)
                    sortie.save(cible)
                ecrits[dossier.index] = cible
        return ecrits
    with Image.open(path) as tiff:
        for dossier in manifest.dossiers:
            if not dossier.pages:
                continue
            images = []
            for index in dossier.pages:
                tiff.seek(index)
                images.append(_frame_bytes(tiff, rotations.get(index, 0)))
            cible = out_dir / f"dossier-{dossier.index + 1:03d}-{dossier.numero}.pdf"
            cible.write_bytes(img2pdf.convert(images))
            ecrits[dossier.index] = cible
    return ecrits


def _frame_bytes(frame: Image.Image, rotation: int = 0) -> bytes:
    """One TIFF frame, turned upright, as a standalone image file img2pdf can embed."""
    sortie = io.BytesIO()
    seule = redresser(frame.copy(), rotation)  # the current frame only
    if seule.mode == "1":
        seule.save(sortie, "TIFF", compression="group4", dpi=frame.info.get("dpi", (200, 200)))
    else:
        seule.convert("L").save(sortie, "JPEG", quality=85, dpi=frame.info.get("dpi", (200, 200)))
    return sortie.getvalue()
