"""The README's first steps and example demande, run as written: they must not rot with time.

The "First steps" shell block runs in bash from a scratch folder that looks like
the repository's root (``.venv`` and ``tests`` linked), on a fresh SQLite
database, with the README's demande example saved as ``demande.json``. Dates are
today's: an example whose dates pass (an expected birth already due) fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
TESTS = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def bloc(section: str, langage: str) -> str:
    """The first ``langage`` code block of the README section headed ``section``."""
    texte = README.read_text(encoding="utf-8")
    trouve = re.search(
        rf"^#+ {re.escape(section)}\n.*?^```{langage}\n(.*?)^```", texte, re.M | re.S
    )
    assert trouve, f"README : pas de bloc {langage} dans la section « {section} »"
    return trouve.group(1)


def exemple_demande() -> dict[str, Any]:
    """The demande of the README's "The demande file" section."""
    document: dict[str, Any] = json.loads(bloc("The demande file", "json"))
    return document


def enfant_a_naitre(prevue: date) -> dict[str, Any]:
    """The README's inline expected child, born on ``prevue``."""
    texte = README.read_text(encoding="utf-8")
    trouve = re.search(r'`(\{"role": "a_naitre", [^`]*\})`', texte)
    assert trouve, "README : l'exemple d'enfant à naître a disparu"
    enfant: dict[str, Any] = json.loads(trouve.group(1).replace("AAAA-MM-JJ", prevue.isoformat()))
    return enfant


@pytest.fixture
def racine(tmp_path: Path) -> Path:
    """A scratch folder where the README's relative paths resolve as in the repository."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (tmp_path / "tests").symlink_to(TESTS, target_is_directory=True)
    (tmp_path / "demande.json").write_text(json.dumps(exemple_demande()), encoding="utf-8")
    return tmp_path


def bash(racine: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in bash (stop at the first failure) on the embedded defaults in ``racine``."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["SNE_VAR_DIR"] = str(racine / "var")
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=racine,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def enregistrer(racine: Path, nom: str, prevue: date, adultes: tuple[str, str]) -> str:
    """The command registering the example's household with adults born on ``adultes``, a child on ``prevue``."""
    document = exemple_demande()
    for personne, naissance in zip(document["personnes"][:2], adultes, strict=True):
        personne["date_naissance"] = naissance  # other adults: no probable duplicate
    document["personnes"].append(enfant_a_naitre(prevue))
    (racine / f"{nom}.json").write_text(json.dumps(document), encoding="utf-8")
    return f".venv/bin/sne register {nom}.json --as claire.agent"


def test_first_steps_register_the_example_and_import_the_sample(racine: Path) -> None:
    resultat = bash(racine, bloc("First steps", "sh"))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    sortie = resultat.stdout
    assert "Compte « claire.agent » (Agent de guichet enregistreur) créé." in sortie
    assert f"Demande enregistrée : 013{date.today():%m%y}000001G1301" in sortie
    assert f"Date de dépôt (ancienneté) : {date.today():%d/%m/%Y}" in sortie
    assert re.search(r"Fichier CRE importé : demande enregistrée 0130326\d{6}G1301", sortie)

    # The inline expected child joins another household of the same shape: due in
    # three months it is registered; two months past, refused, as a stale example would be.
    attendu = bash(
        racine,
        enregistrer(
            racine, "attendu", date.today() + timedelta(days=90), ("1990-01-15", "1991-02-16")
        ),
    )
    assert attendu.returncode == 0, attendu.stdout + attendu.stderr
    assert "Demande enregistrée : 013" in attendu.stdout
    passe = bash(
        racine,
        enregistrer(
            racine, "passe", date.today() - timedelta(days=62), ("1992-03-17", "1993-04-18")
        ),
    )
    assert passe.returncode == 1
    assert "Refusé [DONNEES_INVALIDES]" in passe.stdout + passe.stderr
    assert "date_naissance_prevue" in passe.stdout + passe.stderr
