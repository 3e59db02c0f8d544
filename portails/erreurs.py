"""Error pages in French, without stack trace, for both portals (each gives its template).

An object the account may not see answers exactly as one that does not exist
(404), so neither portal tells other people's demandes apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from sne.errors import Forbidden, NotFound

journal = logging.getLogger(__name__)
#: Renders an error page: (status, title, text) -> (HTML, status).
Page = Callable[[int, str | None, str | None], tuple[str, int]]

CSRF = (
    "Formulaire expiré",
    "Le formulaire a expiré ou ne provient pas de cette application : rien n'a été "
    "enregistré. Revenez à la page, rechargez-la puis recommencez.",
)


def installer(app: Flask, gabarit: str, pages: Mapping[int, tuple[str, str]]) -> None:
    """Render every error of ``app`` with ``gabarit`` and the French ``pages`` (500 the fallback)."""

    def page(code: int, titre: str | None = None, texte: str | None = None) -> tuple[str, int]:
        defaut_titre, defaut_texte = pages.get(code, pages[500])
        html = render_template(
            gabarit, code=code, titre=titre or defaut_titre, texte=texte or defaut_texte
        )
        return html, code

    def http(erreur: HTTPException) -> tuple[str, int]:
        return page(erreur.code or 500)

    def csrf(_erreur: CSRFError) -> tuple[str, int]:
        return page(400, *CSRF)

    def introuvable(_erreur: NotFound | Forbidden) -> tuple[str, int]:
        return page(404)

    def inattendue(erreur: Exception) -> tuple[str, int]:
        journal.exception("erreur inattendue", exc_info=erreur)
        return page(500)

    app.extensions["sne.page_erreur"] = page
    app.register_error_handler(CSRFError, csrf)
    app.register_error_handler(HTTPException, http)
    app.register_error_handler(NotFound, introuvable)
    app.register_error_handler(Forbidden, introuvable)
    app.register_error_handler(Exception, inattendue)
