"""The splitter against generated batches with ground truth: every case, every page accounted for."""

from __future__ import annotations

import os
import random
from pathlib import Path

import img2pdf
import pikepdf
import pytest
import qrcode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from scanning.imprime import lire_fiches
from scanning.manifest import Dossier, DossierStatus, Manifest, PageRecord, Role
from scanning.output import write_dossier_pdfs, write_manifest
from scanning.pages import BatchReader
from scanning.qr_payload import keyring_from_secrets
from scanning.reconcile import DossierAttendu, reconcilier
from scanning.split import split_batch
from synth import degrade
from synth import pieces as modeles
from synth.batch import CASES, EPC_QR, SECRET_TEST, BatchSpec, GroundTruth, generate_batch

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


def _tournee(verite: GroundTruth, index: int) -> bool:
    """Whether the splitter must give page ``index``'s rotation: a separator, or a sideways page.

    Pieces upside down are the piece reader's to turn (``scanning.pieces``).
    """
    page = verite.pages[index]
    return page["role"] in ("bordereau", "fiche", "attestation") or page["rotation"] in (90, 270)


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
    assert [r.rotation for r in manifest.pages if _tournee(verite, r.index)] == [
        p["rotation"] for i, p in enumerate(verite.pages) if _tournee(verite, i)
    ]
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
    "versos_retires": set(),
    "duplex_mixte": set(),
    "transparence_etrangere": set(),
    "de_travers": set(),
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


#: Every case a batch of guichets' sendings can combine (an empty batch has nothing to file).
COMBINABLES = sorted(CASES - {"lot_vide", "sans_separateur"})


@settings(
    max_examples=int(os.environ.get("SNE_EXEMPLES_MELANGES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    dossiers=st.integers(2, 4),
    duplex=st.booleans(),
    niveau=st.sampled_from([degrade.DOUX, degrade.MOYEN, degrade.DUR]),
    cas=st.sets(st.sampled_from(COMBINABLES), min_size=2, max_size=4),
    seed=st.integers(0, 10_000),
)
def test_no_combination_of_cases_files_a_page_in_the_wrong_dossier(
    tmp_path: Path, dossiers: int, duplex: bool, niveau: degrade.Niveau, cas: set[str], seed: int
) -> None:
    spec = BatchSpec(
        envois=2,
        dossiers_par_envoi=(dossiers, dossiers),
        pieces_par_dossier=(1, 3),
        demandeurs=1,
        dpi=150,
        duplex=duplex,
        niveau=niveau,
        cas=frozenset(cas),
    )
    chemin = tmp_path / f"melange-{seed}.pdf"
    verite = generate_batch(chemin, spec, seed=seed, keyring=KEYRING)
    manifest = _decouper(chemin, verite)
    assert _mal_classees(manifest, verite) == []
    # No false split: every dossier opened is a demande of the batch, opened once.
    numeros = [d.numero for d in manifest.dossiers]
    assert len(numeros) == len(set(numeros))
    assert set(numeros) <= {d["numero"] for d in verite.dossiers}


def test_backs_are_judged_by_what_they_hold_not_by_their_position(tmp_path: Path) -> None:
    for cas in ("versos_retires", "duplex_mixte"):
        spec = BatchSpec(**{**PETIT.__dict__, "cas": frozenset({cas})})
        manifest, verite, _ = _lot(tmp_path, spec, seed=3)
        _conforme(manifest, verite)
        vues = [r.index for r in manifest.pages if "transparence" in r.note]
        assert vues and vues == [i for i, p in enumerate(verite.pages) if p["transparence"]]
        assert all(manifest.pages[i].role is Role.BLANCHE for i in vues)
        assert all(d.status is DossierStatus.OK for d in manifest.dossiers)


def test_a_foreign_code_seen_through_a_blank_back_leaves_it_a_blank_back(tmp_path: Path) -> None:
    spec = BatchSpec(**{**PETIT.__dict__, "cas": frozenset({"transparence_etrangere"})})
    manifest, verite, _ = _lot(tmp_path, spec, seed=2)
    _conforme(manifest, verite)
    [dos] = [i for i, p in enumerate(verite.pages) if p["transparence"]]
    assert (
        manifest.pages[dos].role is Role.BLANCHE and manifest.pages[dos - 1].role is Role.ETRANGER
    )
    assert manifest.pages[dos].verso_of == dos - 1
    assert all(d.status is DossierStatus.OK for d in manifest.dossiers)


def test_sideways_sheets_are_turned_upright_for_identity_reading_and_storage(
    tmp_path: Path,
) -> None:
    spec = BatchSpec(**{**PETIT.__dict__, "cas": frozenset({"de_travers"})})
    manifest, verite, chemin = _lot(tmp_path, spec)
    _conforme(manifest, verite)
    premier = manifest.dossiers[0]
    assert manifest.pages[premier.separator_page].rotation == 90
    assert any(manifest.pages[p].rotation in (90, 270) for p in premier.pages)
    assert lire_fiches(chemin, manifest).dossiers[0].nom == verite.dossiers[0]["nom"]
    fichiers = write_dossier_pdfs(chemin, manifest, tmp_path / "sortie")
    for dossier in manifest.dossiers:
        with BatchReader(fichiers[dossier.index]) as reader:
            for page in reader.pages():
                assert page.image is not None and page.image.height > page.image.width


def test_a_foreign_code_alone_on_a_page_is_blank_only_when_seen_through(tmp_path: Path) -> None:
    page = Image.new("L", (1240, 1754), 250)
    code = qrcode.make(EPC_QR).get_image().convert("L").resize((300, 300))
    page.paste(code, (800, 1300))
    dos = degrade.verso_transparent(page, (800, 1300, 1100, 1600), random.Random(1))
    chemin = tmp_path / "lot.pdf"
    chemin.write_bytes(img2pdf.convert([degrade.jpeg(p, 80, 150) for p in (page, dos)]))
    imprimee, vue = split_batch(chemin, KEYRING).pages
    assert imprimee.role is Role.ORPHELINE and imprimee.qr == "etranger"  # kept, never dropped
    assert vue.role is Role.BLANCHE and "transparence" in vue.note


def test_tiff_pages_are_written_upright_in_the_dossier_pdf(tmp_path: Path) -> None:
    [droite] = modeles.rendre_piece("quittance_loyer", 100, 0)
    couchee = droite.rotate(90, expand=True)
    chemin = tmp_path / "lot.tif"
    droite.save(chemin, "TIFF", save_all=True, append_images=[couchee], dpi=(100, 100))
    pages = (PageRecord(0, Role.FICHE, dossier=0), PageRecord(1, Role.PIECE, 0, rotation=90))
    dossier = Dossier(0, Role.FICHE, "0130326000001G1301", 0, (1,))
    manifest = Manifest("lot.tif", "x", 2, pages, dossiers=(dossier,))
    [fichier] = write_dossier_pdfs(chemin, manifest, tmp_path / "sortie").values()
    with BatchReader(fichier) as reader:
        [page] = reader.pages()
        assert page.image is not None and page.image.height > page.image.width
