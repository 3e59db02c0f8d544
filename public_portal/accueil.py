"""The home page (the account's demandes, or how to start) and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from public_portal import acces
from public_portal.acces import public
from sne.services import brouillons, liaisons
from sne.services import guichets as guichets_service

bp = Blueprint("accueil", __name__)


@bp.get("/")
@public
def index() -> str:
    """Signed in: the demandes linked to the account and the one being filed; otherwise what the portal is for."""
    if not current_user.is_authenticated:
        return render_template("public/bienvenue.html")
    numeros = liaisons.demandes_liees(acces.uow(), acces.compte().id)
    brouillon = brouillons.reprendre(acces.uow(), acces.compte().id)
    return render_template("public/accueil.html", numeros=numeros, brouillon=brouillon)


@bp.get("/confidentialite")
@public
def confidentialite() -> str:
    """What the portal holds on applicants, why, how long, and their rights."""
    return render_template("public/confidentialite.html")


@bp.get("/guichets")
@public
def guichets() -> str:
    """Where to go in person: the open guichets and their addresses."""
    return render_template("public/guichets.html", guichets=guichets_service.lister(acces.uow()))
