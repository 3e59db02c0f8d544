"""The numéro unique: 18 characters, built, parsed and validated here.

Layout: territory (3) + month (2) and year (2) of the first filing + sequence
within the territory (6) + code of the registering guichet (5), for example
``1110318016982G1104`` or ``1111023517879GDPUB``.

The texts do not say when the 6-digit sequence restarts. We keep one counter
per territory and filing year (the year printed in the number), which keeps
every number unique since the year is part of it, and leaves room for a large
territory's million demands spread over the years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sne.errors import SneError

_TERRITOIRE = r"(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B)"
TERRITOIRE_RE = re.compile(rf"^(?:0{_TERRITOIRE}|97[1-8]|111)$")
GUICHET_RE = re.compile(r"^G[A-Z0-9]{4}$")
NUMERO_RE = re.compile(
    r"^(?P<territoire>[0-9]{2}[0-9AB])(?P<mois>[0-9]{2})(?P<annee>[0-9]{2})"
    r"(?P<sequence>[0-9]{6})(?P<guichet>G[A-Z0-9]{4})$"
)
SEQUENCE_MAX = 999_999


class NumeroInvalide(SneError):
    """A string that is not a well-formed numéro unique."""

    code = "NUMERO_INVALIDE"


@dataclass(frozen=True)
class NumeroUnique:
    """The parts of a numéro unique."""

    territoire: str
    mois: int
    annee: int  # two digits, as printed
    sequence: int
    guichet: str

    def __str__(self) -> str:
        return f"{self.territoire}{self.mois:02d}{self.annee:02d}{self.sequence:06d}{self.guichet}"


def normaliser(texte: str) -> str:
    """Return a typed number without spaces, dashes or dots, upper-cased."""
    return re.sub(r"[\s.\-]", "", texte).upper()


def construire(territoire: str, date_depot: date, sequence: int, guichet: str) -> str:
    """Build the 18-character number from its parts, checking each one."""
    if not TERRITOIRE_RE.match(territoire):
        raise NumeroInvalide(f"Code territoire « {territoire} » invalide (3 caractères attendus).")
    if not GUICHET_RE.match(guichet):
        raise NumeroInvalide(f"Code guichet « {guichet} » invalide (G suivi de 4 caractères).")
    if not 1 <= sequence <= SEQUENCE_MAX:
        raise NumeroInvalide(
            f"Le numéro d'ordre {sequence} sort de la plage 000001–999999 du territoire."
        )
    numero = NumeroUnique(territoire, date_depot.month, date_depot.year % 100, sequence, guichet)
    return str(numero)


def analyser(texte: str) -> NumeroUnique:
    """Parse and validate a numéro unique, raising ``NumeroInvalide`` with the precise reason."""
    numero = normaliser(texte)
    if len(numero) != 18:
        raise NumeroInvalide(
            f"Le numéro unique « {texte} » doit compter 18 caractères (il en a {len(numero)})."
        )
    match = NUMERO_RE.match(numero)
    if not match:
        raise NumeroInvalide(
            f"Le numéro unique « {texte} » n'a pas la forme attendue : territoire (3), mois (2), "
            "année (2), numéro d'ordre (6), code guichet (G + 4 caractères)."
        )
    if not TERRITOIRE_RE.match(match["territoire"]):
        raise NumeroInvalide(f"Le code territoire « {match['territoire']} » n'existe pas.")
    mois = int(match["mois"])
    if not 1 <= mois <= 12:
        raise NumeroInvalide(f"Le mois de dépôt « {match['mois']} » est impossible.")
    sequence = int(match["sequence"])
    if sequence == 0:
        raise NumeroInvalide("Le numéro d'ordre 000000 n'est jamais attribué.")
    return NumeroUnique(match["territoire"], mois, int(match["annee"]), sequence, match["guichet"])


def est_valide(texte: str) -> bool:
    """Tell whether ``texte`` is a well-formed numéro unique."""
    try:
        analyser(texte)
    except NumeroInvalide:
        return False
    return True
