"""The console's blueprint (``/console``) and what its views share: the settings, the refusals."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, current_app

from sne.config import Settings
from sne.errors import SneError

bp = Blueprint("console", __name__, url_prefix="/console")


def settings() -> Settings:
    """The portal's settings."""
    return cast(Settings, current_app.extensions["sne.settings"])


def refus(erreur: SneError) -> tuple[str | None, dict[str, str]]:
    """A refusal as the form shows it: a general message, or one message per field."""
    if erreur.details:
        return None, {k: str(v) for k, v in erreur.details.items()}
    return erreur.message, {}
