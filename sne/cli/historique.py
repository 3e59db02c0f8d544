"""``sne historique verifier``: prove that nobody rewrote the history (its hash chains)."""

from __future__ import annotations

import sys

import click

from sne.cli.app import App, domain_errors, option_as, pass_app
from sne.services import audit


@click.group("historique")
def historique_group() -> None:
    """Historique des opérations (inviolable : chaque ligne porte l'empreinte de la précédente)."""


@historique_group.command("verifier")
@option_as(obligatoire=False)
@pass_app
@domain_errors
def verifier(app: App, login: str | None) -> None:
    """Vérifie les chaînes de l'historique et dit où chacune est rompue (code 2 si rompue)."""
    bilan = audit.verifier(app.uow(), app.acteur(login))
    click.echo(f"{bilan.lignes} lignes vérifiées dans {bilan.chaines} chaînes.")
    if bilan.intacte:
        click.echo("Historique intact : aucune ligne modifiée, supprimée ni insérée.")
        return
    click.secho(f"{len(bilan.ruptures)} rupture(s) :", fg="red")
    for rupture in bilan.ruptures:
        click.echo(
            f"  - chaîne {rupture.chaine}, ligne {rupture.historique_id} "
            f"du {rupture.at:%d/%m/%Y %H:%M} : {rupture.raison}"
        )
    sys.exit(2)
