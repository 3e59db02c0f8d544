"""The queue of lots: filters, and the two actions on a lot that failed (re-run, close)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.console import travaux
from guichet_portal.console.blueprint import bp, refus
from guichet_portal.securite import aujourd_hui
from sne import codes
from sne.errors import SneError
from sne.services import console


@bp.get("/")
@exige("exploiter_numerisation")
def file() -> str:
    """List the lots of the operator's territory, filtered by due date or status."""
    filtre = request.args.get("filtre") or None
    if filtre is not None and filtre not in console.FILTRES:
        abort(404)
    jour = aujourd_hui()
    lignes = console.file(acces.uow(), acces.acteur(), jour, filtre)
    liens = [("Tous les lots", url_for("console.file"), filtre is None)] + [
        (texte, url_for("console.file", filtre=code), code == filtre)
        for code, texte in console.FILTRES.items()
    ]
    return render_template(
        "guichet/console/file.html",
        lignes=lignes,
        filtre=filtre,
        filtres=console.FILTRES,
        liens_filtres=liens,
        jour=jour,
        canaux=codes.CANAL,
    )


@bp.post("/lots/<int:lot_id>/relancer")
@exige("exploiter_numerisation")
def relancer(lot_id: int) -> Response:
    """Re-run a failed lot and go back to the queue."""
    try:
        relance = console.relancer(acces.uow(), acces.acteur(), lot_id, travaux.traiter_lot())
    except SneError as erreur:
        if erreur.code in ("INTROUVABLE", "LOT_INCONNU"):
            raise
        flash(erreur.message, "error")
    else:
        if relance:
            flash(f"Le lot n° {lot_id} est relancé : il est de nouveau en file.", "success")
        else:
            flash(f"Le lot n° {lot_id} est déjà traité : rien à relancer.", "info")
    return redirect(url_for("console.file", filtre=request.form.get("filtre") or None))


@bp.route("/lots/<int:lot_id>/clore", methods=["GET", "POST"])
@exige("exploiter_numerisation")
def clore(lot_id: int) -> Response | str:
    """Ask for the reason, then close the lot for good."""
    motif = request.form.get("motif", "")
    message = None
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        try:
            console.clore(acces.uow(), acces.acteur(), lot_id, motif)
        except SneError as erreur:
            if erreur.code in ("INTROUVABLE", "LOT_INCONNU"):
                raise
            if erreur.code == "MOTIF_REQUIS":
                erreurs = {"motif": "précisez pourquoi le lot ne sera pas traité"}
            else:
                message, erreurs = refus(erreur)
        else:
            flash(f"Le lot n° {lot_id} est clos.", "success")
            return redirect(url_for("console.file"))
    ligne = console.lot(acces.uow(), acces.acteur(), lot_id, aujourd_hui())
    return render_template(
        "guichet/console/clore.html", lot=ligne, motif=motif, message=message, erreurs=erreurs
    )
