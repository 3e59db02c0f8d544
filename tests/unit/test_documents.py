"""Printed documents: render, rasterise as a scanner would, read the QR code back."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp

from scanning.qr_payload import (
    AttestationPayload,
    BordereauPayload,
    FichePayload,
    Payload,
    decode,
    keyring_from_secrets,
)
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_bordereau, render_envoi
from sne.documents.data import (
    AttestationData,
    BordereauData,
    FicheData,
    GuichetData,
    LigneBordereau,
)
from sne.documents.fiche import render_fiche
from sne.documents.layout import imprimable

KEYRING = keyring_from_secrets("secret-de-test")
GUICHET = GuichetData(
    "G1104", "Mairie de Marseille – Service logement", ("2 quai du Port", "13002 Marseille")
)
ADRESSE = ("Service de numérisation SNE", "TSA 12345", "13999 MARSEILLE CEDEX 20")


def attestation(**overrides: object) -> AttestationData:
    values: dict[str, object] = {
        "numero": "0130318016982G1104",
        "renouvellement": False,
        "civilite": "Mme",
        "nom": "Lefèvre-Cœurderoy",
        "prenoms": "Anne Joséphine",
        "date_naissance": date(1985, 4, 12),
        "adresse": ("14 rue de la République", "13001 Marseille"),
        "guichet": GUICHET,
        "territoire": "Bouches-du-Rhône (013)",
        "date_depot": date(2023, 3, 2),
        "date_renouvellement": None,
        "date_expiration": date(2024, 3, 2),
        "date_emission": date(2023, 3, 15),
    }
    values.update(overrides)
    return AttestationData(**values)  # type: ignore[arg-type]


def fiche(rang: int = 1) -> FicheData:
    return FicheData(
        nom="Martin",
        prenoms="Jean Édouard",
        date_naissance=date(1970, 1, rang % 28 + 1),
        numero=f"0130318{rang:06d}G1104",
        nb_documents=3 + rang % 4,
        nb_pages=6 + rang % 5,
        date_remplissage=date(2024, 3, 15),
        guichet=GUICHET,
    )


def bordereau(fiches: list[FicheData]) -> BordereauData:
    return BordereauData(
        envoi="E0000042",
        guichet=GUICHET,
        departement="013",
        nb_dossiers=len(fiches),
        nb_pages=1 + sum(f.nb_pages for f in fiches),
        date_transmission=date(2024, 3, 15),
        lignes=tuple(LigneBordereau(f.numero, f.nom, f.nb_pages) for f in fiches),
    )


def scan(pdf: bytes, page: int, dpi: int) -> list[str]:
    """Rasterise one page in grey like an office scanner, return the QR texts found."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [result.text for result in found]


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def read_back(pdf: bytes, page: int, dpi: int) -> Payload:
    texts = scan(pdf, page, dpi)
    assert len(texts) == 1, texts
    decoded = decode(texts[0], KEYRING)
    assert decoded.ok, decoded.reason
    assert decoded.payload is not None
    return decoded.payload


@pytest.mark.parametrize("dpi", [150, 200])
def test_fiche_round_trip(dpi: int) -> None:
    data = fiche(7)
    pdf = render_fiche(data, KEYRING, adresse_numerisation=ADRESSE)
    assert read_back(pdf, 0, dpi) == FichePayload(
        numero=data.numero, nb_documents=6, nb_pages=8, date=date(2024, 3, 15)
    )


def test_fiche_text_layer() -> None:
    data = fiche(7)
    [texte] = page_texts(render_fiche(data, KEYRING, adresse_numerisation=ADRESSE))
    for attendu in (
        "FICHE RÉCAPITULATIVE",
        data.numero,
        "MARTIN",
        "Jean Édouard",
        "Nombre de documents transmis",
        "Nombre de pages y compris la présente fiche",
        "Date de remplissage",
        "15/03/2024",
        "TSA 12345",
        "recto et le verso",
    ):
        assert attendu in texte, attendu


@pytest.mark.parametrize("dpi", [150, 200])
@pytest.mark.parametrize("renouvellement", [False, True])
def test_attestation_round_trip_on_page_1(dpi: int, renouvellement: bool) -> None:
    data = attestation(
        renouvellement=renouvellement,
        date_renouvellement=date(2024, 3, 1) if renouvellement else None,
        date_emission=date(2024, 3, 15),
    )
    pdf = render_attestation(data, KEYRING)
    assert read_back(pdf, 0, dpi) == AttestationPayload(
        "0130318016982G1104", date(2024, 3, 15), renouvellement
    )
    assert scan(pdf, 1, 150) == []


def test_attestation_text_layer_has_what_r441_2_4_asks() -> None:
    pdf = render_attestation(attestation(delai_anormalement_long_mois=30), KEYRING)
    page_1, page_2 = page_texts(pdf)
    for attendu in (
        "ATTESTATION D'ENREGISTREMENT",
        "0130318016982G1104",
        "Numéro unique",
        "Service ayant enregistré la demande",
        "Mairie de Marseille – Service logement (G1104)",
        "Date de dépôt (ancienneté de la demande)",
        "02/03/2023",
        "Date du dernier renouvellement",
        "Date d'expiration de la demande",
        "02/03/2024",
        "LEFÈVRE-CŒURDEROY",
        "Photocopiez cette page 1",
        "TSA 00000",
    ):
        assert attendu in page_1, attendu
    assert "Comment renouveler votre demande" in page_2
    assert "30 mois" in page_2


def test_radiated_attestation_is_readable_and_decodes() -> None:
    pdf = render_attestation(attestation(radiee=True), KEYRING)
    assert "DEMANDE RADIÉE" in page_texts(pdf)[0]
    assert read_back(pdf, 0, 150) == AttestationPayload(
        "0130318016982G1104", date(2023, 3, 15), False
    )


@pytest.mark.parametrize("dpi", [150, 200])
def test_bordereau_round_trip(dpi: int) -> None:
    fiches = [fiche(rang) for rang in range(1, 4)]
    pdf = render_bordereau(bordereau(fiches), KEYRING)
    assert read_back(pdf, 0, dpi) == BordereauPayload(
        "E0000042", "G1104", "013", 3, 1 + sum(f.nb_pages for f in fiches), date(2024, 3, 15)
    )
    [texte] = page_texts(pdf)
    for attendu in (
        "BORDEREAU DE TRANSMISSION",
        "Numéro du guichet",
        "Numéro de département du guichet",
        "Nombre de dossiers transmis",
        "Date de transmission",
        fiches[2].numero,
    ):
        assert attendu in texte, attendu


def test_envoi_is_the_bordereau_then_one_fiche_per_demand() -> None:
    fiches = [fiche(rang) for rang in range(1, 51)]
    pdf = render_envoi(bordereau(fiches), fiches, KEYRING)
    texts = page_texts(pdf)
    assert len(texts) == 1 + len(fiches)
    assert "BORDEREAU DE TRANSMISSION" in texts[0]
    # Every dossier of a 50-demand sending is listed on the one-page bordereau.
    assert all(f.numero in texts[0] for f in fiches)
    assert isinstance(read_back(pdf, 0, 150), BordereauPayload)
    for page in (1, 25, 50):
        assert fiches[page - 1].numero in texts[page]
        assert read_back(pdf, page, 150) == FichePayload(
            fiches[page - 1].numero,
            fiches[page - 1].nb_documents,
            fiches[page - 1].nb_pages,
            date(2024, 3, 15),
        )


def test_long_sending_lists_what_fits_and_says_how_many_more() -> None:
    fiches = [fiche(rang) for rang in range(1, 121)]
    [texte] = page_texts(render_bordereau(bordereau(fiches), KEYRING))
    assert fiches[0].numero in texte
    assert "autres dossiers : voir leurs fiches récapitulatives" in texte


def test_printable_text_keeps_french_and_replaces_the_rest() -> None:
    assert imprimable("Cœur « Œuvre » – l’été… 12\u202f€") == "Cœur « Œuvre » – l’été… 12\u00a0€"
    # Embedded DejaVu prints other Latin, Greek and Cyrillic names as written.
    assert imprimable("Łódź Čapek Ελένη Дмитрий") == "Łódź Čapek Ελένη Дмитрий"
    assert imprimable("中") == "?"


@pytest.mark.parametrize("kind", ["attestation", "fiche", "bordereau"])
def test_every_font_is_embedded(kind: str) -> None:
    import io

    import pikepdf

    pdf_bytes = {
        "attestation": lambda: render_attestation(attestation(nom="ŁUKASZ"), KEYRING),
        "fiche": lambda: render_fiche(fiche(), KEYRING),
        "bordereau": lambda: render_bordereau(bordereau([fiche(1), fiche(2)]), KEYRING),
    }[kind]()
    fonts = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            for _, font in page.Resources.Font.items():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                fonts.append((str(font.BaseFont), "/FontFile2" in descendant.FontDescriptor))
    assert fonts
    assert all(embedded for _, embedded in fonts), fonts
    assert all("DejaVu" in name or "SNE" in name for name, _ in fonts), fonts
