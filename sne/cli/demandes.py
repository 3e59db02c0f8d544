"""``sne register``, ``modify``, ``renew``, ``radiate``, ``reactivate``, ``split``, ``show``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sne import codes
from sne.cli.app import (
    App,
    domain_errors,
    jour_de,
    json_default,
    lire_json,
    option_as,
    option_date,
    pass_app,
)
from sne.services import demandes, radiation


def _afficher_enregistree(titre: str, faite: demandes.DemandeEnregistree) -> None:
    click.echo(f"{titre} : {faite.numero}")
    click.echo(f"  Date de dépôt (ancienneté) : {faite.date_depot:%d/%m/%Y}")
    if faite.date_renouvellement:
        click.echo(f"  Dernier renouvellement     : {faite.date_renouvellement:%d/%m/%Y}")
    click.echo(f"  Valable jusqu'au           : {faite.date_expiration:%d/%m/%Y}")


@click.command("register")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as()
@option_date
@click.option(
    "--date-depot", metavar="AAAA-MM-JJ", help="Date de réception du formulaire (défaut : le jour)."
)
@click.option(
    "--forcer",
    metavar="JUSTIFICATION",
    help="Enregistrer malgré des doublons probables (doublon forcé, suivi par le gestionnaire).",
)
@pass_app
@domain_errors
def register(
    app: App,
    fichier: Path,
    login: str,
    jour: str | None,
    date_depot: str | None,
    forcer: str | None,
) -> None:
    """Enregistre la demande décrite dans FICHIER (JSON, voir README) et donne son numéro unique.

    Si le demandeur ou le co-titulaire a déjà une demande active dans le territoire,
    les candidats sont listés et l'enregistrement refusé, sauf avec --forcer.
    """
    faite = demandes.enregistrer(
        app.uow(),
        app.acteur(login),
        lire_json(fichier),
        aujourd_hui=jour_de(jour),
        date_depot=jour_de(date_depot) if date_depot else None,
        forcer_doublon=forcer,
    )
    _afficher_enregistree("Demande enregistrée", faite)


@click.command("modify")
@click.argument("numero")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as()
@click.option("--justification", help="Pièce produite (obligatoire pour un changement d'identité).")
@pass_app
@domain_errors
def modify(app: App, numero: str, fichier: Path, login: str, justification: str | None) -> None:
    """Modifie la demande NUMERO avec les rubriques de FICHIER (JSON partiel)."""
    changes = demandes.modifier(
        app.uow(), app.acteur(login), numero, lire_json(fichier), justification=justification
    )
    if not changes:
        click.echo("Aucun changement.")
    for champ, (avant, apres) in changes.items():
        click.echo(f"  {champ} : {avant!s} → {apres!s}")


@click.command("renew")
@click.argument("numero")
@option_as()
@option_date
@pass_app
@domain_errors
def renew(app: App, numero: str, login: str, jour: str | None) -> None:
    """Renouvelle la demande NUMERO (même numéro, même ancienneté)."""
    faite = demandes.renouveler(app.uow(), app.acteur(login), numero, aujourd_hui=jour_de(jour))
    _afficher_enregistree("Demande renouvelée", faite)


@click.command("radiate")
@click.argument("numero")
@click.option(
    "--motif",
    required=True,
    type=click.Choice(["RADATT", "RADABA", "RADCON", "RADIRR"]),
    help="Motif de radiation.",
)
@click.option(
    "--data",
    "fichier",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON des données du motif (attribution, date d'avertissement, sous-motif).",
)
@click.option(
    "--set", "valeurs", multiple=True, metavar="CLE=VALEUR", help="Donnée du motif (répétable)."
)
@option_as()
@option_date
@pass_app
@domain_errors
def radiate(
    app: App,
    numero: str,
    motif: str,
    fichier: Path | None,
    valeurs: tuple[str, ...],
    login: str,
    jour: str | None,
) -> None:
    """Radie la demande NUMERO pour MOTIF avec les données que le motif exige."""
    donnees: dict[str, Any] = lire_json(fichier) if fichier else {}
    for valeur in valeurs:
        cle, egal, texte = valeur.partition("=")
        if not egal:
            raise click.BadParameter(f"« {valeur} » : CLE=VALEUR attendu", param_hint="--set")
        donnees[cle.strip()] = texte
    faite = radiation.radier(
        app.uow(), app.acteur(login), numero, motif, aujourd_hui=jour_de(jour), donnees=donnees
    )
    click.echo(
        f"Demande {faite.numero} radiée le {faite.date_radiation:%d/%m/%Y} "
        f"({codes.MOTIF_RADIATION[faite.motif]})."
    )


@click.command("reactivate")
@click.argument("numero")
@click.option("--justification", required=True, help="Pourquoi la demande est réactivée.")
@option_as()
@option_date
@pass_app
@domain_errors
def reactivate(app: App, numero: str, justification: str, login: str, jour: str | None) -> None:
    """Réactive une demande radiée pour non-renouvellement (jusqu'à 18 mois)."""
    faite = radiation.reactiver(
        app.uow(), app.acteur(login), numero, aujourd_hui=jour_de(jour), justification=justification
    )
    _afficher_enregistree("Demande réactivée", faite)


@click.command("split")
@click.argument("numero")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--justification", required=True, help="Justificatif de la séparation.")
@option_as()
@option_date
@pass_app
@domain_errors
def split(
    app: App, numero: str, fichier: Path, justification: str, login: str, jour: str | None
) -> None:
    """Sépare le co-titulaire de la demande NUMERO ; FICHIER est sa nouvelle demande (CRS)."""
    faite = radiation.scinder(
        app.uow(),
        app.acteur(login),
        numero,
        lire_json(fichier),
        aujourd_hui=jour_de(jour),
        justification=justification,
    )
    _afficher_enregistree("Nouvelle demande du co-titulaire", faite)


@click.command("show")
@click.argument("numero")
@option_as(obligatoire=False)
@click.option("--json", "as_json", is_flag=True, help="Affiche la demande au format JSON d'entrée.")
@pass_app
@domain_errors
def show(app: App, numero: str, login: str | None, as_json: bool) -> None:
    """Affiche la demande NUMERO."""
    vue = demandes.consulter(app.uow(), app.acteur(login), numero)
    if as_json:
        click.echo(json.dumps(vue.document, default=json_default, ensure_ascii=False, indent=2))
        return
    click.echo(f"Demande {vue.numero} — {vue.statut_libelle}")
    click.echo(f"  Territoire {vue.territoire}, enregistrée par le guichet {vue.guichet}")
    click.echo(
        f"  Dépôt (ancienneté) {vue.date_depot:%d/%m/%Y}, expiration {vue.date_expiration:%d/%m/%Y}"
    )
    if vue.date_renouvellement:
        click.echo(f"  Dernier renouvellement {vue.date_renouvellement:%d/%m/%Y}")
    if vue.date_radiation:
        click.echo(
            f"  Radiée le {vue.date_radiation:%d/%m/%Y} : "
            f"{codes.libelle(codes.MOTIF_RADIATION, vue.motif_radiation)}"
        )
    doc = vue.document
    for personne in doc["personnes"]:
        identite = " ".join(filter(None, [personne["prenoms"], personne["nom_naissance"]])) or "—"
        naissance = personne["date_naissance"] or personne["date_naissance_prevue"]
        click.echo(
            f"  {codes.ROLE_PERSONNE[personne['role']]:<45} {identite}"
            f"{f', né(e) le {naissance:%d/%m/%Y}' if naissance else ''}"
        )
    if doc["commune"]:
        click.echo(
            f"  Adresse : {doc['adresse_ligne1']}, {doc['code_postal'] or ''} {doc['commune']}"
        )
    if doc["motifs"]:
        click.echo(
            "  Motifs : " + "; ".join(codes.libelle(codes.MOTIF_DEMANDE, m) for m in doc["motifs"])
        )
    if doc["types_logement"]:
        click.echo(
            "  Recherche : "
            + ", ".join(doc["types_logement"])
            + " à "
            + ", ".join(doc["communes_souhaitees"])
        )
