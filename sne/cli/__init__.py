"""The ``sne`` command line: administration, demandes, the cycle quotidien, scanning and the demo.

Each command parses its input, calls one service and prints the outcome in
French; a refusal by a rule prints its code and message and exits with 1.
``sne.cli`` is the command line's composition root: the only part of ``sne``
that may reach ``workers`` (the queue, the worker) and ``demo``. One module per
area; ``sne.cli.app`` holds what they share and imports none of them.
"""

from __future__ import annotations

import click

from sne.cli import (
    cycle,
    demandes,
    demo,
    doublons,
    historique,
    impression,
    indicateurs,
    interchange,
    jobs,
    lots,
    referentiel,
    reprise,
    scan,
)
from sne.cli.app import App
from sne.config import Settings
from workers.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """SNE — enregistrement des demandes de logement social et numérisation des pièces.

    La configuration vient des variables d'environnement (DATABASE_URL, REDIS_URL,
    SNE_SECRET_KEY, SNE_SMTP_HOST…) ; sans elles, tout tourne en local dans var/.
    """
    if ctx.obj is None:  # tests pass their own App as click's ``obj``
        ctx.obj = App(Settings.from_env())


for command in (
    referentiel.migrate_command,
    referentiel.territoire,
    referentiel.guichet,
    referentiel.user,
    demandes.register,
    demandes.modify,
    demandes.renew,
    demandes.radiate,
    demandes.reactivate,
    demandes.split,
    demandes.show,
    cycle.lifecycle,
    doublons.doublons,
    historique.historique_group,
    interchange.import_xml,
    interchange.export_xml,
    reprise.reprise_group,
    impression.print_group,
    scan.scan_group,
    jobs.jobs_group,
    lots.lots_group,
    indicateurs.indicateurs_group,
    demo.demo,
    worker,
):
    main.add_command(command)
