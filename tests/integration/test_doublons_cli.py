"""``sne register --forcer`` and ``sne doublons …`` on an SQLite file, as the agents use them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.factories import document_demande

JOUR = "2026-03-16"


@pytest.fixture
def sne(sne_cli: Callable[..., Result]) -> Callable[..., Result]:
    result = sne_cli("demo", "--demandes", "5", "--date", JOUR)
    assert result.exit_code == 0, result.output
    return sne_cli


def test_duplicates_from_registration_to_merge(sne, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fichier = tmp_path / "demande.json"
    fichier.write_text(json.dumps(document_demande()), encoding="utf-8")
    premier = sne("register", str(fichier), "--as", "agent.nord", "--date", JOUR)
    assert premier.exit_code == 0, premier.output
    numero = premier.output.split(": ")[1].split()[0]

    refus = sne("register", str(fichier), "--as", "agent.mairie", "--date", JOUR)
    assert refus.exit_code == 1
    assert "Refusé [DOUBLON_PROBABLE]" in refus.output
    assert f"  - {numero} : Claire Thi NGUYEN, né(e) le 02/05/1988 (demandeur)" in refus.output

    verifie = sne("doublons", "check", str(fichier), "--as", "agent.mairie")
    assert verifie.exit_code == 0, verifie.output
    assert "2 doublon(s) probable(s)" in verifie.output and "[IDENTIQUE" in verifie.output

    force = sne(
        "register", str(fichier), "--as", "agent.mairie", "--date", JOUR, "--forcer", "homonyme ?"
    )
    assert force.exit_code == 0, force.output
    second = force.output.split(": ")[1].split()[0]

    compte = sne("doublons", "forced", "--from", "2026-03-01", "--to", JOUR, "--as", "gestion.13")
    assert compte.exit_code == 0, compte.output
    assert "G1302 Mairie de Marseille — service logement : 1 (agent.mairie 1)" in compte.output

    balayage = sne("doublons", "sweep", "--as", "gestion.13")
    assert "1 groupe(s)" in balayage.output and numero in balayage.output, balayage.output

    signale = sne(
        "doublons", "report", numero, second, "--garder", f"email={second}", "--as", "agent.nord"
    )
    assert signale.exit_code == 0, signale.output
    file_ = sne("doublons", "reports", "--as", "gestion.13")
    assert f"{numero}, {second}" in file_.output and "garder email" in file_.output

    fusion = sne("doublons", "merge", numero, second, "--signalement", "1", "--as", "gestion.13")
    assert fusion.exit_code == 0, fusion.output
    assert f"Demandes fusionnées dans {numero} : {second}" in fusion.output
    assert "Aucun signalement." in sne("doublons", "reports", "--as", "gestion.13").output

    corrige = sne(
        "doublons", "correct", numero, "--nom", "Nguyen-Tran", "--justification", "CNI",
        "--as", "gestion.13",
    )  # fmt: skip
    assert corrige.exit_code == 0, corrige.output
    assert "personnes[1].nom_naissance : Nguyen → Nguyen-Tran" in corrige.output
