"""Static files: the DSFR's built files from ``node_modules`` (fetched by ``npm ci``) and ours."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from guichet_portal.acces import public
from sne.config import ROOT

#: The DSFR is not committed: ``npm ci`` installs the pinned version (see package.json).
DSFR = ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist"
PROPRES = Path(__file__).resolve().parent / "static"
UN_JOUR = 24 * 3600

bp = Blueprint("statiques", __name__)


@bp.get("/static/dsfr/<path:chemin>")
@public
def dsfr(chemin: str) -> Response:
    """Serve a file of the DSFR's ``dist`` folder."""
    return send_from_directory(DSFR, chemin, max_age=UN_JOUR)


@bp.get("/static/portail/<path:chemin>")
@public
def portail(chemin: str) -> Response:
    """Serve the portal's own CSS and scripts."""
    return send_from_directory(PROPRES, chemin, max_age=UN_JOUR)
