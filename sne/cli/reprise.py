"""``sne reprise import``: take over a territory's existing demandes (interfaceNuu files)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from sne.cli.app import App, domain_errors, jour_de, option_as, option_date, pass_app
from sne.interchange import archives
from sne.interchange import reprise as nuu_reprise


@click.group("reprise")
def reprise_group() -> None:
    """Reprise des demandes existantes d'un territoire (administrateur)."""


@reprise_group.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@option_as(obligatoire=False)
@option_date
@click.option(
    "--rapport",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier CSV du compte rendu, une ligne par fichier (défaut : refus seulement, à l'écran).",
)
@click.option(
    "--lot",
    "taille_lot",
    type=click.IntRange(1, 10_000),
    default=nuu_reprise.TAILLE_LOT,
    show_default=True,
    help="Demandes par transaction.",
)
@click.option(
    "--processus",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Processus qui lisent les fichiers pendant que la base enregistre le lot précédent.",
)
@pass_app
@domain_errors
def import_command(
    app: App,
    source: Path,
    login: str | None,
    jour: str | None,
    rapport: Path | None,
    taille_lot: int,
    processus: int,
) -> None:
    """Reprend les demandes des fichiers interfaceNuu de SOURCE (dossier, .zip ou .tar.gz).

    Chaque demande garde son numéro unique, sa date de dépôt, son dernier
    renouvellement et son guichet ; un numéro déjà enregistré n'est pas repris une
    seconde fois. Sort avec 1 si un fichier au moins est refusé.
    """
    try:
        fichiers = archives.fichiers(source)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="SOURCE") from exc
    bilan = nuu_reprise.reprendre(
        app.uow(),
        app.acteur(login),
        fichiers,
        aujourd_hui=jour_de(jour),
        taille_lot=taille_lot,
        processus=processus,
    )
    refuses = [f for f in bilan.fichiers if f.resultat == "refusee"]
    for fichier in refuses:
        click.secho(f"{fichier.nom} : refusé", fg="red", err=True)
        for anomalie in fichier.anomalies:
            click.echo(f"  - {anomalie}", err=True)
    if rapport is not None:
        _ecrire_rapport(rapport, bilan)
    debit = len(bilan.fichiers) / bilan.duree_s if bilan.duree_s else 0.0
    click.echo(
        f"{len(bilan.fichiers)} fichier(s) lu(s) en {bilan.duree_s:.1f} s ({debit:.0f}/s) : "
        f"{bilan.nombre('reprise')} demande(s) reprise(s), "
        f"{bilan.nombre('reprise_radiee')} reprise(s) radiée(s), "
        f"{bilan.nombre('deja_reprise')} déjà reprise(s), {len(refuses)} refusé(s)."
    )
    if rapport is not None:
        click.echo(f"Compte rendu par fichier : {rapport}")
    if refuses:
        sys.exit(1)


def _ecrire_rapport(chemin: Path, bilan: nuu_reprise.BilanReprise) -> None:
    """One line per file: name, number, outcome, anomalies (semicolon-separated, for a spreadsheet)."""
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        ecrivain = csv.writer(flux, delimiter=";")
        ecrivain.writerow(["fichier", "numero_unique", "resultat", "anomalies"])
        for f in bilan.fichiers:
            ecrivain.writerow(
                [
                    f.nom,
                    f.numero or "",
                    nuu_reprise.RESULTATS[f.resultat],
                    " | ".join(str(a) for a in f.anomalies),
                ]
            )
