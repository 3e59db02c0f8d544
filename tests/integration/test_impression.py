"""Separator documents printed from the database: sendings recorded, QR codes read back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp
from click.testing import CliRunner
from sqlalchemy import func, select

from scanning.qr_payload import (
    AttestationPayload,
    BordereauPayload,
    FichePayload,
    Keyring,
    Payload,
    decode,
    keyring_from_secrets,
)
from sne.cli import main
from sne.config import Settings
from sne.db import make_engine
from sne.documents.cles import keyring_for
from sne.documents.data import FicheData, GuichetData
from sne.documents.fiche import render_fiche
from sne.errors import Conflict, Forbidden, NotFound, SneError
from sne.models import Attestation, Demande, Envoi, EnvoiDemande, Guichet, Historique
from sne.services import demandes, envois, impression, radiation
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande

KEYRING = keyring_from_secrets("secret-de-test")
IDENTIFIANT = re.compile(r"E013-[0-9A-Z]{5,7}")


def enregistrer(ref: Referentiel, foyer: int) -> str:
    return demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=foyer), aujourd_hui=JOUR
    ).numero


def lire_qr(pdf: bytes, page: int, keyring: Keyring = KEYRING) -> Payload:
    """Rasterise one page at 150 dpi in grey as a scanner would; decode and verify its QR code."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[page].render(scale=150 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    lus = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert len(lus) == 1, [lu.text for lu in lus]
    decoded = decode(lus[0].text, keyring)
    assert decoded.ok, decoded.reason
    assert decoded.payload is not None
    return decoded.payload


def textes(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_sending_is_recorded_with_its_counts_and_traced(ref: Referentiel) -> None:
    numeros = [enregistrer(ref, foyer) for foyer in (1, 2, 3)]
    prepare = envois.preparer_envoi(
        ref.uow(), ref.agent, [(numeros[0], 3, 7), (numeros[1], 1, 2), (numeros[2], 5, 12)], JOUR
    )

    assert IDENTIFIANT.fullmatch(prepare.identifiant)
    assert (prepare.guichet, prepare.territoire) == (ref.guichet, "013")
    assert (prepare.nb_dossiers, prepare.nb_pages) == (3, 1 + 7 + 2 + 12)
    assert [(d.rang, d.numero, d.nb_documents, d.nb_pages) for d in prepare.dossiers] == [
        (1, numeros[0], 3, 7),
        (2, numeros[1], 1, 2),
        (3, numeros[2], 5, 12),
    ]
    with ref.uow() as uow:
        envoi = uow.session.scalars(
            select(Envoi).where(Envoi.identifiant == prepare.identifiant)
        ).one()
        assert envoi.statut == "prepare"
        assert envoi.date_transmission == JOUR
        assert (envoi.nb_dossiers, envoi.nb_pages) == (3, 22)
        assert (envoi.guichet_id, envoi.agent_id) == (
            ref.agent.guichet_id,
            ref.agent.utilisateur_id,
        )
        lignes = uow.session.execute(
            select(
                EnvoiDemande.rang, Demande.numero, EnvoiDemande.nb_documents, EnvoiDemande.nb_pages
            )
            .join(Demande, Demande.id == EnvoiDemande.demande_id)
            .where(EnvoiDemande.envoi_id == envoi.id)
            .order_by(EnvoiDemande.rang)
        ).all()
        assert [tuple(ligne) for ligne in lignes] == [
            (1, numeros[0], 3, 7),
            (2, numeros[1], 1, 2),
            (3, numeros[2], 5, 12),
        ]
        traces = uow.session.execute(
            select(Historique.entite, Historique.entite_id, Historique.action).where(
                Historique.action.in_(["preparation", "envoi_pieces"])
            )
        ).all()
        assert ("envoi", prepare.identifiant, "preparation") in traces
        assert {t.entite_id for t in traces if t.action == "envoi_pieces"} == set(numeros)

    autre = envois.preparer_envoi(ref.uow(), ref.agent, [(numeros[0], 1, 2)], JOUR)
    assert autre.identifiant != prepare.identifiant


def _aucun_envoi(ref: Referentiel) -> bool:
    with ref.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Envoi)) == 0


def test_unknown_number_refuses_the_whole_sending(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    with pytest.raises(NotFound) as refus:
        envois.preparer_envoi(
            ref.uow(), ref.agent, [(numero, 1, 2), ("0130326999999G1301", 1, 2)], JOUR
        )
    assert refus.value.code == "NUMERO_INCONNU"
    assert "0130326999999G1301" in refus.value.message
    assert _aucun_envoi(ref)


def test_radiated_demande_cannot_be_in_a_sending(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    with pytest.raises(Conflict) as refus:
        envois.preparer_envoi(ref.uow(), ref.agent, [(numero, 2, 4)], JOUR)
    assert refus.value.code == "DEMANDE_RADIEE"
    assert "radiée" in refus.value.message
    assert _aucun_envoi(ref)


def test_demande_of_another_territory_is_refused(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    vaucluse = Referentiel(ref.uow, territoire="084")
    with pytest.raises(Forbidden) as refus:
        envois.preparer_envoi(ref.uow(), vaucluse.agent, [(numero, 2, 4)], JOUR)
    assert refus.value.code == "HORS_TERRITOIRE"
    assert "territoire 013" in refus.value.message
    with pytest.raises(Forbidden):
        impression.imprimer_attestation(ref.uow(), vaucluse.agent, numero, JOUR, KEYRING)


def test_only_a_guichet_agent_prepares_a_sending(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    for acteur in (ref.gestionnaire, ref.consultant):
        with pytest.raises(Forbidden, match="ne permet pas de préparer un envoi"):
            envois.preparer_envoi(ref.uow(), acteur, [(numero, 2, 4)], JOUR)
    with pytest.raises(Forbidden, match="ne permet pas d'imprimer une fiche"):
        impression.imprimer_fiche(ref.uow(), ref.consultant, numero, 2, 4, JOUR, KEYRING)


@pytest.mark.parametrize(
    ("nb_documents", "nb_pages", "attendu"),
    [
        (0, 2, "au moins un document par dossier"),
        (3, 3, "3 page(s) pour 3 document(s) : il en faut au moins 4"),
        (100, 200, "99 au plus par dossier"),
        (2, 501, "500 au plus par dossier"),
    ],
)
def test_bad_counts_are_refused_with_the_dossier_named(
    ref: Referentiel, nb_documents: int, nb_pages: int, attendu: str
) -> None:
    numero = enregistrer(ref, 1)
    with pytest.raises(SneError) as refus:
        envois.preparer_envoi(
            ref.uow(), ref.agent, [(numero, 1, 2), (numero, nb_documents, nb_pages)], JOUR
        )
    assert refus.value.code == "COMPTES_INVALIDES"
    assert attendu in refus.value.details[f"dossier 2 ({numero})"]
    with pytest.raises(SneError, match=re.escape(attendu)):
        impression.imprimer_fiche(
            ref.uow(), ref.agent, numero, nb_documents, nb_pages, JOUR, KEYRING
        )
    assert _aucun_envoi(ref)


def test_empty_sending_and_twice_the_same_demande_are_refused(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    with pytest.raises(SneError) as vide:
        envois.preparer_envoi(ref.uow(), ref.agent, [], JOUR)
    assert vide.value.details == {"dossiers": "un envoi contient au moins une demande"}
    with pytest.raises(SneError) as double:
        envois.preparer_envoi(ref.uow(), ref.agent, [(numero, 1, 2), (numero, 2, 3)], JOUR)
    assert double.value.code == "COMPTES_INVALIDES"
    assert "déjà déclaré en dossier 1" in double.value.details[f"dossier 2 ({numero})"]
    assert _aucun_envoi(ref)


def test_sending_round_trip_bordereau_then_each_fiche(ref: Referentiel) -> None:
    numeros = [enregistrer(ref, foyer) for foyer in (1, 2)]
    prepare = envois.preparer_envoi(
        ref.uow(), ref.agent, [(numeros[0], 2, 5), (numeros[1], 4, 9)], JOUR
    )
    pdf = impression.imprimer_envoi(ref.uow(), ref.agent, prepare.identifiant.lower(), KEYRING)

    pages = textes(pdf)
    assert len(pages) == 3
    assert "BORDEREAU DE TRANSMISSION" in pages[0]
    with ref.uow() as uow:
        envoi = uow.session.scalars(
            select(Envoi).where(Envoi.identifiant == prepare.identifiant)
        ).one()
        guichet = uow.session.get(Guichet, envoi.guichet_id)
        assert guichet is not None
        assert lire_qr(pdf, 0) == BordereauPayload(
            envoi=envoi.identifiant,
            guichet=guichet.code,
            departement=envoi.territoire_code,
            nb_dossiers=envoi.nb_dossiers,
            nb_pages=envoi.nb_pages,
            date=envoi.date_transmission,
        )
        for dossier in envoi.dossiers:
            assert lire_qr(pdf, dossier.rang) == FichePayload(
                numero=dossier.demande.numero,
                nb_documents=dossier.nb_documents,
                nb_pages=dossier.nb_pages,
                date=envoi.date_transmission,
            )
            assert dossier.demande.numero in pages[dossier.rang]
            assert "NGUYEN" in pages[dossier.rang]

    # Reprinting gives the same codes; another guichet may not; the territory's manager may.
    assert impression.imprimer_envoi(ref.uow(), ref.agent, prepare.identifiant, KEYRING) == pdf
    with pytest.raises(Forbidden, match=f"préparé par le guichet {ref.guichet}"):
        impression.imprimer_envoi(ref.uow(), ref.autre_agent, prepare.identifiant, KEYRING)
    assert impression.imprimer_envoi(ref.uow(), ref.gestionnaire, prepare.identifiant, KEYRING)
    with pytest.raises(NotFound, match="E013-ZZZZZ"):
        impression.imprimer_envoi(ref.uow(), ref.agent, "E013-ZZZZZ", KEYRING)


def test_fiche_round_trip_names_the_agents_guichet(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    pdf = impression.imprimer_fiche(ref.uow(), ref.autre_agent, numero, 3, 7, JOUR, KEYRING)
    assert lire_qr(pdf, 0) == FichePayload(numero=numero, nb_documents=3, nb_pages=7, date=JOUR)
    [texte] = textes(pdf)
    assert "Mairie d'Aubagne (G1302)" in texte
    assert "Claire Thi" in texte


def test_attestation_round_trip_registration_then_renewal(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    pdf = impression.imprimer_attestation(ref.uow(), ref.agent, numero, JOUR, KEYRING)
    assert lire_qr(pdf, 0) == AttestationPayload(numero, JOUR, renouvellement=False)
    assert "ATTESTATION D'ENREGISTREMENT" in textes(pdf)[0]

    renouvele_le = date(2027, 2, 20)
    demandes.renouveler(ref.uow(), ref.agent, numero, aujourd_hui=renouvele_le)
    pdf = impression.imprimer_attestation(
        ref.uow(), ref.gestionnaire, numero, renouvele_le, KEYRING
    )
    payload = lire_qr(pdf, 0)
    assert payload == AttestationPayload(numero, renouvele_le, renouvellement=True)
    assert "ATTESTATION DE RENOUVELLEMENT" in textes(pdf)[0]
    # A reprint the same day records nothing more.
    impression.imprimer_attestation(ref.uow(), ref.agent, numero, renouvele_le, KEYRING)
    with ref.uow() as uow:
        emises = uow.session.execute(
            select(Attestation.type, Attestation.date_emission, Attestation.radiee)
            .join(Demande, Demande.id == Attestation.demande_id)
            .where(Demande.numero == numero)
            .order_by(Attestation.date_emission)
        ).all()
        renouvellement = uow.session.scalar(
            select(Demande.date_renouvellement).where(Demande.numero == numero)
        )
    assert [tuple(e) for e in emises] == [
        ("enregistrement", JOUR, False),
        ("renouvellement", renouvele_le, False),
    ]
    assert renouvellement == renouvele_le


def test_attestation_of_a_radiated_demande_is_printed_and_marked(ref: Referentiel) -> None:
    numero = enregistrer(ref, 1)
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    pdf = impression.imprimer_attestation(ref.uow(), ref.agent, numero, JOUR, KEYRING)
    assert lire_qr(pdf, 0) == AttestationPayload(numero, JOUR, renouvellement=False)
    assert "DEMANDE RADIÉE" in textes(pdf)[0]
    with ref.uow() as uow:
        assert uow.session.scalar(select(Attestation.radiee)) is True
    with pytest.raises(Forbidden, match="ne permet pas de délivrer une attestation"):
        impression.imprimer_attestation(ref.uow(), ref.consultant, numero, JOUR, KEYRING)


def test_keyring_from_settings_still_reads_codes_signed_before_a_rotation(tmp_var: Path) -> None:
    ancien = keyring_from_secrets("ancien-secret")
    settings = Settings(
        database_url="sqlite://",
        var_dir=tmp_var,
        secret_key="nouveau-secret",
        previous_secret_keys={"2025-12": "ancien-secret"},
    )
    fiche = FicheData(
        nom="Martin",
        prenoms="Jean",
        date_naissance=date(1970, 1, 4),
        numero="0130326000003G1301",
        nb_documents=1,
        nb_pages=2,
        date_remplissage=JOUR,
        guichet=GuichetData("G1301", "Habitat Marseille Provence"),
    )
    pdf = render_fiche(fiche, ancien)
    assert isinstance(lire_qr(pdf, 0, keyring_for(settings)), FichePayload)
    assert keyring_for(settings).current_id != ancien.current_id


def test_print_commands_on_demo_data(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SNE_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}

    def sne(*args: str) -> str:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    sne("demo", "--demandes", "5", "--date", "2026-03-16")
    engine = make_engine(f"sqlite:///{tmp_path / 'sne.sqlite3'}")
    try:
        with engine.connect() as connection:
            premiere, seconde = connection.scalars(
                select(Demande.numero).where(Demande.statut == "active").order_by(Demande.id)
            ).all()[:2]
    finally:
        engine.dispose()
    keyring = keyring_for(Settings.from_env(env))
    documents = tmp_path / "documents"

    sortie = sne(
        "print",
        "envoi",
        "--demande",
        f"{premiere}:2:5",
        "--demande",
        f"{seconde}:1:3",
        "--as",
        "agent.nord",
        "--date",
        "2026-03-16",
    )
    identifiant = re.search(r"Envoi (E013-[0-9A-Z]+) préparé", sortie)
    assert identifiant, sortie
    assert "2 dossier(s), 9 pages déclarées" in sortie
    assert "(3 pages : le bordereau puis une fiche par dossier)" in sortie
    pdf = (documents / f"envoi-{identifiant[1]}.pdf").read_bytes()
    assert lire_qr(pdf, 0, keyring) == BordereauPayload(
        identifiant[1], "G1301", "013", 2, 9, date(2026, 3, 16)
    )
    assert lire_qr(pdf, 2, keyring) == FichePayload(seconde, 1, 3, date(2026, 3, 16))

    sortie = sne(
        "print", "attestation", premiere, "--as", "agent.mairie", "--out", str(tmp_path / "a.pdf")
    )
    assert f"{tmp_path / 'a.pdf'} (2 pages)" in sortie
    attestation = lire_qr((tmp_path / "a.pdf").read_bytes(), 0, keyring)
    assert isinstance(attestation, AttestationPayload) and attestation.numero == premiere

    sortie = sne(
        "print",
        "fiche",
        seconde,
        "--documents",
        "4",
        "--pages",
        "9",
        "--as",
        "agent.nord",
        "--date",
        "2026-03-17",
    )
    fiche = documents / f"fiche-{seconde}-20260317.pdf"
    assert str(fiche) in sortie
    assert lire_qr(fiche.read_bytes(), 0, keyring) == FichePayload(seconde, 4, 9, date(2026, 3, 17))

    refus = runner.invoke(
        main,
        ["print", "fiche", seconde, "--documents", "4", "--pages", "4", "--as", "agent.nord"],
        env=env,
    )
    assert refus.exit_code == 1
    assert "Refusé [COMPTES_INVALIDES]" in refus.output
    mal_forme = runner.invoke(
        main, ["print", "envoi", "--demande", seconde, "--as", "agent.nord"], env=env
    )
    assert mal_forme.exit_code == 2
    assert "NUMERO:DOCUMENTS:PAGES attendu" in mal_forme.output
