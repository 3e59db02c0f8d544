"""``sne lots``: deposit a scanned batch, follow its processing, re-run it after an incident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click

from sne import codes
from sne.cli.app import App, domain_errors, option_as, pass_app
from sne.services import exploitation_lots, lots
from sne.stockage import store_for
from workers.enqueue import enqueue_envoyer_notification, enqueue_traiter_lot
from workers.queue import make_queue


def _enqueue(app: App) -> Callable[[int], None]:
    """Queue the processing of a lot on the queue the settings call for."""
    queue = make_queue(app.settings)

    def enqueue(lot_id: int) -> None:
        enqueue_traiter_lot(queue, lot_id)

    return enqueue


#: What a depositor reads when the queue could not be reached (the lot is recorded).
#: Lots ``sne lots relancer`` without an id queues again when no job holds them.
INACHEVES = ("recu", "en_cours")
A_METTRE_EN_FILE = (
    "La file de traitement est injoignable pour le moment : le lot n° {id} est bien enregistré "
    "et sera mis en file automatiquement dans quelques minutes (ou avec « sne lots relancer »)."
)

lots_group: click.Group = click.Group(
    "lots", help="Lots numérisés : dépôt, avancement du traitement, résultat par dossier."
)


@lots_group.command("deposer")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--canal", required=True, type=click.Choice(sorted(lots.CANAUX)), help="Canal.")
@click.option("--guichet", default=None, help="Code du guichet expéditeur (ex. G1301).")
@click.option("--territoire", default=None, help="Territoire du lot, sans guichet (ex. 013).")
@click.option(
    "--numero", default=None, help="Portail grand public : numéro unique de la demande visée."
)
@click.option(
    "--type",
    "type_declare",
    default=None,
    help="Portail grand public : type de pièce déclaré (code du plan de classement).",
)
@option_as(obligatoire=False)
@pass_app
@domain_errors
def deposer(
    app: App,
    fichier: Path,
    canal: str,
    guichet: str | None,
    territoire: str | None,
    numero: str | None,
    type_declare: str | None,
    login: str | None,
) -> None:
    """Déposer le lot FICHIER (PDF ou TIFF ; une pièce PDF, JPEG ou PNG sur le portail grand public)."""
    recu = lots.deposer(
        app.uow(),
        app.acteur(login),
        fichier,
        canal=canal,
        storage=store_for(app.settings),
        enqueue=_enqueue(app),
        guichet=guichet,
        territoire=territoire,
        numero=numero,
        type_declare=type_declare,
    )
    if recu.doublon_de is not None:
        click.echo(
            f"Lot n° {recu.id} : ce fichier a déjà été déposé (lot n° {recu.doublon_de}) ; "
            "il n'est pas traité une seconde fois."
        )
        return
    if recu.remis_en_file:
        click.echo(
            f"Ce fichier a déjà été déposé (lot n° {recu.id}) sans avoir pu être mis en file "
            "de traitement : ce lot est remis en file."
        )
    else:
        click.echo(
            f"Lot n° {recu.id} reçu le {recu.recu_le:%d/%m/%Y à %H:%M}, à traiter avant le "
            f"{recu.echeance:%d/%m/%Y}."
        )
    if not recu.en_file:
        click.echo(A_METTRE_EN_FILE.format(id=recu.id))
    elif not app.settings.redis_url:  # processed in this process: say how it ended
        etat = lots.consulter(app.uow(), app.acteur(login), recu.id)
        click.echo(f"Traitement : {codes.libelle(codes.STATUT_LOT, etat.statut)}.")
        if etat.erreur:
            click.echo(f"  {etat.erreur}")


@lots_group.command("list")
@option_as(obligatoire=False)
@pass_app
@domain_errors
def lister(app: App, login: str | None) -> None:
    """Lister les derniers lots reçus et leur avancement."""
    for lot in lots.lister(app.uow(), app.acteur(login)):
        click.echo(
            f"{lot.id:>6}  {lot.recu_le:%d/%m/%Y %H:%M}  {lot.nom_fichier[:40]:<40}  "
            f"{lot.pages_faites}/{lot.pages_total} p.  {lot.dossiers_faits}/{lot.dossiers_total} "
            f"dossiers  échéance {lot.echeance:%d/%m/%Y}  {codes.libelle(codes.STATUT_LOT, lot.statut)}"
        )


@lots_group.command("show")
@click.argument("lot_id", type=int)
@option_as(obligatoire=False)
@pass_app
@domain_errors
def show(app: App, lot_id: int, login: str | None) -> None:
    """Afficher l'avancement du lot LOT_ID et le résultat de chaque dossier."""
    lot = lots.consulter(app.uow(), app.acteur(login), lot_id)
    click.echo(f"Lot n° {lot.id} — {lot.nom_fichier} ({lots.CANAUX[lot.canal]})")
    click.echo(f"  reçu le {lot.recu_le:%d/%m/%Y à %H:%M}, échéance {lot.echeance:%d/%m/%Y}")
    click.echo(f"  statut : {codes.libelle(codes.STATUT_LOT, lot.statut)}")
    if lot.doublon_de is not None:
        click.echo(f"  même fichier que le lot n° {lot.doublon_de} : non retraité")
    if lot.erreur:
        click.echo(f"  erreur : {lot.erreur}")
    if lot.motif_cloture:
        click.echo(f"  motif de la clôture : {lot.motif_cloture}")
    click.echo(
        f"  avancement : {lot.pages_faites}/{lot.pages_total} pages, "
        f"{lot.dossiers_faits}/{lot.dossiers_total} dossiers"
    )
    for dossier in lot.dossiers:
        click.echo(f"  dossier {dossier.index + 1} ({dossier.numero or '?'}) : {_issue(dossier)}")


def _issue(dossier: lots.DossierDuLot) -> str:
    """What became of one dossier, in French."""
    if dossier.statut == "rattache":
        return f"rattaché, {dossier.pieces} pièce(s)"
    if dossier.statut == "rejete":
        return f"rejeté : {dossier.motif}"
    return f"en attente d'un opérateur : {dossier.motif}"


@lots_group.command("relancer")
@click.argument("lot_id", type=int, required=False)
@option_as(obligatoire=False)
@pass_app
@domain_errors
def relancer(app: App, lot_id: int | None, login: str | None) -> None:
    """Relancer le lot LOT_ID (sans numéro : les lots inachevés sans traitement en file) ; rien n'est rattaché deux fois."""
    from workers.balayage import balayer

    queue = make_queue(app.settings)
    if lot_id is None:
        ids = balayer(app.settings, app.uow(), queue, delai=timedelta(0), statuts=INACHEVES)
        if not ids:
            click.echo("Aucun lot inachevé.")
        for identifiant in ids:
            click.echo(f"Traitement du lot n° {identifiant} relancé.")
        return
    if not exploitation_lots.rouvrir(app.uow(), app.acteur(login), lot_id):
        click.echo(f"Le lot n° {lot_id} est déjà traité : rien à relancer.")
        return
    enqueue_traiter_lot(queue, lot_id)
    lots.marquer_en_file(app.uow(), lot_id)
    click.echo(f"Traitement du lot n° {lot_id} relancé.")


@lots_group.command("clore")
@click.argument("lot_id", type=int)
@click.option("--motif", required=True, help="Pourquoi le lot ne sera pas traité (tracé).")
@option_as(obligatoire=False)
@pass_app
@domain_errors
def clore(app: App, lot_id: int, motif: str, login: str | None) -> None:
    """Clore le lot LOT_ID sans le traiter (en erreur ou bloqué), avec son motif."""
    exploitation_lots.clore(app.uow(), app.acteur(login), lot_id, motif)
    click.echo(f"Lot n° {lot_id} clos : {' '.join(motif.split())}")


@lots_group.command("echeances")
@click.option("--date", "jour", default=None, metavar="AAAA-MM-JJ", help="Jour de référence.")
@click.option("--territoire", default=None, help="Limiter à un territoire.")
@pass_app
def echeances_lots(app: App, jour: str | None, territoire: str | None) -> None:
    """Lots et envois à traiter aujourd'hui, et ceux en retard (engagement de 2 jours ouvrés)."""
    from datetime import date

    from sne.services import echeances

    reference = date.fromisoformat(jour) if jour else date.today()
    ouverts = echeances.ouverts(app.uow(), reference, territoire)
    retards = [element for element in ouverts if element.en_retard]
    click.echo(
        f"Au {reference:%d/%m/%Y} : {len(ouverts) - len(retards)} élément(s) à traiter "
        f"aujourd'hui, {len(retards)} en retard."
    )
    for element in ouverts:
        etat = "EN RETARD" if element.en_retard else "aujourd'hui"
        alerte = f", alerte du {element.alerte_le}" if element.alerte_le else ""
        statut = (
            codes.libelle(codes.STATUT_LOT, element.statut) if element.nature == "lot" else "reçu"
        )
        click.echo(
            f"  {etat:<11} {element.libelle} reçu le {element.recu_le}, "
            f"échéance {element.echeance:%d/%m/%Y}, {statut}{alerte}"
        )


@lots_group.command("notifications")
@click.option("--relancer", is_flag=True, help="Renvoyer les courriels non partis.")
@pass_app
def notifications_lots(app: App, relancer: bool) -> None:
    """Courriels de fin de traitement non envoyés (échecs compris), et leur renvoi."""
    from sne.services import notifications

    attente = notifications.a_relancer(app.uow())
    click.echo(f"{len(attente)} courriel(s) non envoyé(s).")
    if relancer:
        queue = make_queue(app.settings)
        for notification_id in attente:
            enqueue_envoyer_notification(queue, notification_id)
        click.echo(f"{len(attente)} renvoi(s) mis en file.")
