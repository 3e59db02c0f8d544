"""Sessions and HTTP hardening: idle expiry, forced password change, safe ``next``, headers.

The session lives in a signed cookie (Secure, HttpOnly, SameSite=Lax); it is
renewed at sign-in and ends after ``web_session_idle_minutes`` without a
request. Signing out or changing the password changes the account's session
token, which ends every session of the account at once.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, Response, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from guichet_portal import acces, libelles
from guichet_portal.extensions import login_manager
from portails import cerfa, entetes, sessions
from portails.entetes import CSP as CSP  # re-exported: callers read it here
from portails.sessions import aujourd_hui as aujourd_hui  # re-exported for the views
from portails.sessions import maintenant as maintenant
from portails.sessions import url_sure as url_sure
from sne import codes
from sne.services import comptes

#: Endpoints a signed-in account may reach before changing a password someone else chose.
AVANT_CHANGEMENT = {"auth.mot_de_passe", "auth.deconnexion", "statiques.dsfr", "statiques.portail"}


def demarrer_session(compte: comptes.Compte) -> None:
    """Open a fresh session for ``compte`` (nothing of the previous session survives)."""
    sessions.ouvrir(acces.Utilisateur(compte))


def _charger(identifiant: str) -> acces.Utilisateur | None:
    """Load the account of the session, if its token still holds."""
    numero, _, jeton = identifiant.partition(":")
    if not numero.isdigit() or not jeton:
        return None
    compte = comptes.charger(acces.uow(), int(numero), jeton)
    return acces.Utilisateur(compte) if compte else None


def _non_connecte() -> Response:
    """Send to the sign-in page, coming back here afterwards (GET only)."""
    flash("Connectez-vous pour accéder à cette page.", "info")
    suite = request.full_path.rstrip("?") if request.method == "GET" else None
    return cast(Response, redirect(url_for("auth.connexion", next=suite)))


def _expirer() -> Response | None:
    """End an idle session; send an account with a password to change to the change form."""
    if request.endpoint in {"statiques.dsfr", "statiques.portail"}:
        return None
    if "_user_id" in session and sessions.inactive():
        logout_user()
        session.clear()
        flash(
            "Votre session a pris fin après une période d'inactivité ; reconnectez-vous.",
            "info",
        )
        suite = request.full_path.rstrip("?") if request.method == "GET" else None
        return cast(Response, redirect(url_for("auth.connexion", next=suite)))
    if (
        current_user.is_authenticated
        and acces.compte().doit_changer_mot_de_passe
        and request.endpoint not in AVANT_CHANGEMENT
    ):
        return cast(Response, redirect(url_for("auth.mot_de_passe")))
    return None


def _entetes(response: Response) -> Response:
    """Add the security headers; personal pages are never cached."""
    return entetes.poser(response)


def jinja_globals() -> dict[str, Any]:
    """Helpers every template may call."""
    return {
        "peut": acces.peut,
        **cerfa.globales(),
    }


def _ressource_ligne(ressource: dict[str, Any]) -> tuple[str, str]:
    """A resource line of a document as (French label, "1 650,00 €")."""
    types = {**codes.RESSOURCE_RECUE, **codes.RESSOURCE_VERSEE}
    montant = f"{float(ressource.get('montant_mensuel') or 0):,.2f}"
    return (
        codes.libelle(types, ressource.get("type")),
        montant.replace(",", "\u202f").replace(".", ",") + " € par mois",
    )


def _valeur_lisible(valeur: Any) -> str:
    """A traced value as a person reads it."""
    if valeur in (None, "", []):
        return "vide"
    if valeur is True or valeur is False:
        return "oui" if valeur else "non"
    if isinstance(valeur, list):
        return ", ".join(_valeur_lisible(v) for v in valeur)
    if isinstance(valeur, dict):
        return ", ".join(f"{k} {_valeur_lisible(v)}" for k, v in valeur.items())
    return str(valeur)


def _changements_lignes(changements: dict[str, Any]) -> list[str]:
    """One line per traced change: ``champ : avant → après`` (or ``champ : valeur``)."""
    lignes = []
    for champ, valeur in changements.items():
        if isinstance(valeur, list) and len(valeur) == 2 and champ not in {"candidats", "numeros"}:
            avant, apres = valeur
            lignes.append(f"{champ} : {_valeur_lisible(avant)} → {_valeur_lisible(apres)}")
        else:
            lignes.append(f"{champ} : {_valeur_lisible(valeur)}")
    return lignes


def init_app(app: Flask) -> None:
    """Install the session checks and the headers on ``app``."""
    login_manager.session_protection = None  # the session token does this job
    login_manager.user_loader(_charger)
    login_manager.unauthorized_handler(_non_connecte)
    app.before_request(_expirer)
    app.after_request(_entetes)
    app.jinja_env.filters["ressource_ligne"] = _ressource_ligne
    app.jinja_env.filters["changements_lignes"] = _changements_lignes
    app.jinja_env.filters["ident"] = libelles.ident
    app.jinja_env.filters["radiation_rubriques"] = libelles.radiation
    app.jinja_env.filters["resume_erreurs"] = libelles.resume
    app.jinja_env.filters["libelle_type_logement"] = lambda code: codes.libelle(
        codes.TYPE_LOGEMENT, code
    )
