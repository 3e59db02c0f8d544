"""Send a table as a CSV or ODS download (``sne.documents.tableur`` writes the bytes)."""

from __future__ import annotations

from flask import Response, abort

from sne.documents import tableur


def telecharger(tableau: tableur.Tableau, format_: str) -> Response:
    """The table as an attachment in ``format_`` (404 for a format not offered)."""
    if format_ not in tableur.FORMATS:
        abort(404)
    reponse = Response(tableur.exporter(tableau, format_), mimetype=tableur.FORMATS[format_])
    reponse.headers["Content-Disposition"] = (
        f'attachment; filename="{tableau.nom_fichier}.{format_}"'
    )
    return reponse
