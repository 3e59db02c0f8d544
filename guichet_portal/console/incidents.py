"""The operators' side of incident reports: every guichet's reports, answer, close."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.console import travaux
from guichet_portal.console.blueprint import bp, refus
from sne.errors import SneError
from sne.services import incidents


@bp.get("/incidents")
@exige("traiter_incidents")
def incidents_liste() -> str:
    """The reports of the operator's territory, open ones first."""
    statut = request.args.get("statut") or None
    if statut is not None and statut not in incidents.STATUTS:
        abort(404)
    return render_template(
        "guichet/console/incidents.html",
        liste=incidents.lister(acces.uow(), acces.acteur(), statut),
        statut=statut,
        liens_statuts=[
            (texte, url_for("console.incidents_liste", statut=code), code == statut)
            for code, texte in incidents.STATUTS.items()
        ],
    )


@bp.route("/incidents/<int:incident_id>", methods=["GET", "POST"])
@exige("traiter_incidents")
def incident(incident_id: int) -> Response | str:
    """Read a report and answer it (optionally closing it); the guichet is mailed."""
    reponse = request.form.get("reponse", "")
    message = None
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        try:
            incidents.repondre(
                acces.uow(),
                acces.acteur(),
                incident_id,
                reponse,
                travaux.envoyer_notification(),
                clore=request.form.get("action") == "repondre_clore",
            )
        except SneError as erreur:
            if erreur.code == "INCIDENT_INCONNU":
                raise
            message, erreurs = refus(erreur)
        else:
            flash("Réponse enregistrée ; le référent du guichet la reçoit par courriel.", "success")
            return redirect(url_for("console.incident", incident_id=incident_id))
    vue = incidents.consulter(acces.uow(), acces.acteur(), incident_id)
    return render_template(
        "guichet/console/incident.html",
        vue=vue,
        reponse=reponse,
        message=message,
        erreurs=erreurs,
    )


@bp.post("/incidents/<int:incident_id>/clore")
@exige("traiter_incidents")
def clore_incident(incident_id: int) -> Response:
    """Close a report without a new answer."""
    incidents.clore(acces.uow(), acces.acteur(), incident_id)
    flash(f"L'incident n° {incident_id} est clos.", "success")
    return redirect(url_for("console.incidents_liste"))
