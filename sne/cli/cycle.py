"""``sne lifecycle``: the cycle quotidien (préavis, radiation for non-renewal, purge, late alerts)."""

from __future__ import annotations

from datetime import date

import click

from sne.acteurs import SYSTEME
from sne.cli.app import App, domain_errors, jour_de, option_date, pass_app
from sne.config import Settings
from sne.services import cycle
from workers.jobs import executer_cycle
from workers.queue import context


@click.command("lifecycle")
@option_date
@click.option("--territoire", help="Limiter à un territoire.")
@click.option(
    "--dry-run",
    "simulation",
    is_flag=True,
    help="Dire ce qui serait radié, purgé et envoyé, sans rien faire.",
)
@click.option("--yes", "oui", is_flag=True, help="Ne pas demander de confirmation.")
@pass_app
@domain_errors
def lifecycle(
    app: App, jour: str | None, territoire: str | None, simulation: bool, oui: bool
) -> None:
    """Traitement quotidien : préavis, radiation pour non-renouvellement, purge (rejouable)."""
    quand = jour_de(jour)
    if simulation:
        prevu = cycle.prevoir(app.uow(), SYSTEME, quand, territoire=territoire)
        afficher_prevision(prevu)
        return
    if quand != date.today() and not oui:
        click.confirm(
            f"Lancer le traitement à la date du {quand:%d/%m/%Y}, qui n'est pas aujourd'hui ? "
            "Les radiations et purges seront réelles.",
            abort=True,
        )
    bilan = executer_cycle(context(app.settings, app.session_factory), quand, territoire)
    afficher_bilan(bilan.cycle, app.settings)
    if bilan.courrier and bilan.courrier.lettres:
        click.echo(
            f"  lettres à poster : {bilan.courrier.pdf} (index pour l'imprimeur : "
            f"{bilan.courrier.index})"
        )
    click.echo(f"  lots et envois en retard signalés : {len(bilan.alertes)}")
    click.echo(f"  demandes en ligne commencées effacées (90 jours) : {bilan.brouillons_purges}")


def afficher_prevision(prevu: cycle.BilanCycle) -> None:
    """Print what a run would do (nothing was done)."""
    click.echo(f"Simulation du traitement du {prevu.jour:%d/%m/%Y} (rien n'est modifié) :")
    for libelle, numeros in (
        ("préavis par courriel", prevu.preavis_email),
        ("préavis par courrier (lettres à imprimer)", prevu.preavis_courrier),
        ("radiations pour non-renouvellement", prevu.radiees),
        ("purges des données personnelles", prevu.purgees),
    ):
        click.echo(f"  {libelle} : {len(numeros)}")
        for numero in numeros:
            click.echo(f"    - {numero}")


def afficher_bilan(bilan: cycle.BilanCycle, settings: Settings) -> None:
    """Print what the cycle quotidien did."""
    click.echo(f"Traitement du {bilan.jour:%d/%m/%Y} :")
    destination = settings.smtp_host or settings.outbox
    click.echo(f"  préavis par courriel : {len(bilan.preavis_email)} (envoyés vers {destination})")
    click.echo(f"  préavis par courrier : {len(bilan.preavis_courrier)} (lettres à poster)")
    click.echo(f"  radiations pour non-renouvellement : {len(bilan.radiees)}")
    click.echo(f"  demandes purgées : {len(bilan.purgees)}")
