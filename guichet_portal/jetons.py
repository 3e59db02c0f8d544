"""The territorial manager's API tokens: create (secret shown once), list, revoke."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, securite
from guichet_portal.acces import exige
from guichet_portal.recherche import lire_date
from sne.errors import SneError
from sne.services import jetons

bp = Blueprint("jetons", __name__, url_prefix="/gestion/jetons")


def _page(
    saisie: dict[str, object], erreurs: dict[str, str], cree: jetons.JetonCree | None = None
) -> str:
    return render_template(
        "guichet/jetons/index.html",
        liste=jetons.lister(acces.uow(), acces.acteur()),
        saisie=saisie,
        erreurs=erreurs,
        cree=cree,
        portees={code: f"{code} : {texte}" for code, texte in jetons.PORTEES.items()},
        jour=securite.aujourd_hui(),
    )


def _vierge() -> dict[str, object]:
    """The creation form's defaults: read scope, valid one year."""
    return {
        "portees": ["lecture"],
        "expire_le": (securite.aujourd_hui() + timedelta(days=365)).isoformat(),
    }


@bp.get("")
@exige("gerer_jetons")
def index() -> str:
    """The tokens of the territory and the form to create one."""
    return _page(_vierge(), {})


@bp.post("")
@exige("gerer_jetons")
def creer() -> str:
    """Create a token and show its secret, this once."""
    saisie: dict[str, object] = {
        "nom": request.form.get("nom", ""),
        "agent": request.form.get("agent", ""),
        "portees": request.form.getlist("portees"),
        "expire_le": request.form.get("expire_le", ""),
        "plages_ip": request.form.get("plages_ip", ""),
    }
    expire_le = lire_date(str(saisie["expire_le"]))
    if expire_le is None:
        return _page(saisie, {"expire_le": "date illisible : écrivez-la JJ/MM/AAAA"})
    try:
        cree = jetons.creer(
            acces.uow(),
            acces.acteur(),
            nom=str(saisie["nom"]),
            agent=str(saisie["agent"]),
            portees=list(request.form.getlist("portees")),
            expire_le=expire_le,
            aujourd_hui=securite.aujourd_hui(),
            plages_ip=str(saisie["plages_ip"]) or None,
        )
    except SneError as refus:
        return _page(
            saisie, {k: str(v) for k, v in refus.details.items()} or {"agent": refus.message}
        )
    return _page(_vierge(), {}, cree)


@bp.post("/<int:jeton_id>/revocation")
@exige("gerer_jetons")
def revoquer(jeton_id: int) -> Response:
    """Revoke a token at once."""
    vue = jetons.revoquer(acces.uow(), acces.acteur(), jeton_id)
    flash(f"Le jeton « {vue.nom} » du guichet {vue.guichet} est révoqué.", "success")
    return redirect(url_for("jetons.index"))
