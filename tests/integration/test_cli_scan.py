"""``sne scan split`` on a generated batch: French summary, manifest JSON, dossier PDFs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanning.qr_payload import keyring_from_secrets
from sne.cli import main
from synth.batch import BatchSpec, generate_batch

SECRET = "secret-de-la-ligne-de-commande"


def test_split_prints_a_summary_writes_pdfs_and_the_manifest(tmp_path: Path) -> None:
    lot = tmp_path / "lot.pdf"
    spec = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), pieces_par_dossier=(1, 1), demandeurs=1)
    verite = generate_batch(lot, spec, seed=3, keyring=keyring_from_secrets(SECRET))
    env = {"SNE_SECRET_KEY": SECRET, "SNE_VAR_DIR": str(tmp_path / "var")}
    sortie = CliRunner().invoke(
        main, ["scan", "split", str(lot), "--out", str(tmp_path / "out")], env=env
    )
    assert sortie.exit_code == 0, sortie.output
    assert f"{len(verite.pages)} page(s)" in sortie.output
    assert "à rattacher" in sortie.output and "revue manuelle" not in sortie.output
    assert f"(total {len(verite.pages)} = {len(verite.pages)})" in sortie.output
    assert len(list((tmp_path / "out").glob("dossier-*.pdf"))) == len(verite.dossiers)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["role"] for p in manifest["pages"]] == verite.roles()
    brut = CliRunner().invoke(main, ["scan", "split", str(lot), "--json"], env=env)
    assert brut.exit_code == 0 and json.loads(brut.output)["page_count"] == len(verite.pages)


def test_a_batch_signed_with_another_key_splits_nothing_and_says_why(tmp_path: Path) -> None:
    lot = tmp_path / "lot.pdf"
    generate_batch(lot, BatchSpec(envois=1, dossiers_par_envoi=(1, 1), demandeurs=0), seed=4)
    env = {"SNE_SECRET_KEY": SECRET, "SNE_VAR_DIR": str(tmp_path / "var")}
    sortie = CliRunner().invoke(main, ["scan", "split", str(lot)], env=env)
    assert sortie.exit_code == 0, sortie.output
    assert "clé inconnue" in sortie.output and "Aucun séparateur" in sortie.output


def test_an_unreadable_file_exits_with_1_and_a_french_message(tmp_path: Path) -> None:
    faux = tmp_path / "lot.pdf"
    faux.write_text("pas un PDF", encoding="utf-8")
    sortie = CliRunner().invoke(
        main, ["scan", "split", str(faux)], env={"SNE_VAR_DIR": str(tmp_path)}
    )
    assert sortie.exit_code == 1 and "ni un PDF ni un TIFF" in sortie.output
