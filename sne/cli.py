"""The ``sne`` command line: administration, demandes, the daily lifecycle and the demo.

Each command parses its input, calls one service and prints the outcome in
French. A refusal by a rule prints its code and message and exits with 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sne import codes, migrate
from sne.acteurs import Acteur, acteur_pour
from sne.config import Settings
from sne.db import make_engine, make_session_factory
from sne.demo import ADMIN_CLI, DEMO_MOT_DE_PASSE, generer
from sne.errors import SneError
from sne.services import cycle, demandes, radiation, referentiel
from sne.uow import UnitOfWork
from workers.worker import worker

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """What every command needs, built lazily from the settings."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def acteur(self, login: str | None) -> Acteur:
        """The account acting; without ``--as``, the command line's administrator."""
        if login is None:
            return ADMIN_CLI
        with self.uow() as unit:
            return acteur_pour(unit.session, login)


pass_app = click.make_pass_decorator(App)


def domain_errors(function: F) -> F:
    """Print a domain refusal as a clean French line (and its details) and exit with 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SneError as error:
            click.secho(f"Refusé [{error.code}] : {error.message}", fg="red", err=True)
            for champ, texte in error.details.items():
                click.echo(f"  - {champ} : {texte}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _jour(valeur: str | None) -> date:
    if valeur is None:
        return date.today()
    try:
        return date.fromisoformat(valeur)
    except ValueError as exc:
        raise click.BadParameter(f"date « {valeur} » illisible (AAAA-MM-JJ attendu)") from exc


def _lire_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{path} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})."
        ) from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path} n'est pas encodé en UTF-8.") from exc
    if not isinstance(data, dict):
        raise click.ClickException(f"{path} doit contenir un objet JSON (la demande).")
    return data


def _json_default(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(type(value))


option_as = click.option(
    "--as",
    "login",
    required=True,
    metavar="LOGIN",
    help="Compte qui agit (tracé dans l'historique).",
)
option_date = click.option(
    "--date", "jour", metavar="AAAA-MM-JJ", help="Date du jour à appliquer (défaut : aujourd'hui)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """SNE — enregistrement des demandes de logement social et numérisation des pièces.

    La configuration vient des variables d'environnement (DATABASE_URL, REDIS_URL,
    SNE_SECRET_KEY, SNE_SMTP_HOST…) ; sans elles, tout tourne en local dans var/.
    """
    ctx.obj = App(Settings.from_env())


@main.command("migrate")
@pass_app
def migrate_command(app: App) -> None:
    """Crée ou met à jour le schéma de la base de données."""
    migrate.upgrade(app.engine)
    click.echo(f"Schéma à jour ({app.engine.url.render_as_string(hide_password=True)}).")


@main.group()
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


@main.group()
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


@main.group()
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


def _afficher_enregistree(titre: str, faite: demandes.DemandeEnregistree) -> None:
    click.echo(f"{titre} : {faite.numero}")
    click.echo(f"  Date de dépôt (ancienneté) : {faite.date_depot:%d/%m/%Y}")
    if faite.date_renouvellement:
        click.echo(f"  Dernier renouvellement     : {faite.date_renouvellement:%d/%m/%Y}")
    click.echo(f"  Valable jusqu'au           : {faite.date_expiration:%d/%m/%Y}")


@main.command("register")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as
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
        _lire_json(fichier),
        aujourd_hui=_jour(jour),
        date_depot=_jour(date_depot) if date_depot else None,
        forcer_doublon=forcer,
    )
    _afficher_enregistree("Demande enregistrée", faite)


@main.command("modify")
@click.argument("numero")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option_as
@click.option("--justification", help="Pièce produite (obligatoire pour un changement d'identité).")
@pass_app
@domain_errors
def modify(app: App, numero: str, fichier: Path, login: str, justification: str | None) -> None:
    """Modifie la demande NUMERO avec les rubriques de FICHIER (JSON partiel)."""
    changes = demandes.modifier(
        app.uow(), app.acteur(login), numero, _lire_json(fichier), justification=justification
    )
    if not changes:
        click.echo("Aucun changement.")
    for champ, (avant, apres) in changes.items():
        click.echo(f"  {champ} : {avant!s} → {apres!s}")


@main.command("renew")
@click.argument("numero")
@option_as
@option_date
@pass_app
@domain_errors
def renew(app: App, numero: str, login: str, jour: str | None) -> None:
    """Renouvelle la demande NUMERO (même numéro, même ancienneté)."""
    faite = demandes.renouveler(app.uow(), app.acteur(login), numero, aujourd_hui=_jour(jour))
    _afficher_enregistree("Demande renouvelée", faite)


@main.command("radiate")
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
@option_as
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
    donnees: dict[str, Any] = _lire_json(fichier) if fichier else {}
    for valeur in valeurs:
        cle, egal, texte = valeur.partition("=")
        if not egal:
            raise click.BadParameter(f"« {valeur} » : CLE=VALEUR attendu", param_hint="--set")
        donnees[cle.strip()] = texte
    faite = radiation.radier(
        app.uow(), app.acteur(login), numero, motif, aujourd_hui=_jour(jour), donnees=donnees
    )
    click.echo(
        f"Demande {faite.numero} radiée le {faite.date_radiation:%d/%m/%Y} "
        f"({codes.MOTIF_RADIATION[faite.motif]})."
    )


@main.command("reactivate")
@click.argument("numero")
@click.option("--justification", required=True, help="Pourquoi la demande est réactivée.")
@option_as
@option_date
@pass_app
@domain_errors
def reactivate(app: App, numero: str, justification: str, login: str, jour: str | None) -> None:
    """Réactive une demande radiée pour non-renouvellement (jusqu'à 18 mois)."""
    faite = radiation.reactiver(
        app.uow(), app.acteur(login), numero, aujourd_hui=_jour(jour), justification=justification
    )
    _afficher_enregistree("Demande réactivée", faite)


@main.command("split")
@click.argument("numero")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--justification", required=True, help="Justificatif de la séparation.")
@option_as
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
        _lire_json(fichier),
        aujourd_hui=_jour(jour),
        justification=justification,
    )
    _afficher_enregistree("Nouvelle demande du co-titulaire", faite)


@main.command("show")
@click.argument("numero")
@click.option(
    "--as", "login", metavar="LOGIN", help="Compte qui consulte (défaut : administrateur)."
)
@click.option("--json", "as_json", is_flag=True, help="Affiche la demande au format JSON d'entrée.")
@pass_app
@domain_errors
def show(app: App, numero: str, login: str | None, as_json: bool) -> None:
    """Affiche la demande NUMERO."""
    vue = demandes.consulter(app.uow(), app.acteur(login), numero)
    if as_json:
        click.echo(json.dumps(vue.document, default=_json_default, ensure_ascii=False, indent=2))
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


@main.command("lifecycle")
@option_date
@click.option("--territoire", help="Limiter à un territoire.")
@pass_app
@domain_errors
def lifecycle(app: App, jour: str | None, territoire: str | None) -> None:
    """Traitement quotidien : préavis, radiation pour non-renouvellement, purge (rejouable)."""
    from workers.jobs import Contexte, passage_quotidien

    contexte = Contexte(app.settings, app.session_factory)
    bilan, alertes = passage_quotidien(contexte, _jour(jour), territoire)
    _afficher_bilan(bilan, app.settings)
    click.echo(f"  lots et envois en retard signalés : {len(alertes)}")


def _afficher_bilan(bilan: cycle.BilanCycle, settings: Settings) -> None:
    click.echo(f"Traitement du {bilan.jour:%d/%m/%Y} :")
    destination = settings.smtp_host or settings.outbox
    click.echo(f"  préavis par courriel : {len(bilan.preavis_email)} (envoyés vers {destination})")
    click.echo(f"  préavis par courrier : {len(bilan.preavis_courrier)} (lettres à poster)")
    click.echo(f"  radiations pour non-renouvellement : {len(bilan.radiees)}")
    click.echo(f"  demandes purgées : {len(bilan.purgees)}")


@main.command("demo")
@click.option("--demandes", "nombre", default=300, show_default=True, help="Demandes à créer.")
@click.option("--graine", default=14069, show_default=True, help="Graine du tirage aléatoire.")
@option_date
@pass_app
@domain_errors
def demo(app: App, nombre: int, graine: int, jour: str | None) -> None:
    """Démonstration de bout en bout : référentiel, demandes réalistes, cycle de vie."""
    migrate.upgrade(app.engine)
    aujourd_hui = _jour(jour)
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
    from workers.jobs import Contexte, passage_quotidien

    cycle_bilan, _ = passage_quotidien(Contexte(app.settings, app.session_factory), aujourd_hui)
    _afficher_bilan(cycle_bilan, app.settings)
    if bilan.exemple:
        click.echo("")
        show.callback(numero=bilan.exemple, login=None, as_json=False)  # type: ignore[misc]
    from sne.demo_envoi import demo_envoi, demo_televersement, resume

    click.echo("")
    for ligne in resume(demo_envoi(app.uow, app.settings, aujourd_hui)):
        click.echo(ligne)
    for ligne in demo_televersement(app.uow, app.settings):
        click.echo(ligne)
    click.echo(f"\nBase : {app.engine.url.render_as_string(hide_password=True)}")


main.add_command(worker)
if __name__ != "__main__":
    # Imported last: the group reuses App, pass_app and domain_errors defined above.
    from sne.cli_doublons import doublons as doublons_group

    main.add_command(doublons_group)
    from sne.cli_xml import export_xml, import_xml

    main.add_command(import_xml)
    main.add_command(export_xml)
    from sne.cli_print import print_group

    main.add_command(print_group)
    from sne.cli_scan import scan_group

    main.add_command(scan_group)
    from sne.cli_jobs import jobs_group

    main.add_command(jobs_group)
    from sne.cli_lots import lots_group

    main.add_command(lots_group)

if __name__ == "__main__":  # pragma: no cover
    # Run the importable module (``python -m sne.cli``), where every command group is registered.
    from sne.cli import main as main_importable

    main_importable()
