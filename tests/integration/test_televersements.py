"""Pieces an applicant uploads on the public portal: checked, classified, attached, mailed."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from sne.acteurs import PORTAIL
from sne.errors import Forbidden, NotFound
from sne.models import Lot, Piece
from sne.services import lots, radiation
from synth.batch import photo_piece
from tests.factories import JOUR, OPERATEUR, Chaine, pdf_valide
from tests.factories import enregistrer_demande as _demande
from workers.enqueue import enqueue_traiter_lot
from workers.jobs import traiter_lot
from workers.queue import InProcessQueue


def _photo(path: Path) -> Path:
    """A phone-like photo of a rent receipt: skewed a little, noisy, JPEG-compressed."""
    path.write_bytes(photo_piece("quittance_loyer", graine=3))
    return path


def _deposer(chaine: Chaine, numero: str, fichier: Path, type_declare: str | None = None) -> int:
    settings, uow, _, ctx = chaine
    queue = InProcessQueue(settings, ctx.session_factory)
    recu = lots.deposer(
        uow(),
        PORTAIL,
        fichier,
        canal="portail_demandeur",
        storage=settings.storage,
        enqueue=lambda lot_id: enqueue_traiter_lot(queue, lot_id),
        numero=numero,
        type_declare=type_declare,
    )
    assert queue.failures == []
    return recu.id


def _piece(chaine: Chaine, lot_id: int) -> Piece:
    """The one piece the upload ``lot_id`` attached (detached, its columns loaded)."""
    with chaine[1]() as unit:
        [piece] = unit.session.scalars(select(Piece).where(Piece.lot_id == lot_id)).all()
        unit.session.expunge(piece)
        return piece


def _mail(chaine: Chaine) -> Message:
    settings = chaine[0]
    [fichier] = settings.outbox.glob("*.eml")
    return message_from_bytes(fichier.read_bytes())


def _texte(mail: Message) -> str:
    for partie in mail.walk():
        if partie.get_content_type() == "text/plain":
            charge = partie.get_payload(decode=True)
            assert isinstance(charge, bytes)
            return charge.decode(partie.get_content_charset() or "utf-8")
    raise AssertionError("pas de texte brut")


def test_an_uploaded_photo_lands_in_the_dossier_and_the_applicant_is_told(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    settings, uow, ref, _ = chaine
    numero = _demande(ref)
    photo = _photo(tmp_path / "IMG_2031.jpg")
    lot_id = _deposer(chaine, numero, photo, "quittance_loyer")
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and lot.statut == "traite"
        assert (settings.storage / lot.storage_key).read_bytes() == photo.read_bytes()
    piece = _piece(chaine, lot_id)
    assert (piece.type, piece.statut, piece.canal) == (
        "quittance_loyer",
        "classee",
        "portail_demandeur",
    )
    assert piece.taille <= 2_000_000 and piece.pages == 1
    assert (settings.storage / (piece.storage_key or "")).read_bytes().startswith(b"%PDF-")
    mail = _mail(chaine)
    assert mail["To"] == "claire.nguyen@example.fr"
    texte = _texte(mail)
    assert "IMG_2031.jpg" in texte and "Pièces téléversées" in texte
    assert "Quittance de loyer (1 page)" in texte
    assert mail.get_content_type() == "multipart/alternative"


def test_an_unreadable_upload_is_rejected_with_its_reason_and_the_original_kept(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    from PIL import Image

    settings, uow, ref, _ = chaine
    numero = _demande(ref)
    blanche = tmp_path / "scan.png"
    Image.new("L", (1240, 1754), 250).save(blanche, dpi=(150, 150))
    lot_id = _deposer(chaine, numero, blanche)
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None and (settings.storage / lot.storage_key).is_file()
    piece = _piece(chaine, lot_id)
    assert piece.statut == "rejetee" and piece.storage_key is None
    assert piece.motif_rejet is not None and "illisible" in piece.motif_rejet
    texte = _texte(_mail(chaine))
    assert "Pièces rejetées" in texte and "illisible" in texte


def test_a_declared_type_the_text_contradicts_waits_for_an_operator(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    numero = _demande(chaine[2])
    lot_id = _deposer(chaine, numero, _photo(tmp_path / "doc.jpg"), "avis_imposition")
    piece = _piece(chaine, lot_id)
    assert (piece.type, piece.statut) == ("quittance_loyer", "a_qualifier")


def test_the_same_file_twice_for_one_demande_is_a_duplicate_not_for_another(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    settings, uow, ref, _ = chaine
    numero, autre = _demande(ref), _demande(ref, foyer=1)
    photo = _photo(tmp_path / "quittance.jpg")
    premier = _deposer(chaine, numero, photo)
    traites: list[int] = []
    encore = lots.deposer(
        uow(),
        PORTAIL,
        photo,
        canal="portail_demandeur",
        storage=settings.storage,
        enqueue=traites.append,
        numero=numero,
    )
    assert encore.doublon_de == premier and traites == []
    ailleurs = lots.deposer(
        uow(),
        PORTAIL,
        photo,
        canal="portail_demandeur",
        storage=settings.storage,
        enqueue=traites.append,
        numero=autre,
    )
    assert ailleurs.doublon_de is None and traites == [ailleurs.id]


def test_uploads_are_refused_in_french_before_anything_is_stored(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    settings, uow, ref, _ = chaine
    numero = _demande(ref)
    photo = _photo(tmp_path / "quittance.jpg")

    def deposer(**options: object) -> None:
        arguments: dict[str, object] = {
            "canal": "portail_demandeur",
            "storage": settings.storage,
            "enqueue": lambda _: None,
            "numero": numero,
        }
        arguments.update(options)
        acteur = arguments.pop("acteur", PORTAIL)
        fichier = arguments.pop("fichier", photo)
        lots.deposer(uow(), acteur, fichier, **arguments)  # type: ignore[arg-type]

    with pytest.raises(NotFound, match="Numéro unique inconnu"):
        deposer(numero="013032600000999G1301")
    with pytest.raises(lots.LotInvalide, match="Précisez le numéro unique"):
        deposer(numero=None)
    with pytest.raises(lots.LotInvalide, match="Type de pièce inconnu"):
        deposer(type_declare="photo_de_vacances")
    executable = tmp_path / "quittance.pdf"
    executable.write_bytes(b"MZ\x90\x00 not a document")
    with pytest.raises(lots.LotInvalide, match="ni un PDF, ni une image JPEG"):
        deposer(fichier=executable)
    protege = tmp_path / "protege.pdf"
    with pikepdf.open(pdf_valide(tmp_path / "clair.pdf")) as pdf:
        pdf.save(protege, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(lots.LotInvalide, match="mot de passe") as refus:
        deposer(fichier=protege)
    assert refus.value.code == "DEPOT_PDF_CHIFFRE"
    with pytest.raises(Forbidden, match="ne permet pas de déposer"):
        deposer(acteur=ref.agent)
    with pytest.raises(lots.LotInvalide, match="portail grand public"):
        deposer(canal="courrier_demandeur", acteur=OPERATEUR, territoire="013")
    radiation.radier(uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    with pytest.raises(lots.LotInvalide, match="n'est pas active"):
        deposer()
    assert not (settings.storage / "lots").exists()  # nothing was taken in


def test_an_upload_is_processed_again_without_a_second_piece(
    chaine: Chaine,
    tmp_path: Path,
) -> None:
    _, uow, ref, ctx = chaine
    numero = _demande(ref)
    lot_id = _deposer(chaine, numero, _photo(tmp_path / "quittance.jpg"))
    with uow() as unit:
        lot = unit.session.get(Lot, lot_id)
        assert lot is not None
        lot.statut = "en_cours"  # as after a crash before the end
        unit.commit()
    traiter_lot(ctx, lot_id)
    _piece(chaine, lot_id)  # still exactly one
