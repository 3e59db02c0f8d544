"""``python -m synth OUT.pdf``: write a realistic scanned batch and its ground truth.

Separators are signed with this installation's key (``SNE_SECRET_KEY`` or
``var/secret_key``), so ``sne scan split OUT.pdf`` accepts them; ``--cle-de-test``
signs with the tests' key instead.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import click

from scanning.manifest import ROLE_LABELS, Role
from scanning.qr_payload import keyring_from_secrets
from sne.config import Settings
from sne.documents.cles import keyring_for
from synth import degrade
from synth.batch import CASES, SECRET_TEST, BatchSpec, generate_batch, truth_path

NIVEAUX = {"doux": degrade.DOUX, "moyen": degrade.MOYEN, "dur": degrade.DUR}


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pages", type=click.IntRange(1), help="Nombre de pages visé (environ).")
@click.option("--dossiers", type=click.IntRange(0), help="Nombre de dossiers de guichets.")
@click.option("--envois", default=2, show_default=True, help="Envois de guichets (bordereaux).")
@click.option("--demandeurs", default=1, show_default=True, help="Plis de demandeurs.")
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(100, 600))
@click.option("--seed", default=1, show_default=True, help="Graine : même graine, même lot.")
@click.option("--duplex", is_flag=True, help="Numérisation recto verso (versos blancs).")
@click.option("--niveau", type=click.Choice(sorted(NIVEAUX)), default="moyen", show_default=True)
@click.option("--bilevel", is_flag=True, help="Pages en noir et blanc (CCITT G4).")
@click.option(
    "--case", "cas", multiple=True, type=click.Choice(sorted(CASES)), help="Cas particulier."
)
@click.option("--cle-de-test", is_flag=True, help="Signer avec la clé des tests.")
def main(
    out: Path,
    pages: int | None,
    dossiers: int | None,
    envois: int,
    demandeurs: int,
    dpi: int,
    seed: int,
    duplex: bool,
    niveau: str,
    bilevel: bool,
    cas: tuple[str, ...],
    cle_de_test: bool,
) -> None:
    """Écrit un lot numérisé de test OUT (.pdf ou .tif) et sa vérité terrain à côté."""
    spec = BatchSpec(
        envois=envois,
        demandeurs=demandeurs,
        dpi=dpi,
        duplex=duplex,
        niveau=NIVEAUX[niveau],
        cas=frozenset(cas),
        bilevel=bilevel,
        dossiers=dossiers,
        pages=pages,
    )
    cle = keyring_from_secrets(SECRET_TEST) if cle_de_test else keyring_for(Settings.from_env())
    debut = time.perf_counter()
    verite = generate_batch(out, spec, seed=seed, keyring=cle)
    duree = time.perf_counter() - debut
    roles = Counter(verite.roles())
    mode = "recto verso" if duplex else "recto"
    click.echo(
        f"Lot écrit : {out} — {len(verite.pages)} page(s), {dpi} dpi, {mode}, en {duree:.1f} s."
    )
    click.echo(
        f"{len(verite.envois)} envoi(s), {len(verite.dossiers)} dossier(s), "
        f"{sum(len(d['pieces']) for d in verite.dossiers)} pièce(s)."
    )
    for role, nombre in sorted(roles.items()):
        click.echo(f"  {ROLE_LABELS[Role(role)]} : {nombre}")
    if cas:
        click.echo(f"Cas particuliers : {', '.join(sorted(cas))}.")
    click.echo(f"Vérité terrain : {truth_path(out)}")


if __name__ == "__main__":
    main()
