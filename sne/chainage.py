"""Tamper-evident history: how each history line is hashed and chained to the previous one.

One chain per demande (``demande:<id>``), and one per other object (``guichet:G1304``,
``utilisateur:alice``), never one global chain: a global chain would make every
write of the territory wait for the previous one (each line needs the hash of
the last), whereas a demande's writes are already serialised by its row lock.
A unique index on (chain, previous hash) turns a concurrent fork into a refused
transaction instead of a silent branch.

A line's hash covers its previous hash, its metadata (when, who, at which
guichet, on what, which action) and the *fingerprint* of its content (the
changes and the justification). The purge erases the content but keeps the
fingerprint, so a purged demande's chain still verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: The previous hash of a chain's first line.
GENESE = "0" * 64
#: What the purge leaves in a line's changes (its justification becomes empty).
EXPURGE: dict[str, str] = {"valeurs": "effacées lors de la purge"}
#: Metadata covered by a line's hash, in this order.
CHAMPS = (
    "at",
    "utilisateur_id",
    "guichet_id",
    "demande_id",
    "entite",
    "entite_id",
    "action",
    "changement_identite",
)


def _canonique(valeur: Any) -> str:
    """One JSON text per value, whatever the backend hands back (sorted keys, no spaces)."""
    return json.dumps(
        valeur, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def _sha256(texte: str) -> str:
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def cle_chaine(demande_id: int | None, entite: str, entite_id: str) -> str:
    """The chain a line belongs to: its demande's, or else its object's."""
    return f"demande:{demande_id}" if demande_id is not None else f"{entite}:{entite_id}"


def empreinte(changements: Mapping[str, Any] | None, justification: str | None) -> str:
    """The fingerprint of a line's content, kept when the purge erases the content."""
    return _sha256(_canonique({"changements": changements or {}, "justification": justification}))


def charge_utile(ligne: Mapping[str, Any], precedent: str, empreinte_: str) -> str:
    """The text hashed for one line (``ligne`` holds at least ``CHAMPS``)."""
    valeurs = [ligne[champ] for champ in CHAMPS]
    valeurs[0] = ligne["at"].isoformat(sep=" ")
    valeurs[-1] = bool(ligne["changement_identite"])
    return _canonique([precedent, *valeurs, empreinte_])


def hacher(ligne: Mapping[str, Any], precedent: str, empreinte_: str) -> str:
    """The hash of one line chained after ``precedent``."""
    return _sha256(charge_utile(ligne, precedent, empreinte_))


def expurgee(changements: Mapping[str, Any] | None, justification: str | None) -> bool:
    """Tell whether a line's content is the purge's redaction."""
    return dict(changements or {}) == EXPURGE and justification is None
