"""The applicant's account: create it, confirm the address, sign in and out, reset the password.

Every answer that could tell whether an address has an account is the same
for known and unknown addresses; sign-in, creation and resets are throttled
per network address and per e-mail address (Flask-Limiter).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from portails import sessions
from portails.sessions import url_sure
from public_portal import acces
from public_portal.acces import connecte, public
from public_portal.extensions import limiter
from sne.errors import SneError
from sne.services import comptes_demandeurs

bp = Blueprint("comptes", __name__)


def _limite(nom: str) -> str:
    return str(current_app.config[nom])


def _cle_email() -> str:
    """Throttle key of the e-mail address typed (whatever the network address)."""
    return "email:" + request.form.get("email", "").strip().lower()[:254]


def _details(refus: SneError) -> dict[str, str]:
    return {cle: str(valeur) for cle, valeur in refus.details.items()}


@bp.route("/creer-un-compte", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limite("SNE_LIMITE_COMPTE"), methods=["POST"])
def creer() -> Response | str:
    """Create an account; the confirmation link goes to the address typed."""
    erreurs: dict[str, str] = {}
    message = None
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            comptes_demandeurs.creer(
                acces.uow(),
                acces.courrier(),
                acces.secret(),
                email,
                request.form.get("mot_de_passe", ""),
                request.form.get("confirmation", ""),
            )
        except SneError as refus:
            message, erreurs = refus.message, _details(refus)
        else:
            return render_template("public/message_envoye.html", email=email.strip().lower())
    return render_template("public/creer.html", email=email, erreurs=erreurs, message=message)


@bp.get("/confirmer/<jeton>")
@public
def confirmer(jeton: str) -> Response | str:
    """Confirm the address with the link mailed at creation."""
    try:
        comptes_demandeurs.confirmer(acces.uow(), acces.secret(), jeton)
    except SneError as refus:
        return render_template("public/lien_refuse.html", message=refus.message)
    flash("Votre adresse e-mail est confirmée. Vous pouvez vous connecter.", "success")
    return redirect(url_for("comptes.connexion"))


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limite("SNE_LIMITE_CONNEXION"), methods=["POST"])
@limiter.limit(lambda: _limite("SNE_LIMITE_CONNEXION"), key_func=_cle_email, methods=["POST"])
def connexion() -> Response | str:
    """Sign in with the e-mail address and the password."""
    suite = request.values.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_sure(suite))
    erreur = None
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            compte = comptes_demandeurs.connecter(
                acces.uow(), email, request.form.get("mot_de_passe", "")
            )
        except SneError as refus:
            erreur = refus.message
        else:
            sessions.ouvrir(acces.Demandeur(compte))
            return redirect(url_sure(suite))
    return render_template("public/connexion.html", erreur=erreur, email=email, suite=suite)


@bp.post("/deconnexion")
@connecte
def deconnexion() -> Response:
    """Sign out on every device at once."""
    comptes_demandeurs.deconnecter(acces.uow(), acces.compte().id)
    logout_user()
    flash("Vous êtes déconnecté(e), sur tous vos appareils.", "success")
    return redirect(url_for("comptes.connexion"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limite("SNE_LIMITE_COMPTE"), methods=["POST"])
@limiter.limit(lambda: _limite("SNE_LIMITE_COMPTE"), key_func=_cle_email, methods=["POST"])
def oubli() -> Response | str:
    """Ask for a reset link; the answer is the same whether the address has an account."""
    if request.method == "POST":
        email = request.form.get("email", "")
        comptes_demandeurs.demander_reinitialisation(
            acces.uow(), acces.courrier(), acces.secret(), email
        )
        return render_template("public/message_envoye.html", email=email.strip().lower())
    return render_template("public/oubli.html")


@bp.route("/nouveau-mot-de-passe/<jeton>", methods=["GET", "POST"])
@public
def reinitialiser(jeton: str) -> Response | str:
    """Choose a new password through the mailed link (once, within an hour)."""
    erreurs: dict[str, str] = {}
    message = None
    try:
        if request.method == "POST":
            comptes_demandeurs.reinitialiser(
                acces.uow(),
                acces.secret(),
                jeton,
                request.form.get("mot_de_passe", ""),
                request.form.get("confirmation", ""),
            )
            logout_user()
            flash("Votre mot de passe est changé. Connectez-vous avec le nouveau.", "success")
            return redirect(url_for("comptes.connexion"))
        comptes_demandeurs.verifier_reinitialisation(acces.uow(), acces.secret(), jeton)
    except SneError as refus:
        if refus.code == "LIEN_INVALIDE":
            return render_template("public/lien_refuse.html", message=refus.message)
        message, erreurs = refus.message, _details(refus)
    return render_template("public/reinitialiser.html", erreurs=erreurs, message=message)
