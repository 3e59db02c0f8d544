"""``sne indicateurs``: the snapshot refreshed by hand, thresholds imported from a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result


def test_refresh_and_import_from_the_command_line(
    sne_cli: Callable[..., Result], tmp_path: Path
) -> None:
    assert sne_cli("demo", "--demandes", "12", "--date", "2026-03-16").exit_code == 0
    resultat = sne_cli("indicateurs", "rafraichir", "--date", "2026-03-16")
    assert resultat.exit_code == 0, resultat.output
    assert "Territoire 013 :" in resultat.output and "données au 16/03/2026" in resultat.output
    fichier = tmp_path / "seuils.csv"
    fichier.write_text(
        "annee;epci;nom;seuil;codes_postaux\n2026;200054807;Métropole AMP;9876,50;13001 13013\n",
        encoding="utf-8",
    )
    resultat = sne_cli("indicateurs", "seuils", str(fichier), "--as", "gestion.13")
    assert resultat.exit_code == 0, resultat.output
    assert "1 seuil(s) enregistré(s)." in resultat.output
    fichier.write_text("annee;epci\n", encoding="utf-8")
    refus = sne_cli("indicateurs", "seuils", str(fichier), "--as", "gestion.13")
    assert refus.exit_code == 1 and "première ligne" in refus.output
