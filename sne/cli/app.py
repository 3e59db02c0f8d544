"""What every ``sne`` command shares: the ``App``, its options and the French error handling.

This module imports no other command module, so each area's module imports it
and nothing imports back. Tests may pass an ``App`` of their own as click's
``obj`` instead of going through the environment.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sne.acteurs import ADMIN_CLI, Acteur, acteur_pour
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.errors import SneError
from sne.uow import UnitOfWork

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """What every command needs, built lazily from the settings."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def acteur(self, login: str | None) -> Acteur:
        """The account acting; without ``--as``, the command line's administrator."""
        if login is None:
            return ADMIN_CLI
        with self.uow() as unit:
            return acteur_pour(unit.session, login)


pass_app = click.make_pass_decorator(App)


def domain_errors(function: F) -> F:
    """Print a domain refusal as a clean French line (and its details) and exit with 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SneError as error:
            click.secho(f"Refusé [{error.code}] : {error.message}", fg="red", err=True)
            for champ, texte in error.details.items():
                click.echo(f"  - {champ} : {texte}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]  # wraps keeps the signature F describes


def jour_de(valeur: str | None) -> date:
    """The ``--date`` given (AAAA-MM-JJ), or today."""
    if valeur is None:
        return date.today()
    try:
        return date.fromisoformat(valeur)
    except ValueError as exc:
        raise click.BadParameter(f"date « {valeur} » illisible (AAAA-MM-JJ attendu)") from exc


def lire_json(path: Path) -> dict[str, Any]:
    """Read a JSON object from ``path``, refusing anything else with a French message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{path} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})."
        ) from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path} n'est pas encodé en UTF-8.") from exc
    if not isinstance(data, dict):
        raise click.ClickException(f"{path} doit contenir un objet JSON (la demande).")
    return data


def json_default(value: Any) -> Any:
    """Dates and amounts as the demande file writes them."""
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(type(value))


def option_as(*, obligatoire: bool = True) -> Callable[[F], F]:
    """``--as LOGIN``: the account acting, traced in the history (the CLI's administrator if optional)."""
    aide = (
        "Compte qui agit (tracé dans l'historique)."
        if obligatoire
        else "Compte qui agit (défaut : l'administrateur de la ligne de commande)."
    )
    return click.option("--as", "login", required=obligatoire, metavar="LOGIN", help=aide)


option_date = click.option(
    "--date", "jour", metavar="AAAA-MM-JJ", help="Date du jour à appliquer (défaut : aujourd'hui)."
)
