"""Signed QR payloads of the separator sheets: fiche, bordereau and attestation.

One text format for the three kinds, versioned, typed and signed::

    SNE1:F:<numero>:<nb_documents>:<nb_pages>:<AAAAMMJJ>:<kid>:<mac>
    SNE1:B:<envoi>:<guichet>:<departement>:<nb_dossiers>:<nb_pages>:<AAAAMMJJ>:<kid>:<mac>
    SNE1:A:<numero>:<AAAAMMJJ>:<E|R>:<kid>:<mac>

``SNE1`` is the magic prefix and the format version; ``F``/``B``/``A`` the kind;
``A`` ends with ``E`` (enregistrement) or ``R`` (renouvellement). ``kid`` names the
signing key (2 base32 characters derived from the key itself) and ``mac`` is
HMAC-SHA256 over everything before the last ``:``, truncated to 80 bits and
written as 16 base32 characters. Fields: the 18-character numéro unique; counts
as decimals from 0 to 99999; dates as AAAAMMJJ; the sending id 1 to 12 characters
of ``0-9 A-Z -``; the guichet code 1 to 10 of ``0-9 A-Z``; the département 2 or 3
(``013``, ``02A``, ``974``).

Choices:

- Every character belongs to the QR *alphanumeric* set (``0-9 A-Z`` and
  `` $%*+-./:``), encoded at 5.5 bits a character instead of 8 in byte mode: the
  fields are upper-case by construction and base32 (RFC 4648) is upper-case.
- 80 bits of MAC: the key never leaves the server, so a forger can only guess
  online, one scanned sheet at a time; 2^-80 per try is far beyond reach while
  keeping the code small. The MAC binds the version, the kind and the key id.
- The key is derived from a configured secret with HMAC and a purpose label, so
  the session secret itself never signs QR codes, and the key id is derived from
  the key, so rotating is only a matter of moving the old secret to the
  "previous" list: old sheets still decode, new ones use the current key.

Measured sizes (``qrcode`` 8.2, error correction Q: a quarter of the code may be
damaged by a staple, a stamp or a poor photocopy; version 4-Q holds 67
alphanumeric characters): an attestation is 56 characters, a fiche 56 to 58 for
usual counts (66 at most), a bordereau 61 with an 8-character sending id and a
5-character guichet code; all are QR version 4 (33 x 33 modules). Only a bordereau
with a long sending id and five-digit counts reaches version 5 (37 x 37).
Documents print the code at 26 mm a side plus a 4-module quiet zone (32 mm in
all): a version 4 module is then 0.79 mm, 6.2 pixels at 200 dpi and 4.7 at
150 dpi; a version 5 module 0.70 mm, 5.5 pixels at 200 dpi; above the 3-pixel
floor, with a margin for skewed or blurred scans.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

PREFIX: Final = "SNE"
VERSION: Final = 1
SEPARATOR: Final = ":"
MAC_BYTES: Final = 10  # 80 bits, exactly 16 base32 characters
MAC_CHARS: Final = 16
KID_CHARS: Final = 2
_KEY_PURPOSE: Final = b"sne/qr-separateurs/v1"
_KID_PURPOSE: Final = b"sne/qr-identifiant-de-cle"

STATUSES: Final = (
    "ok",
    "etranger",
    "signature_invalide",
    "cle_inconnue",
    "version_inconnue",
    "malforme",
)

_NUMERO_RE: Final = re.compile(r"[0-9]{2}[0-9AB][0-9]{10}G[A-Z0-9]{4}")
_COUNT_RE: Final = re.compile(r"0|[1-9][0-9]{0,4}")
_DATE_RE: Final = re.compile(r"[0-9]{8}")
_ENVOI_RE: Final = re.compile(r"[0-9A-Z][0-9A-Z-]{0,11}")
_GUICHET_RE: Final = re.compile(r"[0-9A-Z]{1,10}")
_DEPARTEMENT_RE: Final = re.compile(r"[0-9]{2}[0-9AB]|[0-9][0-9AB]")
_KID_RE: Final = re.compile(r"[A-Z2-7]{2}")
_MAC_RE: Final = re.compile(r"[A-Z2-7]{16}")
_OURS_RE: Final = re.compile(r"SNE[0-9]")
_HEADER_RE: Final = re.compile(r"SNE([0-9]+)(?::|$)")


@dataclass(frozen=True)
class FichePayload:
    """What a fiche récapitulative declares for one demand in a sending."""

    numero: str
    nb_documents: int
    nb_pages: int  # including the fiche itself
    date: date


@dataclass(frozen=True)
class BordereauPayload:
    """What a bordereau de transmission declares for a whole sending."""

    envoi: str
    guichet: str
    departement: str
    nb_dossiers: int
    nb_pages: int  # including the fiches and the bordereau
    date: date


@dataclass(frozen=True)
class AttestationPayload:
    """What page 1 of an attestation d'enregistrement or de renouvellement carries."""

    numero: str
    date_emission: date
    renouvellement: bool


Payload = FichePayload | BordereauPayload | AttestationPayload


@dataclass(frozen=True)
class Keyring:
    """Signing keys by key id: encode signs with ``current_id``, decode accepts any."""

    current_id: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        if self.current_id not in self.keys:
            raise ValueError(f"current key id {self.current_id!r} is not in the keyring")


def derive_key(secret: str) -> bytes:
    """Derive the QR signing key from a configured secret, for this purpose only."""
    return hmac.new(secret.encode("utf-8"), _KEY_PURPOSE, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """Return the 2-character identifier printed in the QR codes signed with ``key``."""
    digest = hmac.new(key, _KID_PURPOSE, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:KID_CHARS]


def keyring_from_secrets(
    current: str, previous: Mapping[str, str] = MappingProxyType({})
) -> Keyring:
    """Build the keyring from the current secret and retired ones still accepted.

    The keys of ``previous`` are the operator's labels for the retired secrets
    (a date, a name); only the values matter, since key ids are derived.
    """
    if not current:
        raise ValueError("the current QR secret is empty")
    current_key = derive_key(current)
    current_id = key_id(current_key)
    keys = {current_id: current_key}
    for label, secret in previous.items():
        if not secret:
            continue
        key = derive_key(secret)
        kid = key_id(key)
        if kid in keys and keys[kid] != key:
            # 1 chance in 1024 per pair: pick another secret rather than guess.
            raise ValueError(f"previous QR secret {label!r} has the same key id {kid} as another")
        keys[kid] = key
    return Keyring(current_id=current_id, keys=MappingProxyType(keys))


@dataclass(frozen=True)
class Decoded:
    """Outcome of decoding a QR text: the payload when ``status`` is "ok"."""

    payload: Payload | None
    status: str
    reason: str

    @property
    def ok(self) -> bool:
        """Whether the text is one of ours, intact and signed with a known key."""
        return self.status == "ok" and self.payload is not None


def is_ours(text: str) -> bool:
    """Whether ``text`` claims to be an SNE separator code (prefix test only)."""
    return isinstance(text, str) and _OURS_RE.match(text.strip()) is not None


def _mac(key: bytes, signed: str) -> str:
    digest = hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii")


def _check(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"{what} {value!r} cannot be put in a separator QR code")
    return value


def _count(value: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 99_999:
        raise ValueError(f"{what} {value!r} must be an integer from 0 to 99999")
    return str(value)


def _fields(payload: Payload) -> list[str]:
    if isinstance(payload, FichePayload):
        return [
            "F",
            _check(payload.numero, _NUMERO_RE, "numero"),
            _count(payload.nb_documents, "nb_documents"),
            _count(payload.nb_pages, "nb_pages"),
            payload.date.strftime("%Y%m%d"),
        ]
    if isinstance(payload, BordereauPayload):
        return [
            "B",
            _check(payload.envoi, _ENVOI_RE, "envoi"),
            _check(payload.guichet, _GUICHET_RE, "guichet"),
            _check(payload.departement, _DEPARTEMENT_RE, "departement"),
            _count(payload.nb_dossiers, "nb_dossiers"),
            _count(payload.nb_pages, "nb_pages"),
            payload.date.strftime("%Y%m%d"),
        ]
    return [
        "A",
        _check(payload.numero, _NUMERO_RE, "numero"),
        payload.date_emission.strftime("%Y%m%d"),
        "R" if payload.renouvellement else "E",
    ]


def encode(payload: Payload, keyring: Keyring) -> str:
    """Return the signed QR text of ``payload``, signed with the current key.

    Raises ``ValueError`` for a field that the format cannot carry (a lower-case
    or over-long identifier, a negative count): that is a programming error.
    """
    kid = keyring.current_id
    signed = SEPARATOR.join([f"{PREFIX}{VERSION}", *_fields(payload), kid])
    return f"{signed}{SEPARATOR}{_mac(keyring.keys[kid], signed)}"


# Decoding ------------------------------------------------------------------

_KINDS: Final = {
    # kind: (French name, number of fields between the kind and the key id)
    "F": ("fiche récapitulative", 4),
    "B": ("bordereau de transmission", 6),
    "A": ("attestation", 3),
}


class _Malformed(Exception):
    """A field of a signed payload that does not parse (internal to decode)."""


def _preview(text: str) -> str:
    shown = "".join(c if c.isprintable() else " " for c in text[:24]).strip()
    return shown + ("…" if len(text) > 24 else "")


def _foreign_reason(text: str) -> str:
    if text.startswith("BCD\n") or text.startswith("BCD\r\n"):
        return (
            "QR code étranger au SNE : c'est un QR code de paiement (virement SEPA, norme EPC), "
            "pas un séparateur."
        )
    lowered = text.lower()
    if lowered.startswith(("http://", "https://", "www.")):
        return f"QR code étranger au SNE : il contient une adresse web (« {_preview(text)} »)."
    if re.match(r"DC0[1-4][0-9A-Z]{4}", text):
        return (
            "QR code étranger au SNE : c'est un 2D-Doc (justificatif sécurisé), pas un séparateur."
        )
    return (
        "QR code étranger au SNE : son texte ne commence pas par l'en-tête « SNE1: » des "
        f"séparateurs (il commence par « {_preview(text)} »)."
    )


def _parse_date(value: str, what: str) -> date:
    if not _DATE_RE.fullmatch(value):
        raise _Malformed(f"la date {what} « {value} » n'est pas au format AAAAMMJJ")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _Malformed(f"la date {what} « {value} » n'existe pas") from None


def _parse_count(value: str, what: str) -> int:
    if not _COUNT_RE.fullmatch(value):
        raise _Malformed(f"le {what} « {value} » n'est pas un nombre")
    return int(value)


def _parse_ident(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(value):
        raise _Malformed(f"{what} « {value} » est mal formé")
    return value


def _payload(kind: str, fields: list[str]) -> Payload:
    if kind == "F":
        return FichePayload(
            numero=_parse_ident(fields[0], _NUMERO_RE, "le numéro unique"),
            nb_documents=_parse_count(fields[1], "nombre de documents"),
            nb_pages=_parse_count(fields[2], "nombre de pages"),
            date=_parse_date(fields[3], "de remplissage"),
        )
    if kind == "B":
        return BordereauPayload(
            envoi=_parse_ident(fields[0], _ENVOI_RE, "l'identifiant d'envoi"),
            guichet=_parse_ident(fields[1], _GUICHET_RE, "le code guichet"),
            departement=_parse_ident(fields[2], _DEPARTEMENT_RE, "le département"),
            nb_dossiers=_parse_count(fields[3], "nombre de dossiers"),
            nb_pages=_parse_count(fields[4], "nombre de pages"),
            date=_parse_date(fields[5], "de transmission"),
        )
    if fields[2] not in ("E", "R"):
        raise _Malformed(f"le type d'attestation « {fields[2]} » n'est ni E ni R")
    return AttestationPayload(
        numero=_parse_ident(fields[0], _NUMERO_RE, "le numéro unique"),
        date_emission=_parse_date(fields[1], "d'émission"),
        renouvellement=fields[2] == "R",
    )


def _malformed(reason: str) -> Decoded:
    return Decoded(None, "malforme", reason)


def _decode(text: str, keyring: Keyring) -> Decoded:
    if not isinstance(text, str):
        return Decoded(None, "etranger", "Le contenu lu n'est pas du texte.")
    text = text.strip()
    if not text:
        return Decoded(None, "etranger", "Le QR code ne contient aucun texte.")
    if not is_ours(text):
        return Decoded(None, "etranger", _foreign_reason(text))
    header = _HEADER_RE.match(text)
    if header is None:
        return _malformed(
            f"QR code SNE mal formé : l'en-tête « {_preview(text)} » n'est pas de la forme "
            "« SNE<version>: »."
        )
    version = int(header.group(1)[:6])
    if version != VERSION:
        return Decoded(
            None,
            "version_inconnue",
            f"QR code SNE de version {header.group(1)[:6]} inconnue : ce logiciel ne lit que "
            f"la version {VERSION}.",
        )
    parts = text.split(SEPARATOR)
    if len(parts) < 2 or parts[1] not in _KINDS:
        kind = _preview(parts[1]) if len(parts) >= 2 else ""
        return _malformed(
            "QR code SNE mal formé : type de document "
            + (f"« {kind} » inconnu" if kind else "absent")
            + " (F fiche, B bordereau ou A attestation attendu)."
        )
    kind = parts[1]
    name, nb_fields = _KINDS[kind]
    expected = 2 + nb_fields + 2
    if len(parts) != expected:
        state = "tronqué" if len(parts) < expected else "altéré"
        return _malformed(
            f"QR code SNE {state} ({name}) : {len(parts)} champs lus au lieu de {expected}."
        )
    kid, mac = parts[-2], parts[-1]
    if not _KID_RE.fullmatch(kid):
        return _malformed(
            f"QR code SNE mal formé ({name}) : identifiant de clé « {kid} » invalide."
        )
    if not _MAC_RE.fullmatch(mac):
        return _malformed(
            f"QR code SNE tronqué ou altéré ({name}) : la signature compte {len(mac)} caractères "
            f"au lieu de {MAC_CHARS}."
        )
    key = keyring.keys.get(kid)
    if key is None:
        return Decoded(
            None,
            "cle_inconnue",
            f"QR code SNE ({name}) signé avec une clé inconnue (identifiant « {kid} ») : "
            "clé retirée du service ou document produit par une autre plateforme.",
        )
    signed = text[: -(MAC_CHARS + 1)]
    if not hmac.compare_digest(_mac(key, signed), mac):
        return Decoded(
            None,
            "signature_invalide",
            f"Signature invalide du QR code SNE ({name}) : son contenu a été modifié "
            "ou il n'a pas été produit par le SNE.",
        )
    try:
        payload = _payload(kind, parts[2:-2])
    except _Malformed as error:
        # Only reachable if the signing side has a bug: the signature is valid.
        return _malformed(f"QR code SNE signé mais illisible ({name}) : {error}.")
    return Decoded(payload, "ok", f"QR code SNE valide ({name}).")


def decode(text: str, keyring: Keyring) -> Decoded:
    """Decode and verify a QR text; never raises, the reason says what is wrong in French."""
    try:
        return _decode(text, keyring)
    except Exception as error:  # noqa: BLE001 - the contract is to never raise: say why instead
        return _malformed(
            f"QR code illisible : erreur inattendue au décodage ({type(error).__name__})."
        )
