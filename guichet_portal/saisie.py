"""Registering a demande in steps following the Cerfa sections a–i."""

from __future__ import annotations

from flask import Blueprint

from guichet_portal.acces import exige

bp = Blueprint("saisie", __name__, url_prefix="/demandes/nouvelle")


@bp.route("", methods=["GET", "POST"])
@exige("enregistrer")
def debut() -> str:
    """Start."""
    return ""
