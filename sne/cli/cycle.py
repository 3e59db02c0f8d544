"""``sne lifecycle``: the cycle quotidien (préavis, radiation for non-renewal, purge, late alerts)."""

from __future__ import annotations

import click

from sne.cli.app import App, domain_errors, jour_de, option_date, pass_app
from sne.config import Settings
from sne.services import cycle
from workers.jobs import executer_cycle
from workers.queue import context


@click.command("lifecycle")
@option_date
@click.option("--territoire", help="Limiter à un territoire.")
@pass_app
@domain_errors
def lifecycle(app: App, jour: str | None, territoire: str | None) -> None:
    """Traitement quotidien : préavis, radiation pour non-renouvellement, purge (rejouable)."""
    bilan = executer_cycle(context(app.settings, app.session_factory), jour_de(jour), territoire)
    afficher_bilan(bilan.cycle, app.settings)
    click.echo(f"  lots et envois en retard signalés : {len(bilan.alertes)}")


def afficher_bilan(bilan: cycle.BilanCycle, settings: Settings) -> None:
    """Print what the cycle quotidien did."""
    click.echo(f"Traitement du {bilan.jour:%d/%m/%Y} :")
    destination = settings.smtp_host or settings.outbox
    click.echo(f"  préavis par courriel : {len(bilan.preavis_email)} (envoyés vers {destination})")
    click.echo(f"  préavis par courrier : {len(bilan.preavis_courrier)} (lettres à poster)")
    click.echo(f"  radiations pour non-renouvellement : {len(bilan.radiees)}")
    click.echo(f"  demandes purgées : {len(bilan.purgees)}")
