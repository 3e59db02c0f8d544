"""Error pages in French, without stack trace, each with a way back.

A demande the account may not see answers exactly as a demande that does not
exist (404): the portal never tells another territory's numéros apart.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

import portails.erreurs

PAGES: dict[int, tuple[str, str]] = {
    400: ("Requête incorrecte", "La page n'a pas compris ce qui lui a été envoyé."),
    403: (
        "Accès refusé",
        "Votre rôle ne permet pas d'utiliser cette page. Si vous pensez que c'est une erreur, "
        "adressez-vous à votre gestionnaire territorial.",
    ),
    404: (
        "Page ou demande introuvable",
        "Cette adresse ne correspond à aucune page, ou à aucune demande que vous puissiez "
        "consulter. Vérifiez le numéro unique ou passez par la recherche.",
    ),
    405: ("Action impossible", "Cette page ne s'utilise pas de cette façon."),
    413: ("Envoi trop volumineux", "Ce qui a été envoyé dépasse la taille admise."),
    429: (
        "Trop de tentatives",
        "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.",
    ),
    500: (
        "Erreur du service",
        "Une erreur inattendue s'est produite ; rien n'a été enregistré par cette action. "
        "Réessayez, et si l'erreur persiste, signalez-la à l'assistance en donnant l'heure.",
    ),
}


def init_app(app: Flask) -> None:
    """Register the error pages on ``app``."""
    portails.erreurs.installer(app, "guichet/erreur.html", PAGES)


def page(code: int, titre: str | None = None, texte: str | None = None) -> tuple[str, int]:
    """Render the error page for HTTP status ``code`` (views that answer an error themselves)."""
    rendre = cast(portails.erreurs.Page, current_app.extensions["sne.page_erreur"])
    return rendre(code, titre, texte)
