"""Intake: an operator deposits a scanned batch received by mail, streamed to the file store."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.console import travaux
from guichet_portal.console.blueprint import bp, refus, settings
from guichet_portal.console.televersement import TropVolumineux, recevoir
from guichet_portal.extensions import csrf
from guichet_portal.recherche import lire_date
from guichet_portal.securite import aujourd_hui
from sne.errors import SneError
from sne.services import console
from sne.stockage import store_for


def _formulaire(
    saisie: dict[str, str], erreurs: dict[str, str], message: str | None, statut: int = 200
) -> tuple[str, int]:
    """The deposit form, with what was typed and what to correct."""
    return render_template(
        "guichet/console/depot.html",
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        canaux=console.CANAUX_CONSOLE,
        territoires=console.territoires(acces.uow(), acces.acteur()),
        national=console.portee(acces.acteur()) is None,
        max_mo=settings().console_max_octets // 1_000_000,
        max_octets=settings().console_max_octets,
        jour=aujourd_hui(),
    ), statut


@bp.get("/depot")
@exige("exploiter_numerisation")
def depot() -> tuple[str, int]:
    """Show the deposit form (today's date proposed)."""
    return _formulaire({"recu_le": aujourd_hui().isoformat()}, {}, None)


@bp.post("/depot")
@exige("exploiter_numerisation")
def deposer() -> Response | tuple[str, int]:
    """Receive the batch on disk, check the token, and hand it to the intake service."""
    reglages = settings()
    limite = reglages.console_max_octets
    try:
        with recevoir(reglages.var_dir / "televersements", "fichier", limite) as recu:
            try:
                validate_csrf(recu.champs.get("csrf_token"))
            except ValueError as erreur:  # wtforms' ValidationError: missing or wrong token
                raise CSRFError(str(erreur)) from None
            saisie = {k: recu.champs.get(k, "").strip() for k in ("canal", "recu_le", "territoire")}
            if recu.fichier is None:
                return _formulaire(
                    saisie, {"fichier": "choisissez le fichier du lot (PDF ou TIFF)"}, None
                )
            try:
                lot = console.deposer(
                    acces.uow(),
                    acces.acteur(),
                    recu.fichier,
                    canal=saisie["canal"],
                    recu_le=lire_date(saisie["recu_le"]) if saisie["recu_le"] else None,
                    jour=aujourd_hui(),
                    territoire=saisie["territoire"] or None,
                    storage=store_for(reglages),
                    enqueue=travaux.traiter_lot(),
                )
            except SneError as erreur:
                message, erreurs = refus(erreur)
                return _formulaire(saisie, erreurs, message, 422)
    except TropVolumineux:
        message = (
            f"Le fichier dépasse la taille maximale d'un lot déposé ici ({limite // 1_000_000} Mo) : "
            "rien n'a été enregistré. Découpez le lot en plusieurs fichiers."
        )
        return _formulaire({"recu_le": aujourd_hui().isoformat()}, {}, message, 413)
    if lot.doublon_de is not None:
        flash(
            f"Ce fichier a déjà été déposé (lot n° {lot.doublon_de}) : le dépôt est enregistré "
            f"comme lot n° {lot.id}, doublon du premier, et n'est pas traité une seconde fois.",
            "warning",
        )
    elif lot.remis_en_file:
        flash(f"Ce fichier avait déjà été déposé : le lot n° {lot.id} est remis en file.", "info")
    elif not lot.en_file:
        flash(
            f"Le lot n° {lot.id} est enregistré ; la file de traitement est injoignable pour le "
            "moment : il sera mis en file automatiquement dans quelques minutes.",
            "warning",
        )
    else:
        flash(
            f"Lot n° {lot.id} reçu, à traiter au plus tard le {lot.echeance:%d/%m/%Y}.", "success"
        )
    return redirect(url_for("console.file"))


# The token is checked in the view, once the body is streamed to disk (not parsed in memory).
csrf.exempt(deposer)
