"""Scanned batches: intake, duplicate deposits, matching failures, idempotent attachment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from demo.envoi import preparer
from scanning.manifest import Dossier, Envoi, Manifest, Role
from sne.config import Settings
from sne.documents.cles import keyring_for
from sne.errors import Forbidden, SneError
from sne.models import Demande, Lot, LotDossier, Piece
from sne.services import lots, radiation
from sne.services.rattachement import rapprocher
from sne.uow import UnitOfWork
from tests.factories import (
    JOUR,
    OPERATEUR,
    Chaine,
    Referentiel,
    deposer_envoi,
    pdf_valide,
)
from tests.factories import enregistrer_demande as _demande
from workers.jobs import traiter_lot


def _pdf(path: Path) -> Path:
    return pdf_valide(path, pages=2)


# Intake ------------------------------------------------------------------------------------


def test_intake_stores_the_original_by_hash_and_queues_after_commit(
    ref: Referentiel, tmp_path: Path
) -> None:
    queued: list[int] = []
    source = _pdf(tmp_path / "lot.pdf")
    recu = lots.deposer(
        ref.uow(),
        OPERATEUR,
        source,
        canal="courrier_guichet",
        storage=tmp_path / "storage",
        enqueue=queued.append,
        guichet=ref.guichet,
        recu_le=datetime(2026, 3, 20, 9, 0),  # a Friday
    )
    assert queued == [recu.id]
    stored = tmp_path / "storage" / f"lots/{recu.sha256}.pdf"
    assert stored.read_bytes() == source.read_bytes()
    assert recu.echeance == date(2026, 3, 24)  # two working days: Monday, Tuesday
    with ref.uow() as uow:
        lot = uow.session.get(Lot, recu.id)
        assert lot is not None
        assert (lot.canal, lot.statut, lot.territoire_code) == ("courrier_guichet", "recu", "013")


def test_a_second_deposit_of_the_same_file_is_recognised_and_not_processed(
    ref: Referentiel, tmp_path: Path
) -> None:
    queued: list[int] = []
    source = _pdf(tmp_path / "lot.pdf")
    kwargs = {"canal": "courrier_demandeur", "storage": tmp_path / "s", "enqueue": queued.append}
    premier = lots.deposer(ref.uow(), OPERATEUR, source, **kwargs)  # type: ignore[arg-type]  # kwargs typed loosely
    copie = tmp_path / "encore.pdf"
    copie.write_bytes(source.read_bytes())
    second = lots.deposer(ref.uow(), OPERATEUR, copie, **kwargs)  # type: ignore[arg-type]  # idem
    assert second.doublon_de == premier.id
    assert queued == [premier.id]


def test_intake_refuses_bad_files_and_roles_in_french(ref: Referentiel, tmp_path: Path) -> None:
    with pytest.raises(lots.LotInvalide, match="ni un PDF ni un TIFF"):
        lots.deposer(
            ref.uow(),
            OPERATEUR,
            _pdf(tmp_path / "lot.docx"),
            canal="courrier_guichet",
            storage=tmp_path,
            enqueue=lambda _: None,
        )
    with pytest.raises(Forbidden, match="ne permet pas de déposer"):
        lots.deposer(
            ref.uow(),
            ref.consultant,
            _pdf(tmp_path / "lot.pdf"),
            canal="courrier_guichet",
            storage=tmp_path,
            enqueue=lambda _: None,
        )


def _refus(ref: Referentiel, fichier: Path, storage: Path) -> str:
    """Deposit ``fichier`` expecting a refusal; check nothing was recorded nor stored."""
    avant = fichier.read_bytes()
    queued: list[int] = []
    with pytest.raises(SneError) as refus:
        lots.deposer(
            ref.uow(),
            OPERATEUR,
            fichier,
            canal="courrier_demandeur",
            storage=storage,
            enqueue=queued.append,
            territoire="013",
        )
    assert fichier.read_bytes() == avant and queued == []
    assert not storage.exists() or not any(storage.rglob("*.*"))
    with ref.uow() as unit:
        assert unit.session.scalar(select(func.count()).select_from(Lot)) == 0
    return f"{refus.value.code} {refus.value.message}"


def test_a_file_that_cannot_be_processed_is_refused_at_once_and_nothing_is_recorded(
    ref: Referentiel, tmp_path: Path
) -> None:
    import pikepdf

    storage = tmp_path / "storage"
    faux = tmp_path / "faux.pdf"
    faux.write_bytes(b"Ceci est un courrier, pas un PDF.")
    assert "DEPOT_FORMAT_INCONNU" in _refus(ref, faux, storage)
    abime = tmp_path / "abime.pdf"
    abime.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>")
    assert _refus(ref, abime, storage).endswith(
        "est refusé : le PDF est endommagé et ne peut pas être ouvert."
    )
    protege = tmp_path / "protege.pdf"
    with pikepdf.open(pdf_valide(tmp_path / "clair.pdf", pages=3)) as pdf:
        pdf.save(protege, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    assert "mot de passe" in _refus(ref, protege, storage)
    vide = tmp_path / "vide.pdf"
    with pikepdf.new() as pdf:
        pdf.save(vide)
    assert "DEPOT_VIDE" in _refus(ref, vide, storage)
    # A 48-page batch cut in the middle: never half processed, refused with the reason.
    entier = pdf_valide(tmp_path / "entier.pdf", pages=48)
    tronque = tmp_path / "tronque.pdf"
    tronque.write_bytes(entier.read_bytes()[: entier.stat().st_size // 2])
    message = _refus(ref, tronque, storage)
    assert "DEPOT_PDF_INCOMPLET" in message and "tronqué" in message


def test_a_whole_batch_passes_the_checks(ref: Referentiel, tmp_path: Path) -> None:
    from sne.services.controle_depot import verifier_lot

    assert verifier_lot(pdf_valide(tmp_path / "entier.pdf", pages=48)) == 48


# Matching ----------------------------------------------------------------------------------


def _manifest(numero: str, *, envoi: str | None = None, guichet: str = "G1301") -> Manifest:
    envois = (Envoi(0, 0, envoi, guichet, "013", 1, 5, "2026-03-16", (0,)),) if envoi else ()
    dossier = Dossier(0, Role.FICHE, numero, 1, (2, 3), sending=0 if envoi else None)
    return Manifest("lot.pdf", "x", 4, (), envois=envois, dossiers=(dossier,))


def _lot(territoire: str = "013", guichet_id: int | None = None) -> Lot:
    return Lot(territoire_code=territoire, guichet_id=guichet_id)


def test_matching_an_active_demande_of_the_territory(ref: Referentiel) -> None:
    numero = _demande(ref)
    manifest = _manifest(numero)
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, manifest.dossiers[0])
    assert issue.statut == "rattache" and issue.demande_id is not None


def test_unknown_numero_waits_for_an_operator(ref: Referentiel) -> None:
    manifest = _manifest("013032600000999G1301")
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, manifest.dossiers[0])
    assert issue.statut == "en_attente" and "Numéro unique inconnu" in (issue.motif or "")


def test_radiated_demande_waits(ref: Referentiel) -> None:
    numero = _demande(ref)
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    manifest = _manifest(numero)
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, manifest.dossiers[0])
    assert issue.statut == "en_attente" and "n'est pas active (radiee)" in (issue.motif or "")


def test_demande_of_another_territory_waits(ref: Referentiel) -> None:
    numero = _demande(ref)
    manifest = _manifest(numero)
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot("083"), manifest, manifest.dossiers[0])
    assert issue.statut == "en_attente" and "territoire 013" in (issue.motif or "")


def test_sending_of_another_guichet_waits(ref: Referentiel) -> None:
    numero = _demande(ref)
    identifiant = preparer(ref.uow, ref.agent, [numero], [("carte_identite",)], JOUR)
    manifest = _manifest(numero, envoi=identifiant, guichet=ref.autre_guichet)
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, manifest.dossiers[0])
    assert issue.statut == "en_attente"
    assert f"préparé par le guichet {ref.guichet}" in (issue.motif or "")


def test_demande_not_in_the_recorded_sending_waits(ref: Referentiel) -> None:
    numero, autre = _demande(ref), _demande(ref, foyer=1)
    identifiant = preparer(ref.uow, ref.agent, [numero], [("carte_identite",)], JOUR)
    manifest = _manifest(autre, envoi=identifiant)
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, manifest.dossiers[0])
    assert issue.statut == "en_attente" and "ne figure pas dans l'envoi" in (issue.motif or "")


def test_identity_read_on_the_page_must_match_the_applicant(ref: Referentiel) -> None:
    numero = _demande(ref)
    dossier = Dossier(0, Role.ATTESTATION, numero, 1, (2,), nom="DUPONT")
    manifest = Manifest("lot.pdf", "x", 3, (), dossiers=(dossier,))
    with ref.uow() as uow:
        issue = rapprocher(uow.session, _lot(), manifest, dossier)
        bon = rapprocher(
            uow.session,
            _lot(),
            manifest,
            Dossier(0, Role.ATTESTATION, numero, 1, (2,), nom="NGUYEN"),
        )
    assert issue.statut == "en_attente" and "ne correspond pas" in (issue.motif or "")
    assert bon.statut == "rattache"


def test_date_of_birth_read_on_a_fiche_must_match_bar_one_misread_digit(
    ref: Referentiel,
) -> None:
    numero = _demande(ref)  # the applicant was born on 2 May 1988

    def issue(naissance: str) -> str:
        dossier = Dossier(0, Role.FICHE, numero, 1, (2,), nom="NGUYEN", naissance=naissance)
        manifest = Manifest("lot.pdf", "x", 3, (), dossiers=(dossier,))
        with ref.uow() as uow:
            resultat = rapprocher(uow.session, _lot(), manifest, dossier)
        return resultat.motif or resultat.statut

    assert issue("1988-05-02") == "rattache"
    assert issue("1988-05-08") == "rattache"  # one digit misread by OCR
    assert issue("1979-11-02") == (
        f"La date de naissance lue sur la fiche (02/11/1979) ne correspond pas au demandeur "
        f"de la demande {numero}."
    )


# Whole pipeline (in-process, on a committed SQLite database) --------------------------------


def test_a_scanned_sending_lands_in_its_dossiers_once_even_when_run_again(
    chaine: Chaine, tmp_path: Path
) -> None:
    settings, uow, _ref, ctx = chaine
    lot_id = deposer_envoi(chaine, tmp_path)
    traiter_lot(ctx, lot_id)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        assert (lot.statut, lot.dossiers_faits, lot.dossiers_total) == ("traite", 2, 2)
        assert lot.pages_faites == lot.pages_total > 0
        pieces = unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all()
        assert pieces and all((settings.storage / (p.storage_key or "")).is_file() for p in pieces)
        assert {p.demande_id for p in pieces} == set(unit.session.scalars(select(Demande.id)).all())
        avant = len(pieces)
        # A crash after the pieces but before the dossier's record: the re-run must not duplicate.
        unit.session.execute(delete(LotDossier).where(LotDossier.lot_id == lot_id))
        lot.statut, lot.dossiers_faits = "en_cours", 0
        unit.commit()
    traiter_lot(ctx, lot_id)
    traiter_lot(ctx, lot_id)
    with uow() as unit:
        compte = unit.session.scalar(select(func.count()).where(Piece.lot_id == lot_id))
        assert compte == avant
        assert unit.session.scalar(select(func.count()).where(LotDossier.lot_id == lot_id)) == 2

    from click.testing import CliRunner

    from sne.cli import main

    env = {"SNE_VAR_DIR": str(settings.var_dir), "DATABASE_URL": settings.database_url}
    sortie = CliRunner().invoke(main, ["lots", "show", str(lot_id)], env=env)
    assert sortie.exit_code == 0, sortie.output
    assert "2/2 dossiers" in sortie.output and "dossier 1" in sortie.output
    assert "rattaché, 1 pièce(s)" in sortie.output or "rattaché, 2 pièce(s)" in sortie.output
    liste = CliRunner().invoke(main, ["lots", "list"], env=env)
    assert liste.exit_code == 0 and "traité" in liste.output


def test_ocr_reads_the_numero_and_name_printed_on_an_attestation(
    ref: Referentiel, tmp_path: Path
) -> None:
    import subprocess

    from PIL import Image

    from scanning.imprime import analyser, ocr
    from scanning.qr_payload import keyring_from_secrets
    from sne.services import impression

    numero = _demande(ref)
    pdf = impression.imprimer_attestation(
        ref.uow(), ref.agent, numero, JOUR, keyring_from_secrets("k" * 40)
    )
    (tmp_path / "attestation.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "attestation.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as image:
        lecture = analyser(ocr(image))
    assert lecture.attestation and lecture.numero == numero
    assert lecture.nom is not None and "NGUYEN" in lecture.nom.upper()


def _courrier_demandeur(
    uow: Callable[[], UnitOfWork], numero: str, settings: Settings, chemin: Path
) -> Path:
    """An applicant's mail: attestation page 1 with a destroyed QR code, then an identity card."""
    import io
    import random

    import img2pdf

    from sne.services.demandes import charger
    from sne.services.impression import attestation_data
    from synth import pieces, separators

    with uow() as unit:
        data = attestation_data(charger(unit.session, numero), JOUR)
    feuille = separators.feuille(data, keyring_for(settings), 150)
    pages = [separators.abimer_qr(feuille, random.Random(3), detruire=True)]
    pages += pieces.rendre_piece("carte_identite", 150, 0)
    encodees = []
    for page in pages:
        tampon = io.BytesIO()
        page.convert("L").save(tampon, "JPEG", quality=85, dpi=(150, 150))
        encodees.append(tampon.getvalue())
    chemin.write_bytes(img2pdf.convert(encodees))
    return chemin


def test_an_attestation_with_an_unreadable_qr_is_matched_by_its_printed_number_and_name(
    chaine: Chaine, tmp_path: Path
) -> None:
    settings, uow, ref, ctx = chaine
    numero = _demande(ref)
    chemin = _courrier_demandeur(uow, numero, settings, tmp_path / "courrier.pdf")
    lot_id = lots.deposer(
        uow(),
        OPERATEUR,
        chemin,
        canal="courrier_demandeur",
        storage=settings.storage,
        enqueue=lambda _: None,
    ).id
    traiter_lot(ctx, lot_id)
    with uow() as unit:
        (dossier,) = unit.session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id))
        assert (dossier.numero, dossier.statut) == (numero, "rattache"), dossier.motif
        pieces = unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all()
        assert sorted(p for piece in pieces for p in piece.pages_lot or []) == [1, 2]
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.manifest is not None and lot.statut == "traite"
        assert "attestation_lue_par_ocr" in {a["code"] for a in lot.manifest["anomalies"]}


def test_an_operator_re_runs_unfinished_batches_from_the_command_line(
    chaine: Chaine, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from sne.cli import main

    settings, uow, _ref, _ = chaine
    lot_id = deposer_envoi(chaine, tmp_path)  # received, never processed
    env = {
        "SNE_VAR_DIR": str(settings.var_dir),
        "DATABASE_URL": settings.database_url,
        "SNE_SECRET_KEY": settings.secret_key,
    }
    sortie = CliRunner().invoke(main, ["lots", "relancer"], env=env)
    assert sortie.exit_code == 0, sortie.output
    assert f"lot n° {lot_id} relancé" in sortie.output
    with uow() as unit:  # without Redis the job ran in this process
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and (lot.statut, lot.dossiers_faits) == ("traite", 2)
    encore = CliRunner().invoke(main, ["lots", "relancer"], env=env)
    assert encore.exit_code == 0 and "Aucun lot inachevé." in encore.output


def test_a_fiche_printed_before_the_applicant_s_name_changed_waits_for_an_operator(
    chaine: Chaine, tmp_path: Path
) -> None:
    from sne.models import Personne

    _settings, uow, _ref, ctx = chaine
    lot_id = deposer_envoi(chaine, tmp_path)
    with uow() as unit:  # the birth name was corrected after the fiches were printed
        premier = unit.session.scalars(select(Demande).order_by(Demande.id)).first()
        assert premier is not None and premier.demandeur is not None
        unit.session.get(Personne, premier.demandeur.id).nom_naissance = "Lefort"  # type: ignore[union-attr]
        unit.commit()
    traiter_lot(ctx, lot_id)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.statut == "a_revoir"
        dossiers = {d.numero: d for d in lot.dossiers}
        attente = dossiers[premier.numero]
        assert attente.statut == "en_attente"
        assert attente.motif == (
            f"Le nom lu sur la page (NGUYEN) ne correspond pas au demandeur "
            f"de la demande {premier.numero}."
        )
        assert [d.statut for d in dossiers.values()].count("rattache") == 1
