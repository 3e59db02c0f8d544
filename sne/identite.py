"""Who is the same person: normalised identity keys and the matching rules for duplicates.

Pure functions (no database): the keys stored on ``Personne`` to find candidates
through an index, and the comparison of two identities saying why they match.
Two identities are the *same person* when birth name, first names and birth
date agree once case, accents, hyphens, apostrophes and spaces are folded, even
with name and first names swapped or compound first names in another order;
they are *candidates* when one typing error in a name (Damerau-Levenshtein
distance 1) or one day/month swap in the birth date separates them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property

#: Letters that Unicode decomposition does not split into base letter + accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o"})
_SEPARATEURS = re.compile(r"[\s'’`´\-‐‑–—.,_/]+")

#: Roles whose identity is checked for duplicates (one demand per applicant per territory).
ROLES_TITULAIRES = ("demandeur", "cotitulaire")


def jetons(texte: str | None) -> list[str]:
    """Split a name into lowercase unaccented words (hyphens, apostrophes, dots, spaces separate)."""
    if not texte:
        return []
    sans_ligature = texte.translate(_LIGATURES)
    decompose = unicodedata.normalize("NFKD", sans_ligature)
    simple = "".join(c for c in decompose if not unicodedata.combining(c)).casefold()
    return [mot for mot in _SEPARATEURS.split(simple) if mot]


def cle_nom(nom: str | None) -> str | None:
    """Normalised birth name, words kept in order (``"Le Gall-Hervé"`` → ``"le gall herve"``)."""
    return " ".join(jetons(nom)) or None


def cle_prenoms(prenoms: str | None) -> str | None:
    """Normalised first names in alphabetical order, so compound first names match in any order."""
    return " ".join(sorted(jetons(prenoms))) or None


def cle_identite(nom: str | None, prenoms: str | None) -> str | None:
    """Every word of name and first names, sorted: equal when only order or separators differ.

    Indexed with the birth date; stays equal when name and first names are swapped.
    """
    mots = jetons(nom) + jetons(prenoms)
    return " ".join(sorted(mots)) if mots and nom and prenoms else None


def date_permutee(jour: date) -> date | None:
    """The same date with day and month swapped, or None when that is not another valid date."""
    if jour.day == jour.month or jour.day > 12:
        return None
    return jour.replace(month=jour.day, day=jour.month)


def une_faute_au_plus(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most 1: one letter replaced, added, removed or two swapped.

    Linear time: skip the common prefix, then the rest must agree after the one edit.
    """
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    fin = min(la, lb)
    while i < fin and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]  # a has one extra letter
    return a[i:] == b[i + 1 :]


@dataclass(frozen=True)
class Identite:
    """Birth name, first names and birth date of a person, with their normalised forms."""

    nom: str
    prenoms: str
    date_naissance: date

    @cached_property
    def mots_nom(self) -> tuple[str, ...]:
        return tuple(jetons(self.nom))

    @cached_property
    def mots_prenoms(self) -> tuple[str, ...]:
        return tuple(jetons(self.prenoms))


@dataclass(frozen=True)
class Correspondance:
    """Why two identities are (probably) the same person, and how sure we are (0 to 1)."""

    code: str
    motif: str
    confiance: float


#: Codes of the matching rules, from the surest to the least sure, with their confidence.
IDENTIQUE = "IDENTIQUE"
ORDRE_PRENOMS = "ORDRE_PRENOMS"
INVERSION_NOM_PRENOMS = "INVERSION_NOM_PRENOMS"
SEPARATEURS = "SEPARATEURS"
FAUTE_NOM = "FAUTE_NOM"
FAUTE_PRENOMS = "FAUTE_PRENOMS"
INVERSION_JOUR_MOIS = "INVERSION_JOUR_MOIS"

CONFIANCE = {
    IDENTIQUE: 1.0,
    ORDRE_PRENOMS: 0.95,
    INVERSION_NOM_PRENOMS: 0.9,
    SEPARATEURS: 0.9,
    FAUTE_NOM: 0.8,
    FAUTE_PRENOMS: 0.8,
    INVERSION_JOUR_MOIS: 0.75,
}


def _noms_equivalents(a: Identite, b: Identite) -> Correspondance | None:
    """Names equal after normalisation (same birth date assumed), or None."""
    na, pa, nb, pb = a.mots_nom, a.mots_prenoms, b.mots_nom, b.mots_prenoms
    if not (na and pa and nb and pb):
        return None
    if na == nb and pa == pb:
        return Correspondance(
            IDENTIQUE,
            "mêmes nom de naissance, prénoms et date de naissance",
            CONFIANCE[IDENTIQUE],
        )
    if na == nb and sorted(pa) == sorted(pb):
        return Correspondance(
            ORDRE_PRENOMS,
            "mêmes nom et date de naissance, prénoms dans un autre ordre",
            CONFIANCE[ORDRE_PRENOMS],
        )
    if sorted(na) == sorted(pb) and sorted(pa) == sorted(nb):
        return Correspondance(
            INVERSION_NOM_PRENOMS,
            "nom de naissance et prénoms inversés, même date de naissance",
            CONFIANCE[INVERSION_NOM_PRENOMS],
        )
    if sorted(na + pa) == sorted(nb + pb) or (
        "".join(na) == "".join(nb) and "".join(pa) == "".join(pb)
    ):
        return Correspondance(
            SEPARATEURS,
            "mêmes noms et prénoms à l'espace ou au trait d'union près, même date de naissance",
            CONFIANCE[SEPARATEURS],
        )
    return None


def _une_faute(a: Identite, b: Identite) -> Correspondance | None:
    """One typing error in the birth name or in the first names (the other equal), or None."""
    na, pa, nb, pb = a.mots_nom, a.mots_prenoms, b.mots_nom, b.mots_prenoms
    if not (na and pa and nb and pb):
        return None
    if sorted(pa) == sorted(pb) and une_faute_au_plus(" ".join(na), " ".join(nb)):
        return Correspondance(
            FAUTE_NOM,
            f"une faute de frappe dans le nom de naissance (« {a.nom} » / « {b.nom} »), "
            "mêmes prénoms et date de naissance",
            CONFIANCE[FAUTE_NOM],
        )
    if na == nb and (
        une_faute_au_plus(" ".join(pa), " ".join(pb))
        or une_faute_au_plus(" ".join(sorted(pa)), " ".join(sorted(pb)))
    ):
        return Correspondance(
            FAUTE_PRENOMS,
            f"une faute de frappe dans les prénoms (« {a.prenoms} » / « {b.prenoms} »), "
            "mêmes nom et date de naissance",
            CONFIANCE[FAUTE_PRENOMS],
        )
    return None


def comparer(a: Identite, b: Identite) -> Correspondance | None:
    """Tell whether ``a`` and ``b`` are the same person or a probable duplicate, and why."""
    if a.date_naissance == b.date_naissance:
        return _noms_equivalents(a, b) or _une_faute(a, b)
    if date_permutee(a.date_naissance) == b.date_naissance and _noms_equivalents(a, b):
        return Correspondance(
            INVERSION_JOUR_MOIS,
            "mêmes nom et prénoms, jour et mois de naissance inversés "
            f"({a.date_naissance:%d/%m/%Y} / {b.date_naissance:%d/%m/%Y})",
            CONFIANCE[INVERSION_JOUR_MOIS],
        )
    return None


def cle_naissance(jour: date) -> int:
    """The birth date with day and month in ascending order: equal for a day/month swap."""
    petit, grand = sorted((jour.day, jour.month))
    return jour.year * 10_000 + petit * 100 + grand
