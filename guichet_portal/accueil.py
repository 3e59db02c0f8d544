"""Home page: the agent's worklist (expiring demandes, préavis sent, reports, recent activity)."""

from __future__ import annotations

from flask import Blueprint, render_template

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from sne.services import tableau_de_bord

bp = Blueprint("accueil", __name__)


@bp.get("/")
@exige("consulter")
def index() -> str:
    """Show the worklist of the account's guichet (or territory)."""
    jour = aujourd_hui()
    tableau = tableau_de_bord.tableau_de_bord(acces.uow(), acces.acteur(), jour)
    return render_template("guichet/accueil.html", tableau=tableau, jour=jour)
