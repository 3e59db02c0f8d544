"""Search: by numéro unique (spaces tolerated), or by name and birth date; results paged."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from sne.errors import SneError
from sne.services import recherche

bp = Blueprint("recherche", __name__)
CRITERES = ("numero", "nom", "prenoms", "date_naissance")


def lire_date(texte: str) -> date | None:
    """Read a date typed as JJ/MM/AAAA or sent by a date field (AAAA-MM-JJ); None if unreadable."""
    texte = texte.strip()
    for separateur, ordre in (("/", (2, 1, 0)), ("-", (0, 1, 2))):
        morceaux = texte.split(separateur)
        if len(morceaux) == 3 and all(m.isdigit() for m in morceaux):
            annee, mois, jour = (int(morceaux[i]) for i in ordre)
            try:
                return date(annee, mois, jour)
            except ValueError:
                return None
    return None


@bp.get("/recherche")
@exige("consulter")
def index() -> Response | str:
    """Show the search form and, when criteria are given, one page of results."""
    saisie = {cle: request.args.get(cle, "").strip() for cle in CRITERES}
    erreurs: dict[str, str] = {}
    message = None
    page = None
    naissance = lire_date(saisie["date_naissance"]) if saisie["date_naissance"] else None
    if saisie["date_naissance"] and naissance is None:
        erreurs["date_naissance"] = "date illisible : écrivez-la JJ/MM/AAAA, par exemple 02/05/1988"
    elif any(saisie.values()):
        try:
            page = recherche.rechercher(
                acces.uow(),
                acces.acteur(),
                numero=saisie["numero"] or None,
                nom=saisie["nom"] or None,
                prenoms=saisie["prenoms"] or None,
                date_naissance=naissance,
                page=request.args.get("page", 1, type=int) or 1,
            )
        except SneError as refus:
            message = refus.message
            erreurs = {k: str(v) for k, v in refus.details.items()}
        else:
            if saisie["numero"] and page.total == 1 and page.page == 1:
                return redirect(url_for("demandes.voir", numero=page.resultats[0].numero))
    criteres = {k: v for k, v in saisie.items() if v}

    def adresse(n: int) -> str:
        valeurs: dict[str, Any] = {**criteres, "page": n}
        return url_for("recherche.index", **valeurs)

    return render_template(
        "guichet/recherche.html",
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        resultats=page,
        adresse=adresse,
    )
