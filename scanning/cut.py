"""Cut a dossier's pages into pieces from how likely each page is to start a new document.

Each page comes with the probability that it is the first page of a piece
(``classify.probabilite_debut``: a heading makes it likely; "Page 2/3", the back
of a card or a blank page make it unlikely). The first page always starts a
piece. Without a declared count, a page starts a piece when that probability is
above one half. When the fiche declares how many documents the dossier holds,
the cut with exactly that many pieces that is most likely is chosen: the
pages most likely to start a piece start one. A back or a continuation page is
never cut off from the page before it, so recto and verso stay together even
when the count asks for more pieces than the pages allow; the disagreement is
then reported in French.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Below this probability a page is a back or a continuation and never starts a piece.
SUITE_CERTAINE = 0.1
#: Probabilities the declared count settles without comment; outside, overriding them is reported.
INCERTAIN = (0.3, 0.7)


@dataclass(frozen=True)
class Decoupage:
    """Pieces as tuples of 0-based page indices, and a French note when the count disagreed."""

    pieces: tuple[tuple[int, ...], ...]
    anomalie: str | None = None


def _groupes(debuts: Sequence[int], total: int) -> tuple[tuple[int, ...], ...]:
    """Turn the sorted first pages into groups of consecutive pages."""
    bornes = [*debuts, total]
    return tuple(tuple(range(bornes[k], bornes[k + 1])) for k in range(len(debuts)))


def decouper(probabilites: Sequence[float], declares: int | None = None) -> Decoupage:
    """Cut pages whose first-page probabilities are ``probabilites`` into pieces."""
    total = len(probabilites)
    if total == 0:
        return Decoupage((), "Le dossier ne contient aucune page." if declares else None)
    naturels = [0] + [i for i in range(1, total) if probabilites[i] > 0.5]
    if declares is None or declares <= 0:
        return Decoupage(_groupes(naturels, total))
    possibles = sorted(
        (i for i in range(1, total) if probabilites[i] >= SUITE_CERTAINE),
        key=lambda i: (-probabilites[i], i),
    )
    voulus = declares - 1
    debuts = sorted([0, *possibles[:voulus]])
    anomalie = None
    if len(debuts) < declares:
        anomalie = (
            f"La fiche annonce {declares} document(s) mais les pages n'en permettent que "
            f"{len(debuts)} (versos et pages de suite restent avec leur document)."
        )
    elif any(
        not INCERTAIN[0] <= probabilites[i] <= INCERTAIN[1] for i in set(debuts) ^ set(naturels)
    ):
        anomalie = (
            f"Découpage ajusté au nombre de documents annoncé par la fiche ({declares}) ; "
            f"la lecture des pages en suggérait {len(naturels)}."
        )
    return Decoupage(_groupes(debuts, total), anomalie)
