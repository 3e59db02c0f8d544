"""Mails and jobs: the notification log of a lot or envoi, resending, failed jobs and retry."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.console import travaux
from guichet_portal.console.blueprint import bp
from guichet_portal.securite import url_sure
from sne.services import console


@bp.get("/lots/<int:lot_id>/notifications")
@exige("exploiter_numerisation")
def notifications_lot(lot_id: int) -> str:
    """The mails sent (or to send) about a lot."""
    journal = console.notifications_du_lot(acces.uow(), acces.acteur(), lot_id)
    return render_template(
        "guichet/console/notifications.html",
        titre=f"Courriels du lot n° {lot_id}",
        journal=journal,
        statuts=console.STATUT_NOTIFICATION,
    )


@bp.get("/envois/<identifiant>/notifications")
@exige("exploiter_numerisation")
def notifications_envoi(identifiant: str) -> str:
    """The mails sent (or to send) about an envoi."""
    journal = console.notifications_de_l_envoi(acces.uow(), acces.acteur(), identifiant)
    return render_template(
        "guichet/console/notifications.html",
        titre=f"Courriels de l'envoi {identifiant.upper()}",
        journal=journal,
        statuts=console.STATUT_NOTIFICATION,
    )


@bp.post("/notifications/<int:notification_id>/renvoyer")
@exige("exploiter_numerisation")
def renvoyer(notification_id: int) -> Response:
    """Send a notification mail again, then go back to the log it was listed in."""
    console.renvoyer_notification(
        acces.uow(), acces.acteur(), notification_id, travaux.envoyer_notification()
    )
    flash(f"Le courriel n° {notification_id} est remis en file d'envoi.", "success")
    return redirect(url_sure(request.form.get("retour")))


@bp.get("/travaux")
@exige("exploiter_numerisation")
def travaux_echoues() -> str:
    """The jobs that failed for good, with their reason."""
    return render_template(
        "guichet/console/travaux.html",
        jobs=travaux.jobs_echoues(),
        avec_redis=travaux.avec_redis(),
    )


@bp.post("/travaux/<job_id>/relancer")
@exige("exploiter_numerisation")
def relancer_job(job_id: str) -> Response:
    """Put a failed job back in its queue."""
    if travaux.relancer_job(job_id):
        flash("Le travail est remis en file.", "success")
    else:
        flash("Ce travail n'est plus en échec (déjà relancé ou expiré).", "info")
    return redirect(url_for("console.travaux_echoues"))
