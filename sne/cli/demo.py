"""``sne demo``: the end-to-end demonstration (see the ``demo`` package)."""

from __future__ import annotations

import click

from demo.demandeur import EMAIL as DEMANDEUR_DEMO
from demo.demandeur import creer_demandeur_demo
from demo.donnees import DEMO_MOT_DE_PASSE, generer
from demo.envoi import demo_envoi, demo_televersement, resume
from sne import codes, migrate
from sne.cli.app import App, domain_errors, jour_de, option_date, pass_app
from sne.cli.cycle import afficher_bilan
from sne.cli.demandes import show
from workers.jobs import executer_cycle
from workers.queue import context


@click.command("demo")
@click.option("--demandes", "nombre", default=300, show_default=True, help="Demandes à créer.")
@click.option("--graine", default=14069, show_default=True, help="Graine du tirage aléatoire.")
@option_date
@pass_app
@domain_errors
def demo(app: App, nombre: int, graine: int, jour: str | None) -> None:
    """Démonstration de bout en bout : référentiel, demandes réalistes, cycle de vie."""
    migrate.upgrade(app.engine)
    aujourd_hui = jour_de(jour)
    bilan = generer(app.uow, aujourd_hui=aujourd_hui, nombre=nombre, graine=graine)
    click.echo(f"Territoire {bilan.territoire} (Bouches-du-Rhône)")
    if bilan.guichets:
        click.echo(f"  guichets créés : {', '.join(bilan.guichets)}")
    if bilan.comptes:
        click.echo(
            f"  comptes créés (mot de passe « {DEMO_MOT_DE_PASSE} ») : {', '.join(bilan.comptes)}"
        )
    click.echo(f"  demandes enregistrées : {bilan.enregistrees}, renouvelées : {bilan.renouvelees}")
    for motif, nombre_ in sorted(bilan.radiees.items()):
        click.echo(f"  radiées {motif} ({codes.MOTIF_RADIATION[motif]}) : {nombre_}")
    demandeur = creer_demandeur_demo(app.uow, aujourd_hui)
    if demandeur:
        click.echo(
            f"  compte demandeur du portail public : {DEMANDEUR_DEMO} (mot de passe "
            f"« {DEMO_MOT_DE_PASSE} »), relié à la demande {demandeur}"
        )
    quotidien = executer_cycle(context(app.settings, app.session_factory), aujourd_hui)
    afficher_bilan(quotidien.cycle, app.settings)
    if bilan.exemple:
        click.echo("")
        show.callback(numero=bilan.exemple, login=None, as_json=False)  # type: ignore[misc]
    click.echo("")
    for ligne in resume(demo_envoi(app.uow, app.settings, aujourd_hui)):
        click.echo(ligne)
    for ligne in demo_televersement(app.uow, app.settings):
        click.echo(ligne)
    click.echo(f"\nBase : {app.engine.url.render_as_string(hide_password=True)}")
