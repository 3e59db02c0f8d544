"""The web-service API for privative systems: ``/api/v1``, bearer tokens, OpenAPI 3.1.

Modules: ``contrat`` (operations declared once, served and described; the
OpenAPI document), ``porteur`` (the token of the call, its trace, its rate
limit), ``problemes`` (errors as problem documents), ``schemas`` (JSON
shapes), and the operations: ``demandes``, ``fichiers``, ``depots``, ``pieces``, ``suivi``.
"""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from guichet_portal import erreurs
from guichet_portal.acces import public
from guichet_portal.api import demandes, depots, fichiers, pieces, porteur, problemes, suivi
from guichet_portal.api.contrat import bp, document, json_reponse
from guichet_portal.extensions import csrf, limiter

__all__ = ["bp", "demandes", "depots", "fichiers", "init_app", "pieces", "suivi"]


@bp.get("/openapi.json")
@limiter.exempt
@public
def openapi() -> Response:
    """The OpenAPI 3.1 document, at a stable address."""
    return json_reponse(document(request.host_url))


@bp.get("/documentation")
@limiter.exempt
@public
def documentation() -> str:
    """A page listing the operations for a person, with the link to the document."""
    spec = document(request.host_url)
    return render_template("guichet/api_documentation.html", spec=spec)


# Set once, on the blueprint: a rate limit per token, the trace, problem documents for errors.
limiter.limit(porteur.limite, key_func=porteur.cle_limite)(bp)
bp.after_request(porteur.tracer)
bp.register_error_handler(HTTPException, problemes.depuis_http)
bp.register_error_handler(Exception, problemes.inattendue)


def _hors_route(erreur: HTTPException) -> Response | tuple[str, int]:
    """An unknown address or method under /api/ answers as the API does; elsewhere, the page."""
    if request.path.startswith(bp.url_prefix or "/api/v1"):
        return problemes.depuis_http(erreur)
    return erreurs.page(erreur.code or 500)


def init_app(app: Flask) -> None:
    """Register the API on ``app``, without CSRF: it takes no cookie, only bearer tokens."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    # No route matched, so no blueprint handler runs: these two are the application's.
    app.register_error_handler(404, _hors_route)
    app.register_error_handler(405, _hors_route)
