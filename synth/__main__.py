"""``python -m synth OUT.pdf``: write a realistic scanned batch and its ground truth.

Separators are signed with this installation's key (``SNE_SECRET_KEY`` or
``var/secret_key``), so ``sne scan split OUT.pdf`` accepts them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from sne.config import Settings
from sne.documents.cles import keyring_for
from synth import degrade
from synth.batch import CASES, BatchSpec, generate_batch, truth_path

NIVEAUX = {"doux": degrade.DOUX, "moyen": degrade.MOYEN, "dur": degrade.DUR}


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--envois", default=2, show_default=True, help="Envois de guichets (bordereaux).")
@click.option("--dossiers", default=3, show_default=True, help="Dossiers par envoi.")
@click.option("--demandeurs", default=1, show_default=True, help="Plis de demandeurs.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(100, 600))
@click.option("--seed", default=1, show_default=True)
@click.option("--duplex", is_flag=True, help="Numérisation recto verso (versos blancs).")
@click.option("--niveau", type=click.Choice(sorted(NIVEAUX)), default="moyen", show_default=True)
@click.option("--cas", multiple=True, type=click.Choice(sorted(CASES)), help="Cas particulier.")
def main(
    out: Path,
    envois: int,
    dossiers: int,
    demandeurs: int,
    dpi: int,
    seed: int,
    duplex: bool,
    niveau: str,
    cas: tuple[str, ...],
) -> None:
    """Écrit un lot numérisé de test OUT (.pdf ou .tif) et sa vérité terrain."""
    spec = BatchSpec(
        envois=envois,
        dossiers_par_envoi=(dossiers, dossiers),
        demandeurs=demandeurs,
        dpi=dpi,
        duplex=duplex,
        niveau=NIVEAUX[niveau],
        cas=frozenset(cas),
    )
    verite = generate_batch(out, spec, seed=seed, keyring=keyring_for(Settings.from_env()))
    roles = Counter(verite.roles())
    detail = ", ".join(f"{role} : {n}" for role, n in sorted(roles.items()))
    click.echo(f"Lot {out} : {len(verite.pages)} page(s) ({detail})")
    click.echo(f"Vérité terrain : {truth_path(out)}")


if __name__ == "__main__":
    main()
