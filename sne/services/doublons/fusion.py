"""Merging duplicates: the survivor keeps the oldest ancienneté, data chosen field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CursorResult,
    update,
)

from sne.acteurs import Acteur
from sne.errors import Conflict, ValidationError
from sne.models import (
    Fusion,
    Piece,
)
from sne.services import formulaire
from sne.services.doublons.groupe import charger_groupe, choix_valides, exiger_meme_territoire
from sne.services.doublons.signalements import clore
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class FusionFaite:
    """The outcome of a merge."""

    survivante: str
    absorbees: tuple[str, ...]
    pieces_deplacees: int
    changements: dict[str, list[Any]] = field(default_factory=dict)


def fusionner(
    uow: UnitOfWork,
    acteur: Acteur,
    numeros: Sequence[str],
    *,
    donnees: Mapping[str, str] | None = None,
    justification: str | None = None,
    signalement: int | None = None,
    justification_requise: bool = False,
    simuler: bool = False,
) -> FusionFaite:
    """Merge a group of duplicates into the demande with the oldest ancienneté.

    The survivor keeps its number and its filing date; ``donnees`` says, field
    by field (top-level keys of the Cerfa document, ``personnes`` for the
    household), which demande's value to keep (the survivor's by default). The
    others are closed as ``fusionnee`` with a trace naming the survivor, their
    pieces move to it, and the latest validity of the group is kept.
    ``simuler`` does it all and rolls back: the confirmation page shows the outcome.
    """
    if justification_requise and not (justification or "").strip():
        raise ValidationError({"justification": "indiquez pourquoi ces demandes sont fusionnées"})
    with uow:
        session = uow.session
        groupe = charger_groupe(session, numeros)
        territoire = exiger_meme_territoire(groupe, acteur, "fusionner")
        closes = [d.numero for d in groupe if d.statut != "active"]
        if closes:
            raise Conflict(
                f"Seules des demandes actives se fusionnent ; pas : {', '.join(closes)}.",
                code="DEMANDE_CLOSE",
            )
        choix = choix_valides(donnees or {}, [d.numero for d in groupe])
        survivante = min(groupe, key=lambda d: (d.date_depot, d.id))
        absorbees = [d for d in groupe if d is not survivante]
        par_numero = {d.numero: d for d in groupe}
        avant = formulaire.en_document(survivante)
        document = dict(avant)
        for cle, numero in choix.items():
            document[cle] = formulaire.en_document(par_numero[numero])[cle]
        propre = formulaire.valider(document, date_depot=survivante.date_depot)
        changes = formulaire.differences(avant, propre)
        if changes:
            formulaire.appliquer(survivante, propre)
        la_plus_valide = max(groupe, key=lambda d: d.date_expiration)
        if la_plus_valide.date_expiration > survivante.date_expiration:
            changes["date_expiration"] = [
                survivante.date_expiration,
                la_plus_valide.date_expiration,
            ]
            survivante.date_expiration = la_plus_valide.date_expiration
            survivante.date_renouvellement = la_plus_valide.date_renouvellement
        now = utcnow()
        survivante.updated_at = now
        ids = [d.id for d in absorbees]
        resultat: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Piece).where(Piece.demande_id.in_(ids)).values(demande_id=survivante.id)
        )
        pieces = resultat.rowcount
        for absorbee in absorbees:
            absorbee.statut = "fusionnee"
            absorbee.updated_at = now
            session.add(
                Fusion(
                    survivante_id=survivante.id,
                    absorbee_id=absorbee.id,
                    at=now,
                    gestionnaire_id=acteur.utilisateur_id,
                    justification=justification,
                )
            )
            tracer(
                session,
                acteur,
                entite="demande",
                entite_id=absorbee.numero,
                action="fusion",
                demande_id=absorbee.id,
                changements={
                    "statut": ["active", "fusionnee"],
                    "fusionnee_dans": survivante.numero,
                },
                justification=justification,
            )
        absorbees_numeros = tuple(d.numero for d in absorbees)
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=survivante.numero,
            action="fusion",
            demande_id=survivante.id,
            changements={
                **changes,
                "demandes_absorbees": list(absorbees_numeros),
                "pieces_deplacees": pieces,
                "donnees_retenues": choix,
            },
            justification=justification,
            changement_identite=bool(formulaire.changement_identite(changes)),
        )
        if signalement is not None:
            clore(
                session,
                acteur,
                signalement,
                territoire,
                statut="traite",
                conclusion=f"Fusion dans {survivante.numero}",
            )
        if not simuler:
            uow.commit()
        return FusionFaite(survivante.numero, absorbees_numeros, pieces, changes)
