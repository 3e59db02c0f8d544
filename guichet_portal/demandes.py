"""One demande: its page, and the actions on it (modify, renew, radiate, split, report, print)."""

from __future__ import annotations

from flask import Blueprint

from guichet_portal.acces import exige

bp = Blueprint("demandes", __name__, url_prefix="/demandes")


@bp.get("/<numero>")
@exige("consulter")
def voir(numero: str) -> str:
    """Show the demande."""
    return numero
