"""Serve the public portal with gunicorn, beside the guichet portal, as ``make run`` does.

``python -m public_portal`` starts gunicorn on http://127.0.0.1:8001 (the
guichet portal keeps 8000) and prints the address and the demo applicant's
account when the demo created it; Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from flask import Flask

from demo.demandeur import EMAIL, MOT_DE_PASSE
from guichet_portal.serveur import Serveur, options_gunicorn, uow_de
from sne.config import Settings
from sne.services import comptes_demandeurs


class ServeurPublic(Serveur):
    """The guichet portal's gunicorn application, building the public portal instead."""

    def load(self) -> Flask:
        """Build the public portal once per worker, after the fork."""
        from public_portal import create_app

        return create_app()


def demandeur_demo(settings: Settings) -> bool:
    """Tell whether the demo applicant's account exists in the database."""
    uow, engine = uow_de(settings)
    try:
        return comptes_demandeurs.existe(uow, EMAIL)
    finally:
        engine.dispose()


def accueil(adresse: str, demo: bool) -> str:
    """The lines printed at start: where applicants go, with which demo account."""
    lignes = ["", f"Portail des demandeurs : http://{adresse}/"]
    if demo:
        lignes += [
            f"  compte de démonstration : {EMAIL}, mot de passe {MOT_DE_PASSE}",
            "  (relié à une demande à renouveler ; les messages sont écrits dans var/outbox/)",
        ]
    return "\n".join([*lignes, ""])


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then serve."""
    parser = argparse.ArgumentParser(
        prog="python -m public_portal", description="Sert le portail des demandeurs avec gunicorn."
    )
    parser.add_argument("--bind", default="127.0.0.1:8001", help="adresse:port (127.0.0.1:8001)")
    parser.add_argument("--workers", type=int, default=2, help="processus de gunicorn (2)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    print(accueil(args.bind, demandeur_demo(settings)), flush=True)
    ServeurPublic(options_gunicorn(args.bind, args.workers, "sne-public")).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
