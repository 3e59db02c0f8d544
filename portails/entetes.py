"""Security headers of every response of both portals (CSP without inline script or style)."""

from __future__ import annotations

from collections.abc import Collection

from flask import Response, request

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: Endpoints serving static files: cached, unlike personal pages.
STATIQUES = frozenset({"statiques.dsfr", "statiques.portail"})


def poser(response: Response, statiques: Collection[str] = STATIQUES) -> Response:
    """Add the security headers; personal pages are never cached."""
    if response.mimetype != "application/pdf":
        response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint not in statiques:
        response.headers["Cache-Control"] = "no-store"
    return response
