"""The guichet's side of the public portal: print a linking code for an applicant without e-mail.

An applicant whose demande has no e-mail address asks on the public portal to
link their account, then comes to a guichet; the agent prints the code here.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from sne.errors import Conflict
from sne.services import liaisons

bp = Blueprint("code_portail", __name__, url_prefix="/demandes")


@bp.post("/<numero>/code-portail")
@exige("modifier")
def imprimer(numero: str) -> Response | str:
    """Show a fresh linking code, on a page made to be printed and handed over."""
    try:
        code = liaisons.imprimer_code(acces.uow(), acces.acteur(), numero)
    except Conflict as refus:
        flash(refus.message, "warning")
        return redirect(url_for("demandes.voir", numero=numero))
    return render_template("guichet/code_portail.html", numero=numero, code=code)
