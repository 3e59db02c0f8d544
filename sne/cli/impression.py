"""``sne print``: the separator documents as PDF files (attestation, fiche, sending)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from sne.cli.app import App, domain_errors, jour_de, option_as, option_date, pass_app
from sne.documents.cles import keyring_for
from sne.services import envois, impression

option_out = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier PDF à écrire (défaut : dans var/documents/).",
)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _pages(pdf: bytes) -> int:
    """Count the pages of a PDF written by reportlab (page objects are never compressed)."""
    return len(_PAGE.findall(pdf))


def _ecrire(app: App, pdf: bytes, out: Path | None, nom: str) -> Path:
    chemin = out or app.settings.var_dir / "documents" / nom
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(pdf)
    return chemin


def _dossier(valeur: str) -> tuple[str, int, int]:
    numero, _, reste = valeur.partition(":")
    documents, _, pages = reste.partition(":")
    try:
        return numero.strip(), int(documents), int(pages)
    except ValueError:
        raise click.BadParameter(
            f"« {valeur} » : NUMERO:DOCUMENTS:PAGES attendu (ex. 0130326000012G1301:3:7)",
            param_hint="--demande",
        ) from None


@click.group("print")
def print_group() -> None:
    """Documents séparateurs à imprimer : attestation, fiche récapitulative, envoi.

    Leur QR code signé relie les pièces papier numérisées au bon dossier.
    """


@print_group.command("attestation")
@click.argument("numero")
@option_as()
@option_date
@option_out
@pass_app
@domain_errors
def print_attestation(
    app: App, numero: str, login: str, jour: str | None, out: Path | None
) -> None:
    """Attestation d'enregistrement (ou de renouvellement) de la demande NUMERO."""
    aujourd_hui = jour_de(jour)
    pdf = impression.imprimer_attestation(
        app.uow(), app.acteur(login), numero, aujourd_hui, keyring_for(app.settings)
    )
    chemin = _ecrire(app, pdf, out, f"attestation-{numero}-{aujourd_hui:%Y%m%d}.pdf")
    click.echo(f"Attestation de la demande {numero} : {chemin} ({_pages(pdf)} pages)")
    click.echo("  Remettre au demandeur ; la photocopie de la page 1 sert de séparateur.")


@print_group.command("fiche")
@click.argument("numero")
@click.option(
    "--documents", "nb_documents", type=int, required=True, help="Nombre de documents transmis."
)
@click.option(
    "--pages", "nb_pages", type=int, required=True, help="Nombre de pages, cette fiche comprise."
)
@option_as()
@option_date
@option_out
@pass_app
@domain_errors
def print_fiche(
    app: App,
    numero: str,
    nb_documents: int,
    nb_pages: int,
    login: str,
    jour: str | None,
    out: Path | None,
) -> None:
    """Fiche récapitulative de la demande NUMERO, à agrafer devant ses pièces."""
    aujourd_hui = jour_de(jour)
    pdf = impression.imprimer_fiche(
        app.uow(),
        app.acteur(login),
        numero,
        nb_documents,
        nb_pages,
        aujourd_hui,
        keyring_for(app.settings),
    )
    chemin = _ecrire(app, pdf, out, f"fiche-{numero}-{aujourd_hui:%Y%m%d}.pdf")
    click.echo(f"Fiche récapitulative de la demande {numero} : {chemin} ({_pages(pdf)} page)")
    click.echo(f"  {nb_documents} document(s), {nb_pages} pages fiche comprise")


@print_group.command("envoi")
@click.option(
    "--demande",
    "dossiers",
    multiple=True,
    metavar="NUMERO:DOCUMENTS:PAGES",
    help="Un dossier de l'envoi : pages fiche comprise (répétable, dans l'ordre du pli).",
)
@click.option(
    "--reimprimer",
    "identifiant",
    metavar="IDENTIFIANT",
    help="Réimprimer un envoi déjà préparé au lieu d'en préparer un.",
)
@option_as()
@option_date
@option_out
@pass_app
@domain_errors
def print_envoi(
    app: App,
    dossiers: tuple[str, ...],
    identifiant: str | None,
    login: str,
    jour: str | None,
    out: Path | None,
) -> None:
    """Prépare un envoi de pièces papier et imprime le bordereau suivi d'une fiche par dossier."""
    if bool(dossiers) == bool(identifiant):
        raise click.UsageError("Indiquer soit des --demande, soit --reimprimer IDENTIFIANT.")
    acteur = app.acteur(login)
    if identifiant is None:
        envoi = envois.preparer_envoi(
            app.uow(), acteur, [_dossier(valeur) for valeur in dossiers], jour_de(jour)
        )
        click.echo(f"Envoi {envoi.identifiant} préparé par le guichet {envoi.guichet}")
    else:
        envoi = envois.consulter_envoi(app.uow(), acteur, identifiant)
        click.echo(f"Envoi {envoi.identifiant} du guichet {envoi.guichet}")
    pdf = impression.imprimer_envoi(app.uow(), acteur, envoi.identifiant, keyring_for(app.settings))
    chemin = _ecrire(app, pdf, out, f"envoi-{envoi.identifiant}.pdf")
    _afficher(envoi.date_transmission, envoi.nb_dossiers, envoi.nb_pages)
    click.echo(f"  PDF : {chemin} ({_pages(pdf)} pages : le bordereau puis une fiche par dossier)")
    for dossier in envoi.dossiers:
        click.echo(
            f"  {dossier.rang:>3}. {dossier.numero} : {dossier.nb_documents} document(s), "
            f"{dossier.nb_pages} pages"
        )


def _afficher(jour: date, nb_dossiers: int, nb_pages: int) -> None:
    click.echo(
        f"  Transmission du {jour:%d/%m/%Y} : {nb_dossiers} dossier(s), {nb_pages} pages "
        "déclarées (bordereau et fiches compris)"
    )
