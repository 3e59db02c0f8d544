"""Serve the guichet portal with gunicorn, as ``make run`` and the container do.

``python -m guichet_portal`` starts gunicorn (production WSGI server, 2 worker
processes by default) on http://127.0.0.1:8000 and prints the address and the
demo accounts present in the database; Ctrl-C stops it cleanly (gunicorn lets
requests in progress finish). ``--base-vide`` only prints ``oui`` when the
database holds no demande yet (``make run`` then loads the demo), ``non`` otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from sqlalchemy import Engine

from demo.donnees import COMPTES, DEMO_MOT_DE_PASSE
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.services import comptes, demandes
from sne.uow import UnitOfWork

#: French names of the roles, for the list of demo accounts.
ROLES = {
    "agent_guichet": "agent de guichet",
    "gestionnaire_territorial": "gestionnaire territorial",
    "consultant_liste": "consultant (liste)",
    "consultant_standard": "consultant (standard)",
    "consultant_complet": "consultant (complet)",
    "operateur_numerisation": "opérateur de numérisation",
    "administrateur": "administrateur",
}


class Serveur(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
    """A gunicorn application building the portal in each worker process (no shared engine)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn's configuration."""
        for cle, valeur in self.options.items():
            self.cfg.set(cle, valeur)

    def load(self) -> Flask:
        """Build the application once per worker, after the fork."""
        from guichet_portal import create_app

        return create_app()


def options_gunicorn(adresse: str, processus: int, nom: str) -> dict[str, Any]:
    """How every portal is served: sync workers, quiet logs, a short grace on Ctrl-C."""
    return {
        "bind": adresse,
        "workers": processus,
        "worker_class": "sync",
        # Ctrl-C: requests in progress get a few seconds to finish.
        "graceful_timeout": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": nom,
    }


def uow_de(settings: Settings) -> tuple[UnitOfWork, Engine]:
    """A unit of work on the settings' database, and its engine to dispose of afterwards."""
    engine = make_engine(settings.database_url)
    return UnitOfWork(make_session_factory(engine)), engine


def base_vide(settings: Settings) -> bool:
    """Tell whether the (migrated) database holds no demande yet."""
    uow, engine = uow_de(settings)
    try:
        return demandes.aucune_demande(uow)
    finally:
        engine.dispose()


def comptes_demo(settings: Settings) -> list[tuple[str, str, bool]]:
    """One demo account per role present: (login, French role, must change its password)."""
    uow, engine = uow_de(settings)
    try:
        presents = comptes.logins_presents(uow)
    finally:
        engine.dispose()
    vus: dict[str, tuple[str, str, bool]] = {}
    for login, _prenom, _nom, role, _guichet in COMPTES:
        if login in presents and role not in vus:
            vus[role] = (login, ROLES.get(role, role), presents[login])
    return list(vus.values())


def accueil(adresse: str, comptes: Sequence[tuple[str, str, bool]]) -> str:
    """The lines printed at start: where to go, with which account, how to stop."""
    lignes = [
        "",
        f"Portail des guichets : http://{adresse}/",
    ]
    if comptes:
        largeur = max(len(login) for login, _, _ in comptes)
        lignes += [
            "",
            f"Comptes de démonstration (mot de passe pour tous : {DEMO_MOT_DE_PASSE}) :",
            *(f"  {login.ljust(largeur)}  {role}" for login, role, _ in comptes),
            "",
            f"Ouvrez l'adresse, saisissez l'identifiant {comptes[0][0]} et le mot de passe, "
            "puis « Se connecter ».",
        ]
        if any(changer for _, _, changer in comptes):
            lignes.append(
                "À la première connexion d'un compte, le portail demande de choisir "
                "un nouveau mot de passe (12 caractères au moins)."
            )
    lignes += ["Ctrl-C arrête le serveur.", ""]
    return "\n".join(lignes)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then serve (or answer ``--base-vide``)."""
    parser = argparse.ArgumentParser(
        prog="python -m guichet_portal", description="Sert le portail des guichets avec gunicorn."
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="adresse:port (127.0.0.1:8000)")
    parser.add_argument("--workers", type=int, default=2, help="processus de gunicorn (2)")
    parser.add_argument(
        "--base-vide",
        action="store_true",
        help="ne sert rien : affiche « oui » si la base ne contient aucune demande, « non » sinon",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.base_vide:
        print("oui" if base_vide(settings) else "non")
        return 0
    print(accueil(args.bind, comptes_demo(settings)), flush=True)
    Serveur(options_gunicorn(args.bind, args.workers, "sne-guichet")).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
