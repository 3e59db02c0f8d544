"""Home page: the agent's worklist (expiring demandes, préavis sent, reports, recent activity)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from sne.services import tableau_de_bord

bp = Blueprint("accueil", __name__)


@bp.get("/")
@exige("connecte")
def index() -> str | Response:
    """Show the worklist of the account's guichet (or territory); operators go to their console."""
    if not acces.peut("consulter"):
        if acces.peut("exploiter_numerisation"):
            return redirect(url_for("console.file"))
        abort(403)
    jour = aujourd_hui()
    tableau = tableau_de_bord.tableau_de_bord(acces.uow(), acces.acteur(), jour)
    return render_template("guichet/accueil.html", tableau=tableau, jour=jour)
