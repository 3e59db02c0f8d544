"""CUS attribution tables: a landlord's PS-1, PS-2, PS-3 and PP-5 for a year, and their exports.

A landlord's agents see their own landlord's tables, the territorial manager
every landlord's (``sne.services.cus`` decides); the manager also enters or
imports each EPCI's first-quartile threshold.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, exports
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from sne.documents.tableur import Tableau
from sne.errors import NotFound, SneError, ValidationError
from sne.services import cus

bp = Blueprint("cus", __name__, url_prefix="/cus")
CHAMPS_SEUIL = ("annee", "epci_code", "epci_nom", "seuil", "codes_postaux")


def _annee() -> int:
    """The year asked for; by default the last full year (the one a landlord reports)."""
    annee = request.args.get("annee", type=int)
    return annee if annee and 2000 <= annee <= 2100 else aujourd_hui().year - 1


@bp.get("")
@exige("consulter_cus")
def index() -> str:
    """Choose a landlord and a year, then read its four tables with their rules."""
    annee = _annee()
    territoire = request.args.get("territoire", "").strip() or None
    message: str | None = None
    try:
        bailleurs = cus.bailleurs(acces.uow(), acces.acteur(), territoire)
    except ValidationError as erreur:  # a national account names the territory first
        bailleurs, message = [], erreur.message
    bailleur = request.args.get("bailleur") or (bailleurs[0] if len(bailleurs) == 1 else "")
    resultat = (
        cus.tableaux(acces.uow(), acces.acteur(), bailleur, annee, territoire) if bailleur else None
    )
    return render_template(
        "guichet/indicateurs/cus.html",
        annee=annee,
        territoire=territoire or "",
        national=acces.acteur().territoire_code is None,
        message=message,
        bailleurs=bailleurs,
        options_bailleurs={b: b for b in bailleurs},
        bailleur=bailleur,
        resultat=resultat,
        titres=cus.TABLEAUX,
    )


@bp.get("/export/<tableau>.<format_>")
@exige("consulter_cus")
def exporter(tableau: str, format_: str) -> Response:
    """Download one table (ps1, ps2, ps3, pp5) of a landlord and a year as CSV or ODS."""
    if tableau not in cus.TABLEAUX:
        raise NotFound("Ce tableau n'existe pas.")

    def construire() -> Tableau:
        resultat = cus.tableaux(
            acces.uow(),
            acces.acteur(),
            request.args.get("bailleur", ""),
            _annee(),
            request.args.get("territoire") or None,
        )
        return resultat.tableaux[tableau]

    return exports.telecharger(exports.tableau_ou_400(construire), format_)


@bp.route("/seuils", methods=["GET", "POST"])
@exige("gerer_seuils_cus")
def seuils() -> Response | tuple[str, int]:
    """List a year's thresholds; enter one, or import a CSV file of them."""
    annee = request.form.get("annee", type=int) or _annee()
    saisie = {c: request.form.get(c, "").strip() for c in CHAMPS_SEUIL}
    message, erreurs = None, dict[str, str]()
    if request.method == "POST":
        fichier = request.files.get("fichier")
        try:
            if request.form.get("action") == "importer":
                if fichier is None or not fichier.filename:
                    raise ValidationError({"fichier": "choisissez un fichier CSV"})
                nombre = cus.importer_seuils(acces.uow(), acces.acteur(), fichier.read())
                flash(f"{nombre} seuil(s) importé(s).", "success")
            else:
                lu = cus.enregistrer_seuil(acces.uow(), acces.acteur(), **saisie)
                flash(f"Seuil {lu.annee} de {lu.epci_nom} enregistré.", "success")
                annee = lu.annee
        except SneError as erreur:
            message = erreur.message
            erreurs = {k: str(v) for k, v in erreur.details.items()}
            if request.form.get("action") == "importer":  # line problems belong to the file
                erreurs = {"fichier": " ; ".join(f"{k} : {v}" for k, v in erreurs.items())}
        else:
            return redirect(url_for("cus.seuils", annee=annee))
    html = render_template(
        "guichet/indicateurs/seuils.html",
        annee=annee,
        seuils=cus.seuils(acces.uow(), acces.acteur(), annee),
        saisie=saisie,
        message=message,
        erreurs=erreurs,
    )
    return html, 422 if message else 200
