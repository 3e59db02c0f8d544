"""``sne indicateurs``: recompute the guichets' indicators snapshot, import CUS thresholds."""

from __future__ import annotations

from pathlib import Path

import click

from sne.cli.app import App, domain_errors, jour_de, option_as, option_date, pass_app
from sne.services import cus, indicateurs


@click.group("indicateurs")
def indicateurs_group() -> None:
    """Suivi des guichets et tableaux CUS des attributions."""


@indicateurs_group.command("rafraichir")
@option_date
@click.option("--territoire", help="Limiter à un territoire.")
@pass_app
@domain_errors
def rafraichir(app: App, jour: str | None, territoire: str | None) -> None:
    """Recalculer les indicateurs (le traitement quotidien le fait déjà chaque nuit)."""
    for releve in indicateurs.rafraichir(app.uow(), app.acteur(None), jour_de(jour), territoire):
        click.echo(
            f"Territoire {releve.territoire} : {releve.lignes} lignes, données au "
            f"{releve.jour:%d/%m/%Y}, calculées en {releve.duree_ms} ms"
        )


@indicateurs_group.command("seuils")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as()
@click.option("--territoire", help="Territoire (pour un compte national).")
@pass_app
@domain_errors
def seuils(app: App, fichier: Path, login: str, territoire: str | None) -> None:
    """Importer les seuils du premier quartile par EPCI (CSV : annee;epci;nom;seuil;codes_postaux)."""
    contenu = fichier.read_bytes()
    nombre = cus.importer_seuils(app.uow(), app.acteur(login), contenu, territoire=territoire)
    click.echo(f"{nombre} seuil(s) enregistré(s).")
