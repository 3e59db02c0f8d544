"""``sne import-xml`` and ``sne export-xml``: interfaceNuu files of the privative systems."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sne import interchange
from sne.cli.app import App, domain_errors, jour_de, option_as, option_date, pass_app
from sne.interchange import format as nuu

ACTIONS = {
    "CRE": "demande enregistrée",
    "CRS": "nouvelle demande du co-titulaire séparé",
    "MOD": "demande modifiée",
    "REN": "demande renouvelée",
    "RAD": "demande radiée",
}


@click.command("import-xml")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as()
@option_date
@pass_app
@domain_errors
def import_xml(app: App, fichier: Path, login: str, jour: str | None) -> None:
    """Importe le fichier interfaceNuu FICHIER (CRE, CRS, MOD, REN ou RAD).

    Le fichier est contrôlé en entier avant tout enregistrement : à la moindre
    anomalie, rien n'est importé et chaque anomalie est listée (code, élément, texte).
    """
    with fichier.open("rb") as flux:
        contenu = flux.read(interchange.TAILLE_MAX + 1)  # more is refused unread
    resultat = interchange.importer(app.uow, app.acteur(login), contenu, aujourd_hui=jour_de(jour))
    if not resultat.accepte:
        quel = f"Fichier {resultat.type_fichier}" if resultat.type_fichier else "Fichier sans type"
        click.secho(
            f"{quel} rejeté : {len(resultat.anomalies)} anomalie(s), rien n'a été importé.",
            fg="red",
            err=True,
        )
        for anomalie in resultat.anomalies:
            click.echo(f"  - [{anomalie.code}] {anomalie.chemin} : {anomalie.message}", err=True)
        sys.exit(1)
    assert resultat.type_fichier is not None  # an accepted file has a known type
    click.echo(
        f"Fichier {resultat.type_fichier} importé : "
        f"{ACTIONS[resultat.type_fichier]} {resultat.numero}"
    )
    if resultat.type_fichier == "MOD":
        if not resultat.changements:
            click.echo("  Aucun changement.")
        for champ in resultat.changements:
            click.echo(f"  modifié : {champ}")


@click.command("export-xml")
@click.argument("numero")
@click.option(
    "--version",
    "version",
    type=click.Choice(nuu.VERSIONS),
    default=nuu.VERSION_COURANTE,
    show_default=True,
    help="Version de l'interface.",
)
@click.option(
    "--type",
    "type_fichier",
    type=click.Choice(nuu.TYPES_EXPORT),
    default="CRE",
    show_default=True,
    help="CRE (création, sans numéro unique) ou MOD (modification de NUMERO).",
)
@click.option(
    "--out",
    "sortie",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier à écrire (défaut : sortie standard).",
)
@click.option(
    "--as", "login", metavar="LOGIN", help="Compte qui exporte (défaut : administrateur)."
)
@option_date
@pass_app
@domain_errors
def export_xml(
    app: App,
    numero: str,
    version: str,
    type_fichier: str,
    sortie: Path | None,
    login: str | None,
    jour: str | None,
) -> None:
    """Exporte la demande NUMERO en fichier interfaceNuu (CRE ou MOD)."""
    contenu = interchange.exporter(
        app.uow(),
        app.acteur(login),
        numero,
        aujourd_hui=jour_de(jour),
        type_fichier=type_fichier,
        version=version,
    )
    if sortie is None:
        click.echo(contenu.decode("utf-8"), nl=False)
        return
    sortie.write_bytes(contenu)
    click.echo(f"Fichier {type_fichier} {version} de la demande {numero} écrit dans {sortie}.")
