"""Suivi des guichets: the territory's indicators, charts, exports and data-quality alerts.

The pages read the daily snapshot (``sne.services.indicateurs``), never the
demandes themselves; each says on which day its data was computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, exports, graphiques
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from sne.config import Settings
from sne.documents import tableur
from sne.errors import NotFound, SneError
from sne.services import indicateurs
from sne.services.notifications import Planifier
from workers.enqueue import enqueue_envoyer_notification
from workers.queue import make_queue

bp = Blueprint("indicateurs", __name__, url_prefix="/indicateurs")
# The tables' values, written the French way (decimal comma), in every template.
bp.add_app_template_filter(tableur.texte, "valeur")
FILTRES = ("du", "au", "guichet", "graphique", "territoire")
TABLEAUX = ("guichets", "mois")


def _filtres() -> dict[str, str]:
    return {cle: request.args.get(cle, "").strip() for cle in FILTRES}


def _suivi(filtres: dict[str, str]) -> indicateurs.Suivi:
    return indicateurs.consulter(
        acces.uow(),
        acces.acteur(),
        aujourd_hui=aujourd_hui(),
        du=filtres["du"] or None,
        au=filtres["au"] or None,
        guichet=filtres["guichet"] or None,
        graphique=filtres["graphique"] or None,
        territoire=filtres["territoire"] or None,
    )


@bp.get("")
@exige("suivre_indicateurs")
def index() -> tuple[str, int]:
    """Show the indicators of the period: alerts, charts and their tables, export links."""
    filtres = _filtres()
    message, erreurs, suivi = None, dict[str, str](), None
    try:
        suivi = _suivi(filtres)
    except NotFound:
        raise
    except SneError as erreur:
        message, erreurs = erreur.message, {k: str(v) for k, v in erreur.details.items()}
    html = render_template(
        "guichet/indicateurs/index.html",
        suivi=suivi,
        filtres=filtres,
        message=message,
        erreurs=erreurs,
        lignes=indicateurs.LIGNES_PAR_CODE,
        options_guichets={g.code: f"{g.nom} ({g.code})" for g in suivi.guichets} if suivi else {},
        choix_graphiques={
            c: indicateurs.LIGNES_PAR_CODE[c].libelle for c in indicateurs.GRAPHIQUES
        },
        graphique_mois=graphiques.barres(suivi.serie_mois) if suivi else None,
        graphique_guichets=graphiques.barres(suivi.serie_guichets) if suivi else None,
        exports={k: v for k, v in filtres.items() if v},
        national=acces.acteur().territoire_code is None,
    )
    return html, 422 if message else 200


@bp.get("/export/<tableau>.<format_>")
@exige("suivre_indicateurs")
def exporter(tableau: str, format_: str) -> Response:
    """Download the table of guichets or of months as CSV or ODS, with the page's filters."""
    if tableau not in TABLEAUX:
        raise NotFound("Ce tableau n'existe pas.")
    filtres = _filtres()

    def construire() -> tableur.Tableau:
        suivi = _suivi(filtres)
        return suivi.par_guichet if tableau == "guichets" else suivi.par_mois

    return exports.telecharger(exports.tableau_ou_400(construire), format_)


def _planifier() -> Planifier:
    """Send the mail through the queue (tests replace it with ``SNE_PLANIFIER_MAIL``)."""
    remplace = current_app.config.get("SNE_PLANIFIER_MAIL")
    if remplace is not None:
        return cast(Planifier, remplace)
    queue = make_queue(cast(Settings, current_app.extensions["sne.settings"]))
    return cast(Callable[[int], None], lambda ident: enqueue_envoyer_notification(queue, ident))


@bp.post("/referent")
@exige("suivre_indicateurs")
def ecrire() -> Response:
    """Mail a guichet's référent from the alerts list, then come back to the page."""
    guichet = request.form.get("guichet", "")
    retour = request.form.get("retour", "")
    try:
        indicateurs.ecrire_au_referent(
            acces.uow(),
            acces.acteur(),
            guichet=guichet,
            message=request.form.get("message", ""),
            planifier=_planifier(),
        )
    except NotFound:
        raise
    except SneError as erreur:
        flash(" ; ".join(str(v) for v in erreur.details.values()) or erreur.message, "error")
    else:
        flash(f"Message envoyé au référent du guichet {guichet}.", "success")
    cible = url_for("indicateurs.index")
    return redirect(cible + retour if retour.startswith("?") else cible)
