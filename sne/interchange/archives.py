"""The files of a take-over: a folder (searched recursively), a zip or a tar archive.

Each file comes out as (name, bytes), in a stable order; at most ``TAILLE_MAX + 1``
bytes are read of any file, so an oversized one is refused by ``lire`` unread.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sne.interchange.lecture import TAILLE_MAX

SUFFIXES_TAR = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


def fichiers(chemin: Path) -> Iterator[tuple[str, bytes]]:
    """Every regular file of the folder or archive ``chemin`` with its first bytes.

    Raise ``ValueError`` at once (not when iterating) for anything else.
    """
    nom = chemin.name.lower()
    if not (chemin.is_dir() or nom.endswith(".zip") or nom.endswith(SUFFIXES_TAR)):
        raise ValueError(f"{chemin} : dossier, archive .zip ou .tar(.gz, .bz2, .xz) attendu")
    return _lire(chemin)


def _lire(chemin: Path) -> Iterator[tuple[str, bytes]]:
    if chemin.is_dir():
        for fichier in sorted(p for p in chemin.rglob("*") if p.is_file()):
            with fichier.open("rb") as ouvert:
                yield str(fichier.relative_to(chemin)), ouvert.read(TAILLE_MAX + 1)
    elif chemin.name.lower().endswith(".zip"):
        with zipfile.ZipFile(chemin) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    with archive.open(info) as membre_zip:
                        yield info.filename, membre_zip.read(TAILLE_MAX + 1)
    else:
        with tarfile.open(chemin, "r:*") as archive:
            for membre in archive:
                flux = archive.extractfile(membre) if membre.isfile() else None
                if flux is not None:
                    yield membre.name, flux.read(TAILLE_MAX + 1)
