"""Send a table as a CSV or ODS download (``sne.documents.tableur`` writes the bytes)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort

from sne.documents import tableur
from sne.errors import ValidationError


def telecharger(tableau: tableur.Tableau, format_: str) -> Response:
    """The table as an attachment in ``format_`` (404 for a format not offered)."""
    if format_ not in tableur.FORMATS:
        abort(404)
    reponse = Response(tableur.exporter(tableau, format_), mimetype=tableur.FORMATS[format_])
    reponse.headers["Content-Disposition"] = (
        f'attachment; filename="{tableau.nom_fichier}.{format_}"'
    )
    return reponse


def tableau_ou_400(construire: Callable[[], tableur.Tableau]) -> tableur.Tableau:
    """The table to export; filters the page would show as an error are a bad request here."""
    try:
        return construire()
    except ValidationError:
        abort(400)
