"""``sne scan``: split a scanned batch offline and show what became of every page."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scanning.manifest import ROLE_LABELS, Manifest, Role
from scanning.output import write_dossier_pdfs, write_manifest
from scanning.split import split_batch
from sne.cli.app import App, pass_app
from sne.documents.cles import keyring_for


@click.group("scan")
def scan_group() -> None:
    """Numérisation : découpage des lots scannés aux séparateurs QR."""


@scan_group.command("split")
@click.argument("batch", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où écrire un PDF par dossier et le manifeste JSON.",
)
@click.option("--json", "as_json", is_flag=True, help="Affiche le manifeste JSON.")
@click.option(
    "--decoder",
    type=click.Choice(["zxing", "pyzbar"]),
    default=None,
    help="Lecteur de QR codes (défaut : SNE_QR_DECODER, sinon zxing).",
)
@click.option(
    "--duplex/--recto",
    default=None,
    help="Lot numérisé recto verso ou recto seul (défaut : détecté d'après les versos blancs).",
)
@pass_app
def split(
    app: App,
    batch: Path,
    out: Path | None,
    as_json: bool,
    decoder: str | None,
    duplex: bool | None,
) -> None:
    """Découpe le lot BATCH (PDF ou TIFF) en envois et dossiers, sans rien enregistrer."""
    manifest = split_batch(
        batch,
        keyring_for(app.settings),
        decoder=decoder or app.settings.qr_decoder,
        duplex=duplex,
    )
    fichiers: dict[int, Path] = {}
    if out is not None and manifest.error is None:
        fichiers = write_dossier_pdfs(batch, manifest, out)
        write_manifest(manifest, out / "manifest.json")
    if as_json:
        click.echo(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(resume(manifest, fichiers))
    if manifest.error is not None:
        raise SystemExit(1)


def resume(manifest: Manifest, fichiers: dict[int, Path] | None = None) -> str:
    """A French summary of a manifest, for people."""
    fichiers = fichiers or {}
    lignes = [
        f"Lot {manifest.source} : {manifest.page_count} page(s), sha256 {manifest.sha256[:12]}…"
    ]
    if manifest.error is not None:
        lignes.append(f"Erreur : {manifest.error}")
        return "\n".join(lignes)
    duree = manifest.stats.get("seconds", 0.0)
    lignes.append(
        f"Lu en {duree:.2f} s ({manifest.stats.get('pages_per_s', 0.0):.0f} pages/s, "
        f"décodeur {manifest.decoder}, "
        f"{'recto verso' if manifest.stats.get('duplex') else 'recto seul'}, "
        f"{int(manifest.stats.get('relectures', 0))} page(s) relue(s) en détail)"
    )
    for envoi in manifest.envois:
        lignes.append(
            f"Envoi {envoi.envoi} du guichet {envoi.guichet} ({envoi.departement}), "
            f"bordereau page {envoi.bordereau_page + 1} : {len(envoi.dossiers)}/"
            f"{envoi.declared_dossiers} dossier(s) — {_statut(envoi.status.value)}"
        )
    for dossier in manifest.dossiers:
        quoi = "fiche" if dossier.kind is Role.FICHE else "attestation"
        declare = (
            f" sur {dossier.declared_pages - 1} déclarée(s)"
            if dossier.declared_pages is not None
            else ""
        )
        fichier = f" → {fichiers[dossier.index].name}" if dossier.index in fichiers else ""
        lignes.append(
            f"  Dossier {dossier.index + 1} {dossier.numero} ({quoi} page "
            f"{dossier.separator_page + 1}) : {len(dossier.pages)} page(s){declare} — "
            f"{_statut(dossier.status.value)}{fichier}"
        )
    if manifest.anomalies:
        lignes.append("Anomalies :")
        lignes.extend(f"  - {a.message}" for a in manifest.anomalies)
    comptes = manifest.role_counts()
    detail = ", ".join(
        f"{ROLE_LABELS[Role(role)]} : {nombre}" for role, nombre in comptes.items() if nombre
    )
    lignes.append(f"Pages : {detail} (total {sum(comptes.values())} = {manifest.page_count})")
    return "\n".join(lignes)


def _statut(statut: str) -> str:
    return "à rattacher" if statut == "ok" else "revue manuelle"
