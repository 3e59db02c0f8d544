"""The QR signing keyring, built once from the settings for every entry point that prints or reads."""

from __future__ import annotations

from scanning.qr_payload import Keyring, keyring_from_secrets
from sne.config import Settings


def keyring_for(settings: Settings) -> Keyring:
    """Return the keyring signing with the current secret and accepting the retired ones."""
    return keyring_from_secrets(settings.secret_key, settings.previous_secret_keys)
