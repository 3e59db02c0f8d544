"""``sne migrate``, ``territoire``, ``guichet`` and ``user``: the référentiel and the accounts."""

from __future__ import annotations

import sys

import click

from sne import codes, migrate
from sne.acteurs import ADMIN_CLI
from sne.cli.app import App, domain_errors, pass_app
from sne.services import referentiel


@click.command("migrate")
@pass_app
def migrate_command(app: App) -> None:
    """Crée ou met à jour le schéma de la base de données."""
    migrate.upgrade(app.engine)
    click.echo(f"Schéma à jour ({app.engine.url.render_as_string(hide_password=True)}).")


@click.group()
def territoire() -> None:
    """Territoires (départements, ou 111 pour l'Île-de-France)."""


@territoire.command("create")
@click.argument("code")
@click.argument("nom")
@pass_app
@domain_errors
def territoire_create(app: App, code: str, nom: str) -> None:
    """Crée le territoire CODE (ex. 013, 02A, 974, 111) nommé NOM."""
    click.echo(f"Territoire {referentiel.creer_territoire(app.uow(), ADMIN_CLI, code, nom)} créé.")


@click.group()
def guichet() -> None:
    """Guichets enregistreurs."""


@guichet.command("create")
@click.argument("code")
@click.option("--nom", required=True, help="Nom affiché du guichet.")
@click.option(
    "--type",
    "type_",
    required=True,
    type=click.Choice(list(codes.TYPE_GUICHET)),
    help="Nature du guichet.",
)
@click.option("--territoire", required=True, help="Code du territoire.")
@click.option("--referent", help="Adresse électronique du référent (notifications).")
@click.option("--adresse", help="Adresse postale du guichet.")
@pass_app
@domain_errors
def guichet_create(
    app: App,
    code: str,
    nom: str,
    type_: str,
    territoire: str,
    referent: str | None,
    adresse: str | None,
) -> None:
    """Crée le guichet CODE (G suivi de 4 caractères ; GDPUB pour le portail grand public)."""
    referentiel.creer_guichet(
        app.uow(),
        ADMIN_CLI,
        code=code,
        nom=nom,
        type=type_,
        territoire=territoire,
        referent_email=referent,
        adresse=adresse,
    )
    click.echo(f"Guichet {code.upper()} créé dans le territoire {territoire}.")


@click.group()
def user() -> None:
    """Comptes des utilisateurs."""


@user.command("create")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(list(codes.ROLE)), help="Rôle du compte.")
@click.option("--nom", required=True)
@click.option("--prenom", required=True)
@click.option("--email")
@click.option("--guichet", help="Guichet de rattachement (agents).")
@click.option("--territoire", help="Territoire de rattachement (gestionnaires, consultants).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur l'entrée standard au lieu de le demander.",
)
@pass_app
@domain_errors
def user_create(
    app: App,
    login: str,
    role: str,
    nom: str,
    prenom: str,
    email: str | None,
    guichet: str | None,
    territoire: str | None,
    password_stdin: bool,
) -> None:
    """Ouvre le compte LOGIN ; le mot de passe est demandé (12 caractères au moins)."""
    if password_stdin:
        mot_de_passe = sys.stdin.readline().rstrip("\n")
    else:
        mot_de_passe = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    compte = referentiel.creer_utilisateur(
        app.uow(),
        ADMIN_CLI,
        login=login,
        nom=nom,
        prenom=prenom,
        role=role,
        mot_de_passe=mot_de_passe,
        email=email,
        guichet=guichet,
        territoire=territoire,
    )
    click.echo(f"Compte « {compte.login} » ({codes.ROLE[compte.role]}) créé.")


@user.command("close")
@click.argument("login")
@click.option("--motif", required=True, help="Pourquoi l'accès est fermé.")
@pass_app
@domain_errors
def user_close(app: App, login: str, motif: str) -> None:
    """Ferme le compte LOGIN (il ne peut plus se connecter ; ses traces restent)."""
    referentiel.fermer_compte(app.uow(), ADMIN_CLI, login, motif)
    click.echo(f"Compte « {login} » fermé.")
