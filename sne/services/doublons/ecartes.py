"""Groups judged "not the same person": recorded pair by pair so the sweep never shows them again."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sne.acteurs import Acteur
from sne.errors import ValidationError
from sne.models import DoublonEcarte
from sne.services.doublons.groupe import charger_groupe, exiger_meme_territoire
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


def ecarter(uow: UnitOfWork, acteur: Acteur, numeros: Sequence[str], justification: str) -> int:
    """Record every pair of the group as different persons; return how many pairs are new."""
    if not justification.strip():
        raise ValidationError(
            {"motif_ecart": "indiquez pourquoi ce ne sont pas les mêmes personnes"}
        )
    with uow:
        session = uow.session
        groupe = charger_groupe(session, numeros)
        territoire = exiger_meme_territoire(groupe, acteur, "fusionner")
        deja = paires_ecartees(session, territoire)
        nouvelles = [
            (a, b)
            for a, b in combinations(sorted(groupe, key=lambda d: d.id), 2)
            if (a.id, b.id) not in deja
        ]
        for a, b in nouvelles:
            session.add(
                DoublonEcarte(
                    demande_a_id=a.id,
                    demande_b_id=b.id,
                    territoire_code=territoire,
                    at=utcnow(),
                    gestionnaire_id=acteur.utilisateur_id,
                    justification=justification.strip(),
                )
            )
        for demande in groupe:
            tracer(
                session,
                acteur,
                entite="demande",
                entite_id=demande.numero,
                action="doublon_ecarte",
                demande_id=demande.id,
                changements={"autres_demandes": [d.numero for d in groupe if d is not demande]},
                justification=justification.strip(),
            )
        uow.commit()
        return len(nouvelles)


def paires_ecartees(session: Session, territoire: str) -> set[tuple[int, int]]:
    """The (smaller id, larger id) pairs of demandes judged different persons in ``territoire``."""
    return set(
        session.execute(
            select(DoublonEcarte.demande_a_id, DoublonEcarte.demande_b_id).where(
                DoublonEcarte.territoire_code == territoire
            )
        ).tuples()
    )
