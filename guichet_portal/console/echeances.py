"""The deadlines board: due today, late and processed, by guichet and channel; pieces per week."""

from __future__ import annotations

from flask import render_template

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.console.blueprint import bp
from guichet_portal.securite import aujourd_hui
from sne import codes
from sne.services import console, lots


@bp.get("/echeances")
@exige("exploiter_numerisation")
def echeances() -> str:
    """Show the board of the day against the two-working-day commitment."""
    tableau = console.tableau_echeances(acces.uow(), acces.acteur(), aujourd_hui())
    return render_template(
        "guichet/console/echeances.html",
        tableau=tableau,
        canaux=codes.CANAL,
        delai=lots.DELAI_JOURS_OUVRES,
    )
