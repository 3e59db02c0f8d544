"""Demandes filed online: the territory's worklist, the identity piece beside, verified or refused.

A refusal says why and is mailed to the applicant; both are traced in the
demande's history (``sne.services.depot_en_ligne.verifier``).
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from sne.config import Settings
from sne.errors import ValidationError
from sne.mail import envoyeur
from sne.services import depot_en_ligne

bp = Blueprint("en_ligne", __name__, url_prefix="/demandes/en-ligne")


def _page(erreurs: dict[str, str] | None = None, code: int = 200) -> tuple[str, int]:
    toutes = request.args.get("toutes") == "oui"
    demandes = depot_en_ligne.lister(acces.uow(), acces.acteur(), toutes=toutes)
    html = render_template(
        "guichet/en_ligne.html", demandes=demandes, toutes=toutes, erreurs=erreurs or {}
    )
    return html, code


@bp.get("")
@exige("consulter")
def liste() -> tuple[str, int]:
    """The territory's demandes filed online whose identity piece is to verify (or all)."""
    return _page()


@bp.post("/<numero>")
@exige("marquer_piece")
def verifier(numero: str) -> Response | tuple[str, int]:
    """Mark the identity piece verified, or refuse it with a reason (mailed to the applicant)."""
    refuser = request.form.get("decision") == "refuser"
    settings = cast(Settings, current_app.extensions["sne.settings"])
    try:
        depot_en_ligne.verifier(
            acces.uow(),
            acces.acteur(),
            numero,
            motif_refus=request.form.get("motif", "") if refuser else None,
            envoyer=envoyeur(settings),
            expediteur=settings.mail_from,
        )
    except ValidationError as refus:
        return _page({f"motif-{numero}": refus.problems.get("motif", refus.message)}, 422)
    flash(
        f"Pièce de la demande {numero} refusée : le demandeur est prévenu par e-mail."
        if refuser
        else f"Pièce d'identité de la demande {numero} vérifiée.",
        "success",
    )
    return redirect(url_for("en_ligne.liste"))
