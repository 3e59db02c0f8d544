"""Sign-in, sign-out and password change (``sne.services.comptes`` does the checking).

Sign-in is throttled per address and per account (Flask-Limiter) on top of the
account's temporary lock after repeated failures.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige, public
from guichet_portal.extensions import limiter
from guichet_portal.securite import demarrer_session, url_sure
from sne.errors import SneError
from sne.services import comptes

bp = Blueprint("auth", __name__)


def _limite_adresse() -> str:
    return str(current_app.config["SNE_LIMITE_CONNEXION_ADRESSE"])


def _limite_compte() -> str:
    return str(current_app.config["SNE_LIMITE_CONNEXION_COMPTE"])


def _cle_compte() -> str:
    """Throttle key of the account being tried (whatever the address)."""
    return "compte:" + request.form.get("identifiant", "").strip().lower()[:100]


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(_limite_adresse, methods=["POST"])
@limiter.limit(_limite_compte, key_func=_cle_compte, methods=["POST"])
def connexion() -> Response | str:
    """Show the sign-in form; open a fresh session when the password is right."""
    suite = request.values.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_sure(suite))
    erreur = None
    identifiant = request.form.get("identifiant", "")
    if request.method == "POST":
        try:
            compte = comptes.connecter(
                acces.uow(), identifiant, request.form.get("mot_de_passe", "")
            )
        except SneError as refus:
            erreur = refus.message
        else:
            demarrer_session(compte)
            if compte.doit_changer_mot_de_passe:
                flash(
                    "Votre mot de passe a été choisi par une autre personne : "
                    "choisissez le vôtre avant de continuer.",
                    "info",
                )
                return redirect(url_for("auth.mot_de_passe"))
            return redirect(url_sure(suite))
    return render_template(
        "guichet/connexion.html", erreur=erreur, identifiant=identifiant, suite=suite
    )


@bp.post("/deconnexion")
@exige("connecte")
def deconnexion() -> Response:
    """End every session of the account and go back to the sign-in page."""
    comptes.deconnecter(acces.uow(), acces.acteur())
    logout_user()
    flash("Vous êtes déconnecté(e).", "success")
    return redirect(url_for("auth.connexion"))


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@exige("connecte")
def mot_de_passe() -> Response | str:
    """Change the password (forced at the first sign-in of an account made by someone else)."""
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            compte = comptes.changer_mot_de_passe(
                acces.uow(),
                acces.acteur(),
                request.form.get("actuel", ""),
                request.form.get("nouveau", ""),
                request.form.get("confirmation", ""),
            )
        except SneError as refus:
            message, erreurs = refus.message, {k: str(v) for k, v in refus.details.items()}
        else:
            demarrer_session(compte)
            flash("Votre mot de passe a été changé.", "success")
            return redirect(url_for("accueil.index"))
    return render_template(
        "guichet/mot_de_passe.html",
        message=message,
        erreurs=erreurs,
        force=acces.compte().doit_changer_mot_de_passe,
    )
