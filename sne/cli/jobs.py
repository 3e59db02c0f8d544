"""``sne jobs``: jobs that failed for good on Redis, with their reason, and how to retry them."""

from __future__ import annotations

import click

from sne.cli.app import App, pass_app


@click.group("jobs")
def jobs_group() -> None:
    """Traitements en échec (RQ) : liste et relance."""


def _redis(app: App) -> str:
    """The Redis URL the failed jobs are read from; a clear refusal without one."""
    settings = app.settings
    if not settings.redis_url:
        raise click.ClickException(
            "REDIS_URL n'est pas défini : sans Redis, un traitement en échec est journalisé et "
            "se relance par sa commande (sne lots relancer, sne lots notifications --relancer)."
        )
    return settings.redis_url


@jobs_group.command("failed")
@pass_app
def failed(app: App) -> None:
    """Liste les traitements en échec après toutes leurs tentatives."""
    from workers import failures

    echoues = failures.lister(_redis(app))
    click.echo(f"{len(echoues)} traitement(s) en échec.")
    for job in echoues:
        quand = f"{job.echoue_le:%d/%m/%Y %H:%M}" if job.echoue_le else "?"
        arguments = ", ".join(f"{k}={v}" for k, v in job.arguments.items())
        click.echo(f"  {job.id}  {quand}  {job.file}  {job.job}({arguments})  {job.raison}")


@jobs_group.command("retry")
@click.argument("job_id", required=False)
@click.option("--all", "tous", is_flag=True, help="Relancer tous les traitements en échec.")
@pass_app
def retry(app: App, job_id: str | None, tous: bool) -> None:
    """Remet en file le traitement JOB_ID (ou tous avec --all)."""
    from workers import failures

    if not job_id and not tous:
        raise click.UsageError("Indiquez un identifiant de traitement, ou --all.")
    relances = failures.relancer(_redis(app), None if tous else job_id)
    if job_id and not relances:
        raise click.ClickException(f"Aucun traitement en échec n'a l'identifiant {job_id}.")
    click.echo(f"{len(relances)} traitement(s) remis en file.")
