"""Separator QR codec: round trips, forged and foreign codes, never an exception."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import date

import pytest
import qrcode
from hypothesis import given
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_Q

from scanning.qr_payload import (
    STATUSES,
    AttestationPayload,
    BordereauPayload,
    FichePayload,
    Keyring,
    Payload,
    decode,
    derive_key,
    encode,
    is_ours,
    key_id,
    keyring_from_secrets,
)

KEYRING = keyring_from_secrets("secret-de-test")
FICHE = FichePayload("0130318016982G1104", 4, 9, date(2024, 3, 15))
BORDEREAU = BordereauPayload("E0000042", "G1104", "013", 50, 451, date(2024, 3, 15))
ATTESTATION = AttestationPayload("1110318016982GDPUB", date(2024, 3, 15), renouvellement=True)
QR_ALPHANUMERIC = set(string.digits + string.ascii_uppercase + " $%*+-./:")

numeros = st.from_regex(r"[0-9]{2}[0-9AB][0-9]{10}G[A-Z0-9]{4}", fullmatch=True)
counts = st.integers(min_value=0, max_value=99_999)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
payloads: st.SearchStrategy[Payload] = st.one_of(
    st.builds(FichePayload, numeros, counts, counts, dates),
    st.builds(
        BordereauPayload,
        st.from_regex(r"[0-9A-Z][0-9A-Z-]{0,11}", fullmatch=True),
        st.from_regex(r"[0-9A-Z]{1,10}", fullmatch=True),
        st.from_regex(r"[0-9]{2}[0-9AB]|[0-9][0-9AB]", fullmatch=True),
        counts,
        counts,
        dates,
    ),
    st.builds(AttestationPayload, numeros, dates, st.booleans()),
)


@pytest.mark.parametrize("payload", [FICHE, BORDEREAU, ATTESTATION], ids=["F", "B", "A"])
def test_round_trip_of_each_kind(payload: Payload) -> None:
    text = encode(payload, KEYRING)
    decoded = decode(text, KEYRING)
    assert decoded.ok, decoded.reason
    assert decoded.status == "ok"
    assert decoded.payload == payload
    assert is_ours(text)


def test_texts_are_short_alphanumeric_and_fit_qr_version_4() -> None:
    for payload in (FICHE, BORDEREAU, ATTESTATION):
        text = encode(payload, KEYRING)
        assert set(text) <= QR_ALPHANUMERIC
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q)
        code.add_data(text, optimize=0)
        code.make(fit=True)
        assert code.version == 4, (text, code.version)
    assert encode(FICHE, KEYRING).startswith("SNE1:F:0130318016982G1104:4:9:20240315:")


@given(payloads)
def test_any_encodable_payload_round_trips(payload: Payload) -> None:
    text = encode(payload, KEYRING)
    assert set(text) <= QR_ALPHANUMERIC
    assert decode(text, KEYRING).payload == payload


@given(payloads, st.data())
def test_any_single_character_change_is_refused(payload: Payload, data: st.DataObject) -> None:
    text = encode(payload, KEYRING)
    position = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    other = data.draw(st.sampled_from(sorted(QR_ALPHANUMERIC - {text[position]})))
    decoded = decode(text[:position] + other + text[position + 1 :], KEYRING)
    assert not decoded.ok
    assert decoded.status in STATUSES
    assert decoded.reason


@given(st.text())
def test_decode_never_raises_on_any_text(text: str) -> None:
    decoded = decode(text, KEYRING)
    assert decoded.status in STATUSES
    assert decoded.status != "ok"
    assert decoded.reason


@given(st.binary())
def test_decode_never_raises_on_random_bytes(raw: bytes) -> None:
    for encoding in ("latin-1", "utf-8"):
        decoded = decode(raw.decode(encoding, errors="replace"), KEYRING)
        assert decoded.status in STATUSES
        assert not decoded.ok


@given(st.text(alphabet=sorted(QR_ALPHANUMERIC), max_size=80))
def test_decode_never_raises_on_text_starting_like_ours(tail: str) -> None:
    decoded = decode("SNE1:" + tail, KEYRING)
    assert decoded.status in {"malforme", "signature_invalide", "cle_inconnue"}


def test_altered_count_is_a_bad_signature() -> None:
    text = encode(FICHE, KEYRING).replace(":4:9:", ":4:8:")
    decoded = decode(text, KEYRING)
    assert decoded.status == "signature_invalide"
    assert decoded.payload is None
    assert decoded.reason == (
        "Signature invalide du QR code SNE (fiche récapitulative) : son contenu a été modifié "
        "ou il n'a pas été produit par le SNE."
    )


def test_kind_changed_is_refused() -> None:
    text = encode(ATTESTATION, KEYRING)
    assert decode(text.replace("SNE1:A:", "SNE1:F:"), KEYRING).status == "malforme"


def test_wrong_key_is_an_unknown_key() -> None:
    other = keyring_from_secrets("un-autre-secret")
    assert other.current_id != KEYRING.current_id
    decoded = decode(encode(FICHE, other), KEYRING)
    assert decoded.status == "cle_inconnue"
    assert f"« {other.current_id} »" in decoded.reason


def test_wrong_key_under_a_known_key_id_is_a_bad_signature() -> None:
    forged_ring = Keyring(KEYRING.current_id, {KEYRING.current_id: derive_key("devine")})
    decoded = decode(encode(BORDEREAU, forged_ring), KEYRING)
    assert decoded.status == "signature_invalide"
    assert "bordereau de transmission" in decoded.reason


def test_rotated_key_still_decodes_old_codes_and_signs_with_the_new_one() -> None:
    old_text = encode(FICHE, keyring_from_secrets("ancien"))
    rotated = keyring_from_secrets("nouveau", {"retire-2024-01": "ancien"})
    assert decode(old_text, rotated).payload == FICHE
    new_text = encode(FICHE, rotated)
    assert new_text.split(":")[-2] == key_id(derive_key("nouveau"))
    assert decode(new_text, keyring_from_secrets("ancien")).status == "cle_inconnue"


def test_key_is_derived_not_the_secret_itself() -> None:
    assert derive_key("secret-de-test") != b"secret-de-test"
    assert len(derive_key("secret-de-test")) == 32
    with pytest.raises(ValueError):
        keyring_from_secrets("")


def test_unknown_version() -> None:
    text = encode(FICHE, KEYRING).replace("SNE1:", "SNE2:", 1)
    decoded = decode(text, KEYRING)
    assert decoded.status == "version_inconnue"
    assert decoded.reason == (
        "QR code SNE de version 2 inconnue : ce logiciel ne lit que la version 1."
    )


@pytest.mark.parametrize("cut", [1, 5, 16, 17, 30, 50])
def test_truncated_text_is_malformed(cut: int) -> None:
    text = encode(BORDEREAU, KEYRING)
    decoded = decode(text[:-cut], KEYRING)
    assert decoded.status == "malforme", decoded
    assert "QR code SNE" in decoded.reason


def test_truncated_signature_reason() -> None:
    decoded = decode(encode(FICHE, KEYRING)[:-3], KEYRING)
    assert decoded.reason == (
        "QR code SNE tronqué ou altéré (fiche récapitulative) : la signature compte 13 "
        "caractères au lieu de 16."
    )


def test_missing_fields_reason() -> None:
    decoded = decode("SNE1:F:0130318016982G1104:4", KEYRING)
    assert (
        decoded.reason == "QR code SNE tronqué (fiche récapitulative) : 4 champs lus au lieu de 8."
    )


def test_unknown_kind() -> None:
    decoded = decode("SNE1:Z:1:2:3", KEYRING)
    assert decoded.status == "malforme"
    assert "type de document « Z » inconnu" in decoded.reason


def test_foreign_epc_payment_code() -> None:
    epc = "BCD\n002\n1\nSCT\nBNPAFRPP\nOffice HLM\nFR7630004000031234567890143\nEUR12.50\n\n\nLoyer"
    decoded = decode(epc, KEYRING)
    assert decoded.status == "etranger"
    assert not is_ours(epc)
    assert "paiement" in decoded.reason


def test_foreign_url_and_text() -> None:
    url = decode("https://www.demande-logement-social.gouv.fr", KEYRING)
    assert url.status == "etranger"
    assert "adresse web" in url.reason
    other = decode("SNEAKERS 42", KEYRING)
    assert other.status == "etranger"
    assert "« SNEAKERS 42 »" in other.reason


@pytest.mark.parametrize("text", ["", "   ", "\n", "\x00\xff\ufffd", "SNE", "SNE1", "SNE1:"])
def test_empty_and_garbage_have_a_reason(text: str) -> None:
    decoded = decode(text, KEYRING)
    assert decoded.status in {"etranger", "malforme"}
    assert decoded.reason.endswith(".")
    assert not decoded.ok


def test_not_a_string_does_not_raise() -> None:
    decoded = decode(None, KEYRING)  # type: ignore[arg-type]
    assert decoded.status == "etranger"


@pytest.mark.parametrize(
    "payload",
    [
        replace(FICHE, numero="0130318016982g1104"),
        replace(FICHE, numero="013:318016982G1104"),
        replace(FICHE, nb_pages=-1),
        replace(FICHE, nb_pages=100_000),
        replace(BORDEREAU, envoi="e-42"),
        replace(BORDEREAU, envoi="E" * 13),
        replace(BORDEREAU, departement="13:"),
    ],
)
def test_encode_refuses_what_the_format_cannot_carry(payload: Payload) -> None:
    with pytest.raises(ValueError):
        encode(payload, KEYRING)


def test_surrounding_whitespace_is_tolerated() -> None:
    assert decode(f"  {encode(ATTESTATION, KEYRING)}\n", KEYRING).payload == ATTESTATION
