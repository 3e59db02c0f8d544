"""Name correction on a justified request, traced as an identity change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import selectinload

from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, SneError, ValidationError
from sne.models import (
    Demande,
    Piece,
)
from sne.services import formulaire
from sne.services.doublons.controle import Candidat, candidats
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class CorrectionFaite:
    """A corrected identity, and the duplicates the new spelling now points at."""

    numero: str
    changements: dict[str, list[Any]]
    candidats: list[Candidat]


def corriger_identite(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    *,
    rang: int = 1,
    nom_naissance: str | None = None,
    prenoms: str | None = None,
    piece: int | None = None,
    justification: str,
) -> CorrectionFaite:
    """Correct the birth name or first names of person ``rang`` on a supporting piece.

    Traced as an identity change with the justification (and the piece, when
    it is in the dossier); returns the candidates the corrected name matches.
    """
    with uow:
        session = uow.session
        demande = session.scalar(
            select(Demande)
            .where(Demande.numero == numero.strip().upper())
            .options(selectinload(Demande.personnes))
            .with_for_update()
        )
        if demande is None:
            raise NotFound(
                f"Aucune demande ne porte le numéro unique {numero}.", code="NUMERO_INCONNU"
            )
        acteur.exiger("corriger_identite", demande.territoire_code)
        if demande.statut != "active":
            raise Conflict(
                f"La demande {demande.numero} n'est pas active : rien à corriger.",
                code="DEMANDE_CLOSE",
            )
        if not justification or not justification.strip():
            raise SneError(
                "Une correction d'identité exige une justification (pièce produite).",
                code="JUSTIFICATION_REQUISE",
            )
        personne = next((p for p in demande.personnes if p.rang == rang), None)
        if personne is None or personne.nom_naissance is None:
            raise NotFound(
                f"La demande {demande.numero} n'a pas de personne identifiée au rang {rang}.",
                code="PERSONNE_INCONNUE",
            )
        if piece is not None and (
            session.scalar(select(Piece.demande_id).where(Piece.id == piece)) != demande.id
        ):
            raise NotFound(
                f"La pièce {piece} n'est pas dans le dossier de la demande {demande.numero}.",
                code="PIECE_INCONNUE",
            )
        v = formulaire.Verificateur()
        nouveau_nom = v.nom("nom_naissance", nom_naissance) if nom_naissance else None
        nouveaux_prenoms = v.nom("prenoms", prenoms) if prenoms else None
        if nouveau_nom is None and nouveaux_prenoms is None:
            v.erreur("nom_naissance", "indiquer le nom de naissance ou les prénoms corrigés")
        if v.problemes:
            raise ValidationError(v.problemes)
        changes: dict[str, list[Any]] = {}
        if nouveau_nom is not None and nouveau_nom != personne.nom_naissance:
            changes[f"personnes[{rang}].nom_naissance"] = [personne.nom_naissance, nouveau_nom]
            personne.nom_naissance = nouveau_nom
        if nouveaux_prenoms is not None and nouveaux_prenoms != personne.prenoms:
            changes[f"personnes[{rang}].prenoms"] = [personne.prenoms, nouveaux_prenoms]
            personne.prenoms = nouveaux_prenoms
        if not changes:
            return CorrectionFaite(demande.numero, {}, [])
        demande.updated_at = utcnow()
        session.flush()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="correction_identite",
            demande_id=demande.id,
            changements={**changes, **({"piece": piece} if piece is not None else {})},
            justification=justification.strip(),
            changement_identite=True,
        )
        trouves = candidats(
            session,
            demande.territoire_code,
            [
                {
                    "role": personne.role,
                    "nom_naissance": personne.nom_naissance,
                    "prenoms": personne.prenoms,
                    "date_naissance": personne.date_naissance,
                }
            ],
            exclure_demande_id=demande.id,
        )
        uow.commit()
        return CorrectionFaite(demande.numero, changes, trouves)
