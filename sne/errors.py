"""Domain errors: one base class carrying a stable code and a French message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SneError(Exception):
    """Refusal by a rule of the domain.

    ``code`` is stable (tests, API clients and logs rely on it); ``message`` is the
    French sentence shown to the user; ``details`` carries field-level problems.
    """

    code = "ERREUR"

    def __init__(
        self, message: str, *, code: str | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ValidationError(SneError):
    """Input does not satisfy the rules; ``details`` maps each field to its French message."""

    code = "DONNEES_INVALIDES"

    def __init__(self, problems: Mapping[str, str]) -> None:
        lines = "; ".join(f"{field} : {text}" for field, text in problems.items())
        super().__init__(f"La demande est incomplète ou invalide — {lines}", details=problems)
        self.problems = dict(problems)


class NotFound(SneError):
    """The object designated does not exist (or is not visible to the user)."""

    code = "INTROUVABLE"


class Forbidden(SneError):
    """The user's role or territory does not allow the action."""

    code = "NON_AUTORISE"


#: Code of the refusal raised when the object belongs to another territory: callers that
#: must hide the object's existence (the API answers 404) recognise it by this code.
HORS_TERRITOIRE = "HORS_TERRITOIRE"


class Conflict(SneError):
    """The action contradicts the current state (e.g. renewing a radiated demand)."""

    code = "ETAT_INCOMPATIBLE"
