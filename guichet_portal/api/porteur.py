"""Who calls the API: the bearer token checked before each call, its trace, its rate-limit key.

No cookie, no session: ``Authorization: Bearer sne_…`` on every call (so the
API is exempt from CSRF). The token acts as one agent of its guichet; every
call is recorded with that guichet and agent.
"""

from __future__ import annotations

from typing import cast

from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address

from guichet_portal import acces, securite
from sne.services import jetons


def secret() -> str | None:
    """The bearer token of the request, if any."""
    entete = request.headers.get("Authorization", "")
    schema, _, valeur = entete.partition(" ")
    return valeur.strip() if schema.lower() == "bearer" and valeur.strip() else None


def cle_limite() -> str:
    """Rate-limit key: the token's public prefix (the address for a call without token)."""
    valeur = secret() or ""
    parties = valeur.split("_")
    return f"jeton:{parties[1]}" if len(parties) >= 3 else f"adresse:{get_remote_address()}"


def limite() -> str:
    """Calls a token may make (Flask-Limiter syntax), from ``SNE_LIMITE_API``."""
    return cast(str, current_app.config.get("SNE_LIMITE_API", "600 per minute"))


def authentifier() -> jetons.Porteur:
    """Check the token of the request (``JetonRefuse`` or ``Forbidden`` if it does not hold)."""
    porteur = jetons.authentifier(
        acces.uow(),
        secret(),
        adresse=request.remote_addr,
        aujourd_hui=securite.aujourd_hui(),
    )
    g.sne_porteur = porteur
    return porteur


def courant() -> jetons.Porteur:
    """The token of the call being served."""
    return cast(jetons.Porteur, g.sne_porteur)


def tracer(response: Response) -> Response:
    """Record the call (token, guichet, agent, method, path, status)."""
    porteur = g.get("sne_porteur")
    if porteur is not None:
        jetons.tracer_appel(
            acces.uow(),
            porteur,
            methode=request.method,
            chemin=request.path,
            statut=response.status_code,
            adresse=request.remote_addr,
        )
    return response
