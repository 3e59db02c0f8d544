"""Linking the account to a demande: numéro, birth name and date, then the one-time code.

Step one always answers the same page, whatever was typed; both steps are
throttled per network address and per account (Flask-Limiter).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from public_portal import acces
from public_portal.acces import connecte
from public_portal.extensions import limiter
from sne.errors import SneError
from sne.services import liaisons

bp = Blueprint("liaison", __name__, url_prefix="/relier")


def _limite() -> str:
    return str(current_app.config["SNE_LIMITE_LIAISON"])


def _cle_compte() -> str:
    return f"liaison:{acces.compte().id}"


def lire_date(texte: str) -> date | None:
    """A date typed as 31/12/1980 or sent by a date field as 1980-12-31 (None if neither)."""
    for forme in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(texte.strip(), forme).date()
        except ValueError:
            continue
    return None


@bp.route("/", methods=["GET", "POST"])
@connecte
@limiter.limit(_limite, methods=["POST"])
@limiter.limit(_limite, key_func=_cle_compte, methods=["POST"])
def identite() -> Response | str:
    """Step one: the numéro unique and the identity of a titulaire of the demande."""
    valeurs = {c: request.form.get(c, "").strip() for c in ("numero", "nom", "naissance")}
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        naissance = lire_date(valeurs["naissance"])
        if not valeurs["numero"]:
            erreurs["numero"] = "saisissez le numéro unique de votre demande"
        if not valeurs["nom"]:
            erreurs["nom"] = "saisissez votre nom de naissance"
        if naissance is None:
            erreurs["naissance"] = "saisissez votre date de naissance, par exemple 31/12/1980"
        if not erreurs and naissance is not None:
            liaisons.demander(
                acces.uow(),
                acces.courrier(),
                acces.compte().id,
                valeurs["numero"],
                valeurs["nom"],
                naissance,
            )
            session["liaison"] = valeurs["numero"].upper()
            return redirect(url_for("liaison.code"))
    return render_template("public/lier.html", valeurs=valeurs, erreurs=erreurs)


@bp.route("/code", methods=["GET", "POST"])
@connecte
@limiter.limit(_limite, methods=["POST"])
@limiter.limit(_limite, key_func=_cle_compte, methods=["POST"])
def code() -> Response | str:
    """Step two: the code mailed to the demande's address (or printed by a guichet)."""
    numero = session.get("liaison")
    if not numero:
        return redirect(url_for("liaison.identite"))
    erreur = None
    if request.method == "POST":
        try:
            lie = liaisons.confirmer(
                acces.uow(), acces.compte().id, numero, request.form.get("code", "")
            )
        except SneError as refus:
            erreur = refus.message
        else:
            session.pop("liaison", None)
            flash("Votre compte est relié à la demande. Vous pouvez la suivre ici.", "success")
            return redirect(url_for("espace.demande", numero=lie))
    return render_template("public/code.html", numero=numero, erreur=erreur)
