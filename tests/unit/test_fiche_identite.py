"""The identity printed on a fiche récapitulative, read by OCR (the QR code carries none)."""

from __future__ import annotations

import json
from pathlib import Path

from scanning.imprime import IdentiteFiche, analyser_fiche, lire_fiches
from scanning.qr_payload import keyring_from_secrets
from scanning.split import split_batch
from synth import degrade
from synth.batch import SECRET_TEST, BatchSpec, generate_batch, truth_path

# Bands as tesseract read them on generated scans, labels garbled and all.
PROPRE = (
    "agrafer sur ce code\nDemandeur\nNom N'DIAYE\nPrénoms Inès\nDate de naissance 28/11/1997\n"
    "Numéro unique 0130326000464G1301\nDate de remplissage 16/03/2026"
)
ABIME = (
    "/_ Demandeur | | |\nNom DA SILVA | .\nPrénoms : Hugo : ‘\n"
    "Date de naissance er ‘02/10/1963 |\nNombre _ documents transmis 2 | :\n"
    "Date de remplissage 16/03/2026"
)
SANS_NAISSANCE = "Demandeur\nNom BENALI\nPrénoms Inès\nDate de nai\nSe 16/03/2026"


def test_name_and_birth_date_are_found_however_ocr_spells_the_labels() -> None:
    assert analyser_fiche(PROPRE, "2026-03-16") == IdentiteFiche("N'DIAYE", "1997-11-28")
    assert analyser_fiche(ABIME, "2026-03-16") == IdentiteFiche("DA SILVA", "1963-10-02")


def test_the_filling_date_is_never_taken_for_the_birth_date() -> None:
    # The birth line is unreadable and the filling label garbled: no date rather than a wrong one.
    assert analyser_fiche(SANS_NAISSANCE, "2026-03-16") == IdentiteFiche("BENALI", None)
    assert analyser_fiche("Nombre de documents transmis 3\n31/02/1990") == IdentiteFiche(None, None)


def test_every_fiche_of_a_clean_generated_batch_is_read_right(tmp_path: Path) -> None:
    chemin = tmp_path / "lot.pdf"
    keyring = keyring_from_secrets(SECRET_TEST)
    generate_batch(
        chemin, BatchSpec(dpi=150, niveau=degrade.DOUX, demandeurs=0), seed=10, keyring=keyring
    )
    verite = {d["numero"]: d for d in json.loads(truth_path(chemin).read_text())["dossiers"]}
    manifest = lire_fiches(chemin, split_batch(chemin, keyring))
    fiches = [d for d in manifest.dossiers if d.kind.value == "fiche"]
    assert len(fiches) >= 4
    for dossier in fiches:
        attendu = verite[dossier.numero]
        assert (dossier.nom, dossier.naissance) == (attendu["nom"].upper(), attendu["naissance"])
