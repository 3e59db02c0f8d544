"""The generator of scanned batches: reproducible, scan-like, truthful about what it wrote."""

from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import numpy as np
import pikepdf
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image, ImageChops, ImageStat

from scanning.plan import TYPES, type_piece
from scanning.qr_payload import decode, keyring_from_secrets
from sne.numero import construire
from synth import batch, degrade
from synth.__main__ import main
from synth.batch import (
    CASES,
    EPC_QR,
    SECRET_TEST,
    BatchSpec,
    DossierPlan,
    EnvoiPlan,
    GroundTruth,
    bordereau_pour,
    cotes,
    fiche_pour,
    generate_batch,
    plan_aleatoire,
    truth_path,
)
from synth.pieces import MODELES, rendre_piece, type_de

KEYRING = keyring_from_secrets(SECRET_TEST)
PETIT = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), pieces_par_dossier=(1, 2), dpi=150)


def test_same_seed_same_batch_and_truth(tmp_path: Path) -> None:
    a = generate_batch(tmp_path / "a.pdf", PETIT, seed=7)
    b = generate_batch(tmp_path / "b.pdf", PETIT, seed=7)
    assert a.pages == b.pages and a.dossiers == b.dossiers
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert GroundTruth.read(truth_path(tmp_path / "a.pdf")).pages == a.pages


def test_every_page_is_one_jpeg_at_the_scan_resolution(tmp_path: Path) -> None:
    verite = generate_batch(tmp_path / "lot.pdf", PETIT, seed=1)
    with pikepdf.open(tmp_path / "lot.pdf") as pdf:
        assert len(pdf.pages) == len(verite.pages)
        for page in pdf.pages:
            [image] = page.obj.Resources.XObject.values()
            assert image.Filter == "/DCTDecode"
            largeur_pouces = float(page.mediabox[2]) / 72
            assert abs(int(image.Width) / largeur_pouces - 150) < 1


@pytest.mark.parametrize("dpi", [150, 200])
def test_separators_are_real_signed_codes_and_the_foreign_one_is_not_ours(
    tmp_path: Path, dpi: int
) -> None:
    spec = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), dpi=dpi, cas=frozenset({"qr_etranger"}))
    verite = generate_batch(tmp_path / "lot.pdf", spec, seed=3, keyring=KEYRING)
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    with pikepdf.open(tmp_path / "lot.pdf") as pdf:
        for index, page in enumerate(verite.pages):
            if page["role"] not in ("bordereau", "fiche", "attestation", "etranger"):
                continue
            [objet] = pdf.pages[index].obj.Resources.XObject.values()
            image = Image.open(io.BytesIO(objet.read_raw_bytes()))
            textes = [c.text for c in zxingcpp.read_barcodes(image, formats=formats)]
            statuts = [decode(t, KEYRING).status for t in textes]
            if page["role"] == "etranger":
                assert textes and all(s != "ok" for s in statuts)
                assert EPC_QR in textes
            else:
                assert "ok" in statuts, (index, page["role"], statuts)
    assert [p["role"] for p in verite.pages].count("etranger") == 1


def test_every_type_has_a_template_with_its_pages_and_recto_verso() -> None:
    assert {t.code for t in TYPES} <= {type_de(g) for g in MODELES}
    for gabarit, modele in MODELES.items():
        pages = rendre_piece(gabarit, 100, 0)
        assert len(pages) == modele.pages
        assert pages[0].size == (827, 1169)
        if type_piece(modele.code).recto_verso:
            assert modele.pages == 2
    assert MODELES["bail"].pages == 3 and MODELES["avis_imposition"].pages == 2


def _ligne_la_plus_haute(page: Image.Image) -> int:
    """Height in pixels of the tallest band of inked rows in the top 40 % of a page."""
    haut = np.asarray(page.crop((0, 0, page.width, page.height * 2 // 5)))
    plus_haute = bande = 0
    for encre in np.any(haut < 128, axis=1).tolist():
        bande = bande + 1 if encre else 0
        plus_haute = max(plus_haute, bande)
    return plus_haute


def test_continuation_pages_carry_no_big_heading() -> None:
    for gabarit in ("bail", "avis_imposition", "jugement_expulsion", "contrat_travail"):
        premiere, *suite = rendre_piece(gabarit, 150, 1)
        for page in suite:
            assert _ligne_la_plus_haute(page) * 1.25 < _ligne_la_plus_haute(premiere), gabarit


@pytest.mark.parametrize("cas", sorted(CASES))
def test_each_case_gives_the_ground_truth_named_after_it(tmp_path: Path, cas: str) -> None:
    spec = BatchSpec(
        envois=1,
        dossiers_par_envoi=(3, 3),
        pieces_par_dossier=(1, 2),
        demandeurs=0,
        dpi=100,
        cas=frozenset({cas}),
    )
    verite = generate_batch(tmp_path / "lot.pdf", spec, seed=5, keyring=KEYRING)
    roles = verite.roles()
    assert verite.cas == [cas] and cas in verite.cas_decrits
    with pikepdf.open(tmp_path / "lot.pdf") as pdf:
        assert len(pdf.pages) == len(roles)
    statuts = [d["status"] for d in verite.dossiers]
    if cas == "lot_vide":
        assert roles == []
    elif cas == "sans_separateur":
        assert roles and set(roles) == {"orpheline"} and verite.dossiers == []
    elif cas == "orphelines":
        assert roles[:3] == ["orpheline", "orpheline", "bordereau"]
    elif cas == "separateurs_consecutifs":
        assert roles[1:3] == ["fiche", "fiche"] and statuts[0] == "revue_manuelle"
        assert verite.dossiers[0]["pages"] == []
    elif cas == "separateur_en_fin":
        assert roles[-1] == "fiche" and verite.dossiers[-1]["pages"] == []
    elif cas == "fiche_manquante":
        assert len(verite.dossiers) == 2 and roles.count("fiche") == 2
        assert statuts[0] == "revue_manuelle"
        assert verite.envois[0]["declared_dossiers"] == 3
    elif cas == "fiche_manquante_equilibree":
        premier, second = verite.dossiers[:2]
        [envoi] = verite.attendus.values()
        assert [d["numero"] for d in envoi][::2] == [premier["numero"], second["numero"]]
        assert 1 + len(premier["pages"]) == premier["declared_pages"] == envoi[0]["pages"]
        assert statuts[0] == "revue_manuelle" and roles.count("fiche") == 2
        assert {verite.pages[p]["numero"] for p in premier["pages"]} == {
            envoi[0]["numero"],
            envoi[1]["numero"],
        }
    elif cas == "pages_en_trop":
        premier = verite.dossiers[0]
        assert len(premier["pages"]) == premier["declared_pages"] and statuts[0] != "ok"
    elif cas == "feuille_en_double":
        assert roles[1:3] == ["fiche", "fiche"] and len(verite.dossiers) == 3
        assert verite.pages[2]["dossier"] == 0 and statuts == ["ok"] * 3
    elif cas == "qr_degrade":
        assert statuts == ["ok"] * 3
    elif cas == "qr_detruit":
        assert roles.count("illisible") == 1 and len(verite.dossiers) == 2
        illisible = roles.index("illisible")
        assert illisible in verite.dossiers[0]["pages"] and statuts[0] == "revue_manuelle"
    elif cas == "qr_etranger":
        [page] = [p for p in verite.pages if p["role"] == "etranger"]
        assert page["piece"] == ["autre", 1] and statuts == ["ok"] * 3
        assert verite.dossiers[0]["pieces"][0]["gabarit"] == "facture"
    elif cas == "envers":
        assert verite.pages[1]["role"] == "fiche" and verite.pages[1]["envers"]
    else:  # pragma: no cover - a new case needs its expectation here
        raise AssertionError(cas)


def test_declared_counts_match_the_batch(tmp_path: Path) -> None:
    verite = generate_batch(tmp_path / "lot.pdf", PETIT, seed=9, keyring=KEYRING)
    for dossier in verite.dossiers:
        if dossier["kind"] == "fiche":
            assert dossier["declared_pages"] == 1 + len(dossier["pages"])
            assert dossier["declared_documents"] == len(dossier["pieces"])
    for envoi in verite.envois:
        pages = [p for p in verite.pages if p["sending"] == verite.envois.index(envoi)]
        assert envoi["declared_pages"] == len(pages)
        assert envoi["declared_dossiers"] == len(envoi["dossiers"])


def test_duplex_pairs_every_sheet_and_size_targets_are_met(tmp_path: Path) -> None:
    spec = BatchSpec(dpi=100, duplex=True, pages=40)
    verite = generate_batch(tmp_path / "lot.pdf", spec, seed=3, keyring=KEYRING)
    assert len(verite.pages) % 2 == 0 and 30 <= len(verite.pages) <= 60
    for index, page in enumerate(verite.pages):
        assert (page["verso_of"] == index - 1) == (index % 2 == 1)
    assert "blanche" in verite.roles()
    plan = plan_aleatoire(BatchSpec(dossiers=7, demandeurs=0), random.Random(1))
    assert sum(len(e.dossiers) for e in plan) == 7
    assert cotes(plan, duplex=False) == sum(e.bordereau.nb_pages for e in plan if e.bordereau)


@pytest.mark.parametrize("suffixe,bilevel", [(".tif", False), (".tif", True), (".pdf", True)])
def test_tiff_and_bilevel_variants(tmp_path: Path, suffixe: str, bilevel: bool) -> None:
    spec = BatchSpec(envois=1, dossiers_par_envoi=(1, 1), demandeurs=0, bilevel=bilevel)
    verite = generate_batch(tmp_path / f"lot{suffixe}", spec, seed=2)
    if suffixe == ".tif":
        with Image.open(tmp_path / "lot.tif") as tiff:
            assert getattr(tiff, "n_frames", 1) == len(verite.pages)
            assert tiff.mode == ("1" if bilevel else "L")
    else:
        with pikepdf.open(tmp_path / "lot.pdf") as pdf:
            [objet] = pdf.pages[0].obj.Resources.XObject.values()
            assert list(objet.Filter) == ["/CCITTFaxDecode"]


def test_unknown_case_and_bad_resolution_are_refused() -> None:
    with pytest.raises(ValueError, match="cas inconnus"):
        BatchSpec(cas=frozenset({"inexistant"}))
    with pytest.raises(ValueError, match="dpi"):
        BatchSpec(dpi=20)


def test_real_separator_data_can_be_passed(tmp_path: Path) -> None:
    jour = date(2026, 3, 2)
    fiche = fiche_pour(
        construire("013", jour, 42, "G1301"), "NGUYEN", "Claire", date(1990, 1, 2), ("bail",), jour
    )
    plan = [
        EnvoiPlan(bordereau_pour("E013-00042", [fiche], jour), (DossierPlan(fiche, ("bail",)),))
    ]
    verite = generate_batch(tmp_path / "lot.pdf", PETIT, seed=1, keyring=KEYRING, plan=plan)
    assert verite.roles() == ["bordereau", "fiche", "piece", "piece", "piece"]
    assert verite.dossiers[0]["numero"] == "0130326000042G1301"
    assert verite.dossiers[0]["declared_pages"] == 4
    assert verite.envois[0]["envoi"] == "E013-00042"


def test_command_line_writes_a_batch_and_summarises_it_in_french(tmp_path: Path) -> None:
    sortie = tmp_path / "lot.pdf"
    arguments = [str(sortie), "--dossiers", "1", "--demandeurs", "0", "--dpi", "100"]
    resultat = CliRunner().invoke(main, [*arguments, "--cle-de-test", "--case", "envers"])
    assert resultat.exit_code == 0, resultat.output
    assert "Lot écrit" in resultat.output and "fiche récapitulative : 1" in resultat.output
    assert "Cas particuliers : envers." in resultat.output
    assert truth_path(sortie).exists()


def test_degradation_is_scan_like_and_reproducible() -> None:
    [propre] = rendre_piece("quittance_loyer", 100, 0)
    une = degrade.scanner(propre, random.Random(4), degrade.DUR, envers=True)
    deux = degrade.scanner(propre, random.Random(4), degrade.DUR, envers=True)
    assert une.tobytes() == deux.tobytes() and une.size == propre.size
    # Upside down: turned back, the scan looks like the clean page again.
    retournee = degrade.scanner(propre, random.Random(4), degrade.DOUX, envers=True)
    ecart = ImageStat.Stat(ImageChops.difference(retournee.rotate(180), propre)).mean[0]
    assert ecart < 0.8 * ImageStat.Stat(ImageChops.difference(retournee, propre)).mean[0]
    dos = degrade.verso_blanc(propre.size, random.Random(2), propre)
    stat = ImageStat.Stat(dos)
    assert stat.mean[0] > 200 and stat.stddev[0] > 2  # paper with scanner noise, not white
    code = degrade.jpeg(une, 70, 100)
    with Image.open(io.BytesIO(code)) as relue:
        assert relue.format == "JPEG" and relue.info["dpi"] == (100, 100)


@pytest.mark.parametrize("bilevel", [False, True])
def test_long_batches_are_joined_from_slices_into_one_valid_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bilevel: bool
) -> None:
    spec = BatchSpec(envois=1, dossiers_par_envoi=(2, 2), dpi=100, bilevel=bilevel)
    entier = generate_batch(tmp_path / "entier.pdf", spec, seed=6, keyring=KEYRING)
    monkeypatch.setattr(batch, "TRANCHE", 3)
    joint = generate_batch(tmp_path / "joint.pdf", spec, seed=6, keyring=KEYRING)
    assert joint.pages == entier.pages
    with pikepdf.open(tmp_path / "entier.pdf") as a, pikepdf.open(tmp_path / "joint.pdf") as b:
        assert len(a.pages) == len(b.pages) == len(joint.pages)
        for page_a, page_b in zip(a.pages, b.pages, strict=True):
            [image_a] = page_a.obj.Resources.XObject.values()
            [image_b] = page_b.obj.Resources.XObject.values()
            assert image_a.read_raw_bytes() == image_b.read_raw_bytes()
            assert image_a.Filter == image_b.Filter and page_a.mediabox == page_b.mediabox
