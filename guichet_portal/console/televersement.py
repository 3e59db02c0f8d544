"""Receive a large batch from the browser straight to disk, never whole in memory.

The multipart body is parsed by werkzeug with a stream factory that writes the
file part into a temporary folder under ``var/`` as it arrives (werkzeug reads
the request in small chunks); the size limit is checked before reading and while
reading. The folder is removed whatever happens, so a refused or interrupted
upload leaves nothing behind; the service then stores the file by content.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data
from werkzeug.utils import secure_filename

#: Room left beside the file for the other fields and the multipart boundaries.
MARGE = 64 * 1024
#: Most bytes of the form's text fields held in memory (werkzeug's and Flask's default).
MEMOIRE_CHAMPS = 500_000


class TropVolumineux(Exception):
    """The upload exceeds the configured maximum (nothing is kept)."""


@dataclass(frozen=True)
class Televersement:
    """The form's fields and the file received, under its (sanitised) original name."""

    champs: MultiDict[str, str]
    fichier: Path | None


@contextmanager
def recevoir(dossier: Path, nom_champ: str, max_octets: int) -> Iterator[Televersement]:
    """Parse the current request's multipart body, writing the file part under ``dossier``.

    Raise ``TropVolumineux`` when the body is larger than ``max_octets`` (plus the
    fields' margin). The received file is deleted when the block ends.
    """
    limite = max_octets + MARGE
    if request.content_length is not None and request.content_length > limite:
        raise TropVolumineux
    dossier.mkdir(parents=True, exist_ok=True)
    travail = Path(tempfile.mkdtemp(dir=dossier, prefix="depot-"))
    ouverts: list[IO[bytes]] = []

    def ecrire(*_args: object, **_kwargs: object) -> IO[bytes]:
        flux = (travail / f"partie-{len(ouverts)}").open("wb+")
        ouverts.append(flux)
        return flux

    try:
        try:
            _flux, champs, fichiers = parse_form_data(
                request.environ,
                stream_factory=ecrire,
                max_content_length=limite,
                max_form_memory_size=MEMOIRE_CHAMPS,
            )
        except RequestEntityTooLarge:
            raise TropVolumineux from None
        finally:
            for flux in ouverts:
                flux.close()
        fichier = None
        envoye = fichiers.get(nom_champ)
        if envoye is not None and envoye.filename:
            partie = Path(envoye.stream.name)
            nom = secure_filename(envoye.filename) or "lot.pdf"
            fichier = partie.rename(travail / nom)
        yield Televersement(champs, fichier)
    finally:
        shutil.rmtree(travail, ignore_errors=True)
