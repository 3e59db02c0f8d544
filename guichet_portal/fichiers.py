"""Files in the portal: the file store, uploads written to a working folder, streamed answers.

Uploads are written to disk as they arrive (Werkzeug spools them) and handed to
the services as paths; stored files go back to the browser chunk by chunk.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from sne.config import Settings
from sne.stockage import FileStore, store_for


def settings() -> Settings:
    """The portal's settings."""
    reglages: Settings = current_app.extensions["sne.settings"]
    return reglages


def store() -> FileStore:
    """The one file store of the settings (a folder, or the bucket)."""
    return store_for(settings())


def limiter_envois(blueprint: Blueprint, limites: Mapping[str, int]) -> None:
    """Give some of ``blueprint``'s views a body limit of their own (the portal's is 2 MB).

    Set in a URL value preprocessor: those run before every ``before_request``
    function, so before the CSRF check reads the form with the default limit.
    """

    def limiter(endpoint: str | None, _valeurs: dict[str, Any] | None) -> None:
        nom = (endpoint or "").rpartition(".")[2]
        if nom in limites:
            request.max_content_length = limites[nom]

    blueprint.url_value_preprocessor(limiter)


@contextmanager
def dossier_travail() -> Iterator[Path]:
    """A working folder on this machine, removed afterwards."""
    racine = settings().var_dir / "tmp"
    racine.mkdir(parents=True, exist_ok=True)
    dossier = Path(tempfile.mkdtemp(dir=racine, prefix="portail-"))
    try:
        yield dossier
    finally:
        shutil.rmtree(dossier, ignore_errors=True)


def ecrire(fichier: FileStorage, dossier: Path, rang: int) -> Path:
    """Write an uploaded file into ``dossier`` under a safe name of its own; return the path."""
    nom = secure_filename(fichier.filename or "") or "fichier"
    chemin = dossier / f"envoi-{rang:02d}" / nom  # one folder per file: the name stays the user's
    chemin.parent.mkdir()
    fichier.save(chemin)
    return chemin


def flux(contenu: Iterator[bytes], *, nom: str, type_mime: str, en_ligne: bool) -> Response:
    """Stream a stored file: opened in the browser (``inline``) or downloaded."""
    disposition = "inline" if en_ligne else "attachment"
    reponse = current_app.response_class(contenu, mimetype=type_mime, direct_passthrough=True)
    reponse.headers["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    reponse.headers["X-Content-Type-Options"] = "nosniff"
    reponse.headers["Cache-Control"] = "private, no-store"
    return reponse
