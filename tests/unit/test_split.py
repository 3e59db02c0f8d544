"""The splitter against generated batches with ground truth: every case, every page accounted for."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning.manifest import DossierStatus, Manifest
from scanning.output import write_dossier_pdfs, write_manifest
from scanning.qr_payload import keyring_from_secrets
from scanning.reconcile import DossierAttendu, reconcilier
from scanning.split import split_batch
from synth import degrade
from synth.batch import CASES, SECRET_TEST, BatchSpec, GroundTruth, generate_batch

KEYRING = keyring_from_secrets(SECRET_TEST)
PETIT = BatchSpec(
    envois=1, dossiers_par_envoi=(3, 3), pieces_par_dossier=(1, 2), demandeurs=1, dpi=150
)


def _mal_classees(manifest: Manifest, verite: GroundTruth) -> list[int]:
    """Pages a dossier attachable without review holds although they belong to another demande."""
    return [
        page
        for dossier in manifest.dossiers
        if dossier.status is DossierStatus.OK
        for page in (dossier.separator_page, *dossier.pages)
        if verite.pages[page]["numero"] != dossier.numero
    ]


def _attendus(verite: GroundTruth) -> dict[str, list[DossierAttendu]]:
    """The envois' recorded compositions written in the ground truth."""
    return {envoi: [DossierAttendu(**d) for d in ds] for envoi, ds in verite.attendus.items()}


def _conforme(manifest: Manifest, verite: GroundTruth) -> None:
    """The manifest says exactly what the ground truth says, and files no page wrongly."""
    assert _mal_classees(manifest, verite) == []
    assert manifest.page_count == len(verite.pages)
    assert sum(manifest.role_counts().values()) == manifest.page_count
    assert [r.role.value for r in manifest.pages] == verite.roles()
    assert [d.numero for d in manifest.dossiers] == [d["numero"] for d in verite.dossiers]
    assert [list(d.pages) for d in manifest.dossiers] == [d["pages"] for d in verite.dossiers]
    assert [d.status.value for d in manifest.dossiers] == [d["status"] for d in verite.dossiers]
    assert [s.envoi for s in manifest.envois] == [s["envoi"] for s in verite.envois]
    assert [list(s.dossiers) for s in manifest.envois] == [s["dossiers"] for s in verite.envois]


def _lot(tmp_path: Path, spec: BatchSpec, seed: int = 1) -> tuple[Manifest, GroundTruth, Path]:
    chemin = tmp_path / "lot.pdf"
    verite = generate_batch(chemin, spec, seed=seed, keyring=KEYRING)
    return _decouper(chemin, verite), verite, chemin


def _decouper(chemin: Path, verite: GroundTruth, **options: str) -> Manifest:
    """Split as the workers do: the separator pass, then the envois' recorded compositions."""
    return reconcilier(split_batch(chemin, KEYRING, **options), _attendus(verite))


ANOMALIES = {
    "lot_vide": {"lot_vide"},
    "sans_separateur": {"pages_orphelines", "aucun_separateur"},
    "orphelines": {"pages_orphelines"},
    "separateurs_consecutifs": {"separateurs_consecutifs", "envoi_discordant"},
    "separateur_en_fin": {"separateur_en_derniere_page"},
    "fiche_manquante": {"pages_en_trop", "envoi_incomplet", "demande_sans_fiche"},
    "fiche_manquante_equilibree": {"demande_sans_fiche", "envoi_incomplet"},
    "pages_en_trop": {"pages_en_trop", "envoi_discordant"},
    "feuille_en_double": {"feuille_en_double"},
    "qr_degrade": set(),
    "qr_detruit": {"qr_illisible", "pages_en_trop", "envoi_incomplet", "demande_sans_fiche"},
    "qr_etranger": set(),
    "envers": set(),
}


@pytest.mark.parametrize("cas", sorted(CASES))
def test_each_case_is_split_as_the_ground_truth_says(tmp_path: Path, cas: str) -> None:
    manifest, verite, _ = _lot(tmp_path, BatchSpec(**{**PETIT.__dict__, "cas": frozenset({cas})}))
    _conforme(manifest, verite)
    assert {a.code for a in manifest.anomalies} == ANOMALIES[cas]
    assert all(a.message.endswith(".") and ".." not in a.message for a in manifest.anomalies)


def test_a_missed_separator_is_found_by_looking_again_at_the_boundary(tmp_path: Path) -> None:
    manifest, verite, _ = _lot(
        tmp_path, BatchSpec(**{**PETIT.__dict__, "cas": frozenset({"qr_degrade"})})
    )
    _conforme(manifest, verite)
    assert all(d.status is DossierStatus.OK for d in manifest.dossiers)


def test_pieces_of_a_forgotten_fiche_are_not_merged_silently(tmp_path: Path) -> None:
    spec = BatchSpec(**{**PETIT.__dict__, "cas": frozenset({"fiche_manquante"})})
    manifest, _, _ = _lot(tmp_path, spec)
    premier = manifest.dossiers[0]
    assert premier.status is DossierStatus.REVUE
    [anomalie] = [a for a in manifest.anomalies if a.code == "pages_en_trop"]
    assert premier.numero in anomalie.message and "rien n'a été rattaché" in anomalie.message
    assert manifest.envois[0].status is DossierStatus.REVUE
    assert manifest.stats["relectures"] >= 1


def test_upside_down_fiche_is_read_and_marked_turned(tmp_path: Path) -> None:
    manifest, verite, _ = _lot(
        tmp_path, BatchSpec(**{**PETIT.__dict__, "cas": frozenset({"envers"})})
    )
    _conforme(manifest, verite)
    fiche = manifest.dossiers[0].separator_page
    assert verite.pages[fiche]["envers"] and manifest.pages[fiche].rotation == 180


def test_duplex_backs_are_removed_and_never_start_a_dossier(tmp_path: Path) -> None:
    spec = BatchSpec(**{**PETIT.__dict__, "duplex": True, "niveau": degrade.DUR})
    manifest, verite, _ = _lot(tmp_path, spec, seed=4)
    _conforme(manifest, verite)
    assert manifest.stats["duplex"] == 1.0
    blanches = [r for r in manifest.pages if r.role.value == "blanche"]
    assert all(r.verso_of == verite.pages[r.index]["verso_of"] for r in blanches)
    assert manifest.role_counts()["blanche"] > 0


def test_pyzbar_decoder_can_be_chosen(tmp_path: Path) -> None:
    chemin = tmp_path / "lot.pdf"
    verite = generate_batch(chemin, PETIT, seed=2, keyring=KEYRING)
    manifest = _decouper(chemin, verite, decoder="pyzbar")
    assert manifest.decoder == "pyzbar"
    _conforme(manifest, verite)


def test_dossier_pdfs_reuse_the_scanned_images_byte_for_byte(tmp_path: Path) -> None:
    manifest, _, chemin = _lot(tmp_path, PETIT)
    fichiers = write_dossier_pdfs(chemin, manifest, tmp_path / "sortie")
    assert set(fichiers) == {d.index for d in manifest.dossiers if d.pages}
    with pikepdf.open(chemin) as source:
        for dossier in manifest.dossiers:
            with pikepdf.open(fichiers[dossier.index]) as sortie:
                assert len(sortie.pages) == len(dossier.pages)
                for page, index in zip(sortie.pages, dossier.pages, strict=True):
                    [copie] = page.obj.Resources.XObject.values()
                    [originale] = source.pages[index].obj.Resources.XObject.values()
                    assert copie.read_raw_bytes() == originale.read_raw_bytes()
    relu = write_manifest(manifest, tmp_path / "manifest.json")
    assert Manifest.from_dict(__import__("json").loads(relu.read_text())) == manifest


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    envois=st.integers(0, 2),
    dossiers=st.integers(1, 3),
    demandeurs=st.integers(0, 2),
    duplex=st.booleans(),
    dpi=st.sampled_from([150, 200]),
    niveau=st.sampled_from([degrade.DOUX, degrade.MOYEN, degrade.DUR]),
    cas=st.sets(st.sampled_from(sorted(CASES - {"lot_vide", "sans_separateur"})), max_size=2),
    seed=st.integers(0, 10_000),
)
def test_roles_add_up_and_separators_are_all_found_without_false_split(
    tmp_path: Path,
    envois: int,
    dossiers: int,
    demandeurs: int,
    duplex: bool,
    dpi: int,
    niveau: degrade.Niveau,
    cas: set[str],
    seed: int,
) -> None:
    spec = BatchSpec(
        envois=envois,
        dossiers_par_envoi=(dossiers, dossiers),
        pieces_par_dossier=(1, 2),
        demandeurs=demandeurs,
        dpi=dpi,
        duplex=duplex,
        niveau=niveau,
        cas=frozenset(cas) if envois and dossiers >= 2 else frozenset(),
    )
    chemin = tmp_path / f"lot-{seed}.pdf"
    verite = generate_batch(chemin, spec, seed=seed, keyring=KEYRING)
    _conforme(_decouper(chemin, verite), verite)
