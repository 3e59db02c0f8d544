"""The ``sne`` command line on an SQLite file: demo, register, show, renew, radiate, lifecycle."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.factories import document_demande

JOUR = "2026-03-16"


@pytest.fixture
def sne(sne_cli: Callable[..., Result]) -> Callable[..., Result]:
    result = sne_cli("demo", "--demandes", "12", "--date", JOUR)
    assert result.exit_code == 0, result.output
    return sne_cli


def test_demo_prints_what_it_did(sne) -> None:  # type: ignore[no-untyped-def]
    result = sne("demo", "--demandes", "3", "--date", JOUR)
    assert result.exit_code == 0, result.output
    assert "demandes enregistrées : 3" in result.output
    assert "Traitement du 16/03/2026" in result.output


def test_register_show_renew_radiate(sne, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fichier = tmp_path / "demande.json"
    fichier.write_text(json.dumps(document_demande()), encoding="utf-8")
    result = sne("register", str(fichier), "--as", "agent.nord", "--date", JOUR)
    assert result.exit_code == 0, result.output
    numero = result.output.split(": ")[1].split()[0]
    assert numero.startswith("0130326") and numero.endswith("G1301")
    assert "Valable jusqu'au           : 16/03/2027" in result.output

    shown = sne("show", numero, "--json", "--as", "consult.complet")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["personnes"][0]["nom_naissance"] == "Nguyen"

    renewed = sne("renew", numero, "--as", "agent.mairie", "--date", "2027-02-20")
    assert "Valable jusqu'au           : 20/02/2028" in renewed.output

    radiated = sne(
        "radiate", numero, "--motif", "RADABA", "--as", "agent.al", "--date", "2027-03-01"
    )
    assert radiated.exit_code == 0, radiated.output
    assert "radiée le 01/03/2027 (Renonciation écrite du demandeur)" in radiated.output


def test_refusals_are_french_lines_with_exit_code_1(sne, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fichier = tmp_path / "incomplete.json"
    fichier.write_text(json.dumps(document_demande(motifs=[], code_postal="ABC")), encoding="utf-8")
    result = sne("register", str(fichier), "--as", "agent.nord", "--date", JOUR)
    assert result.exit_code == 1
    assert "Refusé [DONNEES_INVALIDES]" in result.output
    assert "  - motifs : indiquer au moins un motif de la demande" in result.output

    unknown = sne("renew", "0130326999999G1301", "--as", "agent.nord")
    assert unknown.exit_code == 1 and "NUMERO_INCONNU" in unknown.output

    forbidden = sne("register", str(fichier), "--as", "consult.liste")
    assert forbidden.exit_code == 1 and "NON_AUTORISE" in forbidden.output


def test_malformed_json_file_says_where(sne, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fichier = tmp_path / "casse.json"
    fichier.write_text('{"personnes": [', encoding="utf-8")
    result = sne("register", str(fichier), "--as", "agent.nord")
    assert result.exit_code == 1
    assert "n'est pas un JSON valide (ligne 1" in result.output


def test_lifecycle_is_idempotent_from_the_command_line(sne) -> None:  # type: ignore[no-untyped-def]
    first = sne("lifecycle", "--date", "2027-06-01", "--yes")
    second = sne("lifecycle", "--date", "2027-06-01", "--yes")
    assert first.exit_code == second.exit_code == 0
    assert "préavis par courriel : 0" in second.output
    assert "radiations pour non-renouvellement : 0" in second.output


def test_console_script_help_reads_well() -> None:
    scripts = Path(sys.executable).parent
    result = subprocess.run([scripts / "sne", "--help"], capture_output=True, text=True, check=True)
    assert "enregistrement des demandes de logement social" in result.stdout
    for command in ("register", "renew", "radiate", "lifecycle", "demo", "migrate", "show"):
        assert command in result.stdout
