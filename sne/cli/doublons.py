"""``sne doublons``: check, sweep, merge, correct names, forced duplicates, guichets' reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from sne.cli.app import App, domain_errors, jour_de, lire_json, option_as, pass_app
from sne.services import doublons as service


def _territoire(app: App, login: str, territoire: str | None) -> str:
    code = territoire or app.acteur(login).territoire_code
    if code is None:
        raise click.UsageError("Indiquer --territoire (ce compte n'est rattaché à aucun).")
    return code


def _choix(valeurs: tuple[str, ...]) -> dict[str, str]:
    """Parse ``champ=NUMERO`` options into the field-by-field choice of data to keep."""
    choix = {}
    for valeur in valeurs:
        champ, egal, numero = valeur.partition("=")
        if not egal or not champ.strip() or not numero.strip():
            raise click.BadParameter(f"« {valeur} » : CHAMP=NUMERO attendu", param_hint="--garder")
        choix[champ.strip()] = numero.strip()
    return choix


def _afficher_candidats(candidats: list[service.Candidat]) -> None:
    if not candidats:
        click.echo("Aucun doublon probable dans le territoire.")
        return
    click.echo(f"{len(candidats)} doublon(s) probable(s) :")
    for candidat in candidats:
        click.echo(f"  {candidat.numero}  pour le {candidat.pour} : {candidat.libelle}")


option_garder = click.option(
    "--garder",
    "garder",
    multiple=True,
    metavar="CHAMP=NUMERO",
    help="Donnée à garder et demande qui la porte (répétable ; « personnes » pour le foyer).",
)


@click.group("doublons")
def doublons() -> None:
    """Doublons : recherche, balayage d'un territoire, fusion, signalements, doublons forcés."""


@doublons.command("check")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as()
@click.option("--territoire", help="Territoire où chercher (défaut : celui du compte).")
@pass_app
@domain_errors
def check(app: App, fichier: Path, login: str, territoire: str | None) -> None:
    """Cherche les doublons probables des personnes de FICHIER (JSON d'une demande)."""
    trouves = service.rechercher(
        app.uow(), app.acteur(login), lire_json(fichier), territoire=territoire
    )
    _afficher_candidats(trouves)


@doublons.command("sweep")
@option_as()
@click.option("--territoire", help="Territoire à balayer (défaut : celui du compte).")
@click.option("--limite", default=50, show_default=True, help="Groupes affichés au plus.")
@pass_app
@domain_errors
def sweep(app: App, login: str, territoire: str | None, limite: int) -> None:
    """Liste les groupes de doublons probables du territoire, les plus sûrs d'abord."""
    code = _territoire(app, login, territoire)
    groupes = service.balayer(app.uow(), app.acteur(login), code)
    click.echo(f"Territoire {code} : {len(groupes)} groupe(s) de doublons probables.")
    for rang, groupe in enumerate(groupes[:limite], start=1):
        click.echo(f"{rang:>3}. confiance {groupe.confiance:.0%} — {groupe.motif} [{groupe.code}]")
        for membre in groupe.membres:
            click.echo(
                f"       {membre.numero}  déposée le {membre.date_depot:%d/%m/%Y}  "
                f"{membre.personne} ({membre.role})"
            )
    if len(groupes) > limite:
        click.echo(f"… et {len(groupes) - limite} autre(s) (--limite pour en voir plus).")


@doublons.command("merge")
@click.argument("numeros", nargs=-1, required=True)
@option_as()
@option_garder
@click.option("--justification", help="Pourquoi ces demandes sont fusionnées.")
@click.option("--signalement", type=int, help="Signalement traité par cette fusion (clos).")
@pass_app
@domain_errors
def merge(
    app: App,
    numeros: tuple[str, ...],
    login: str,
    garder: tuple[str, ...],
    justification: str | None,
    signalement: int | None,
) -> None:
    """Fusionne les demandes NUMEROS dans la plus ancienne (numéro et ancienneté gardés)."""
    faite = service.fusionner(
        app.uow(),
        app.acteur(login),
        list(numeros),
        donnees=_choix(garder),
        justification=justification,
        signalement=signalement,
    )
    click.echo(f"Demandes fusionnées dans {faite.survivante} : {', '.join(faite.absorbees)}")
    click.echo(f"  pièces déplacées : {faite.pieces_deplacees}")
    for champ, (avant, apres) in faite.changements.items():
        click.echo(f"  {champ} : {avant!s} → {apres!s}")


@doublons.command("correct")
@click.argument("numero")
@option_as()
@click.option("--rang", default=1, show_default=True, help="Rang de la personne dans le foyer.")
@click.option("--nom", help="Nom de naissance corrigé.")
@click.option("--prenoms", help="Prénoms corrigés.")
@click.option("--piece", type=int, help="Identifiant de la pièce justificative au dossier.")
@click.option("--justification", required=True, help="Pièce produite et demande justifiée.")
@pass_app
@domain_errors
def correct(
    app: App,
    numero: str,
    login: str,
    rang: int,
    nom: str | None,
    prenoms: str | None,
    piece: int | None,
    justification: str,
) -> None:
    """Corrige le nom de naissance ou les prénoms d'une personne sur pièce justificative."""
    faite = service.corriger_identite(
        app.uow(),
        app.acteur(login),
        numero,
        rang=rang,
        nom_naissance=nom,
        prenoms=prenoms,
        piece=piece,
        justification=justification,
    )
    if not faite.changements:
        click.echo("Aucun changement.")
        return
    click.echo(f"Identité corrigée sur la demande {faite.numero} (changement d'identité tracé) :")
    for champ, (avant, apres) in faite.changements.items():
        click.echo(f"  {champ} : {avant!s} → {apres!s}")
    if faite.candidats:
        _afficher_candidats(faite.candidats)


@doublons.command("forced")
@option_as()
@click.option("--from", "du", required=True, metavar="AAAA-MM-JJ", help="Début de la période.")
@click.option(
    "--to", "au", required=True, metavar="AAAA-MM-JJ", help="Fin de la période (incluse)."
)
@click.option("--territoire", help="Territoire (défaut : celui du compte).")
@pass_app
@domain_errors
def forced(app: App, login: str, du: str, au: str, territoire: str | None) -> None:
    """Compte les doublons forcés par guichet (et par agent) sur une période."""
    debut: date = jour_de(du)
    fin: date = jour_de(au)
    code = _territoire(app, login, territoire)
    lignes = service.compter_forcages(
        app.uow(), app.acteur(login), territoire=code, du=debut, au=fin
    )
    click.echo(f"Doublons forcés du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}, territoire {code} :")
    if not lignes:
        click.echo("  aucun.")
    for ligne in lignes:
        agents = ", ".join(f"{login_} {n}" for login_, n in ligne.par_agent)
        click.echo(f"  {ligne.guichet} {ligne.nom} : {ligne.nombre} ({agents})")


@doublons.command("report")
@click.argument("numeros", nargs=-1, required=True)
@option_as()
@option_garder
@click.option("--commentaire", help="Ce que le guichet a constaté.")
@pass_app
@domain_errors
def report(
    app: App, numeros: tuple[str, ...], login: str, garder: tuple[str, ...], commentaire: str | None
) -> None:
    """Signale au gestionnaire territorial des demandes soupçonnées d'être des doublons."""
    numero = service.signaler(
        app.uow(), app.acteur(login), list(numeros), donnees=_choix(garder), commentaire=commentaire
    )
    click.echo(f"Signalement n° {numero} transmis au gestionnaire territorial.")


@doublons.command("reports")
@option_as()
@click.option("--territoire", help="Territoire (défaut : celui du compte).")
@click.option("--tous", is_flag=True, help="Inclure les signalements clos.")
@pass_app
@domain_errors
def reports(app: App, login: str, territoire: str | None, tous: bool) -> None:
    """Liste les signalements de doublons à traiter (file du gestionnaire territorial)."""
    code = _territoire(app, login, territoire)
    vues = service.lister_signalements(
        app.uow(), app.acteur(login), territoire=code, statut=None if tous else "ouvert"
    )
    if not vues:
        click.echo("Aucun signalement.")
    for vue in vues:
        click.echo(
            f"n° {vue.id} [{vue.statut}] du {vue.created_at:%d/%m/%Y} par "
            f"{vue.agent or '?'} ({vue.guichet or '?'}) : {', '.join(vue.numeros)}"
        )
        for champ, numero in vue.donnees.items():
            click.echo(f"    garder {champ} de {numero}")
        if vue.commentaire:
            click.echo(f"    « {vue.commentaire} »")
        if vue.conclusion:
            click.echo(f"    conclusion : {vue.conclusion}")


@doublons.command("close")
@click.argument("signalement", type=int)
@option_as()
@click.option("--conclusion", required=True, help="Ce qui a été décidé.")
@click.option("--rejete", is_flag=True, help="Ce ne sont pas des doublons.")
@pass_app
@domain_errors
def close(app: App, signalement: int, login: str, conclusion: str, rejete: bool) -> None:
    """Clôt le signalement SIGNALEMENT (traité, ou rejeté avec --rejete)."""
    service.clore_signalement(
        app.uow(), app.acteur(login), signalement, conclusion=conclusion, rejete=rejete
    )
    click.echo(f"Signalement n° {signalement} clos ({'rejeté' if rejete else 'traité'}).")
