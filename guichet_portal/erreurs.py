"""Error pages in French, without stack trace, each with a way back.

A demande the account may not see answers exactly as a demande that does not
exist (404): the portal never tells another territory's numéros apart.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from sne.errors import Forbidden, NotFound

journal = logging.getLogger(__name__)

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
CSRF = (
    "Formulaire expiré",
    "Le formulaire a expiré ou ne provient pas de cette application : rien n'a été "
    "enregistré. Revenez à la page, rechargez-la puis recommencez.",
)


def page(code: int, titre: str | None = None, texte: str | None = None) -> tuple[str, int]:
    """Render the error page for HTTP status ``code``."""
    defaut_titre, defaut_texte = PAGES.get(code, PAGES[500])
    html = render_template(
        "guichet/erreur.html", code=code, titre=titre or defaut_titre, texte=texte or defaut_texte
    )
    return html, code


def _http(erreur: HTTPException) -> tuple[str, int]:
    return page(erreur.code or 500)


def _csrf(_erreur: CSRFError) -> tuple[str, int]:
    return page(400, *CSRF)


def _introuvable(_erreur: NotFound | Forbidden) -> tuple[str, int]:
    return page(404)


def _inattendue(erreur: Exception) -> tuple[str, int]:
    journal.exception("erreur inattendue", exc_info=erreur)
    return page(500)


def init_app(app: Flask) -> None:
    """Register the error pages on ``app``."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, _introuvable)
    app.register_error_handler(Forbidden, _introuvable)
    app.register_error_handler(Exception, _inattendue)
