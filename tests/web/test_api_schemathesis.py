"""Schemathesis against the served OpenAPI document: no server error, every reply conforms.

Runs through the WSGI app (no server) with a valid token holding every scope,
on SQLite and PostgreSQL; a few examples per operation keep it short.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import FileEnregistree, Referentiel, enregistrer_demande
from tests.web.api_outils import creer_jeton

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schemathesis.serializer("application/pdf")
def _pdf(_ctx: Any, valeur: Any) -> dict[str, Any]:
    """Send a generated PDF body as it is (bytes) or as its text."""
    return {"data": valeur if isinstance(valeur, bytes) else str(valeur).encode()}


@pytest.fixture
def contexte(ref: Referentiel, app: Flask) -> dict[str, Any]:
    """The app (its jobs recorded, not run), a token with every scope, one registered demande."""
    app.extensions["sne.queue"] = FileEnregistree()
    return {"app": app, "secret": creer_jeton(ref).secret, "numero": enregistrer_demande(ref)}


def test_api_conforme_a_son_document(contexte: dict[str, Any]) -> None:
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", contexte["app"])
    entetes = {"Authorization": f"Bearer {contexte['secret']}"}
    operations = [resultat.ok() for resultat in document.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def essayer(case: Any) -> None:
            numero = (case.path_parameters or {}).get("numero")
            if numero and numero[0] in "0123456789":
                # About half the calls on a real demande, so that success replies are checked too.
                case.path_parameters["numero"] = contexte["numero"]
            case.call_and_validate(headers=entetes, checks=CHECKS)

        essayer()
