"""What a signed-in applicant does with a demande linked to the account.

Every function first loads the demande through a confirmed link of the
account (``demande_liee``): a numéro the account is not linked to answers
exactly as an unknown one (``NotFound``), whatever the URL or form field. The
services act as the built-in ``PORTAIL`` actor, traced under its own login.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.plan import TYPES_PAR_CODE
from scanning.qr_payload import Keyring
from sne import codes
from sne.acteurs import PORTAIL
from sne.documents.attestation import render_attestation
from sne.errors import Conflict, NotFound
from sne.models import CompteDemandeur, Demande, LienDemande, Notification, Piece
from sne.numero import NumeroInvalide, analyser
from sne.services import brouillons, formulaire, impression, radiation
from sne.services.cycle import PREAVIS
from sne.services.demandes import charger, exiger_active, prolonger
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class PieceVue:
    """A piece of the dossier as the applicant sees it."""

    type: str
    statut: str
    recue_le: datetime


@dataclass(frozen=True)
class MailVue:
    """A mail the system sent about the demande."""

    sujet: str
    envoye_le: datetime | None


@dataclass(frozen=True)
class Suivi:
    """A linked demande as its applicant follows it."""

    numero: str
    statut: str
    statut_libelle: str
    guichet: str
    date_depot: date
    date_renouvellement: date | None
    date_expiration: date
    date_preavis: date
    date_radiation: date | None
    motif_radiation: str | None
    renouvelable: bool
    document: dict[str, Any]
    pieces: tuple[PieceVue, ...]
    mails: tuple[MailVue, ...]


def _libelle_type(code: str | None) -> str:
    """The plan de classement's plain name of a piece type ("à classer" before it is known)."""
    type_piece = TYPES_PAR_CODE.get(code or "")
    return type_piece.libelle if type_piece else "à classer"


def demande_liee(session: Session, compte_id: int, numero: str) -> Demande:
    """The demande ``numero`` if the account is linked to it, else ``NotFound`` (no hint why)."""
    try:
        numero = str(analyser(numero))
    except NumeroInvalide:
        raise NotFound("Demande introuvable.") from None
    lien = session.scalar(
        select(LienDemande.id)
        .join(Demande, Demande.id == LienDemande.demande_id)
        .where(
            LienDemande.compte_id == compte_id,
            LienDemande.confirme_le.is_not(None),
            Demande.numero == numero,
            Demande.statut.in_(("active", "radiee")),
        )
    )
    if lien is None:
        raise NotFound("Demande introuvable.")
    return charger(session, numero)


def renouvelable(demande: Demande, aujourd_hui: date) -> bool:
    """Renewal opens with the préavis (a month before expiry) and lasts while the demande is active."""
    return demande.statut == "active" and aujourd_hui >= demande.date_expiration - PREAVIS


def suivre(uow: UnitOfWork, compte_id: int, numero: str, aujourd_hui: date) -> Suivi:
    """The linked demande with its dates, content, pieces and mails."""
    with uow:
        session = uow.session
        demande = demande_liee(session, compte_id, numero)
        pieces = session.scalars(
            select(Piece).where(Piece.demande_id == demande.id).order_by(Piece.created_at)
        ).all()
        mails = session.scalars(
            select(Notification)
            .where(Notification.demande_id == demande.id)
            .order_by(Notification.created_at)
        ).all()
        motif = demande.radiation.motif if demande.radiation else None
        return Suivi(
            numero=demande.numero,
            statut=demande.statut,
            statut_libelle=codes.libelle(codes.STATUT_DEMANDE, demande.statut),
            guichet=demande.guichet.nom,
            date_depot=demande.date_depot,
            date_renouvellement=demande.date_renouvellement,
            date_expiration=demande.date_expiration,
            date_preavis=demande.date_expiration - PREAVIS,
            date_radiation=demande.date_radiation,
            motif_radiation=codes.libelle(codes.MOTIF_RADIATION, motif) if motif else None,
            renouvelable=renouvelable(demande, aujourd_hui),
            document=formulaire.en_document(demande),
            pieces=tuple(
                PieceVue(
                    type=_libelle_type(p.type),
                    statut=codes.libelle(codes.STATUT_PIECE, p.statut),
                    recue_le=p.created_at,
                )
                for p in pieces
            ),
            mails=tuple(MailVue(m.sujet, m.envoyee_le) for m in mails if m.statut == "envoyee"),
        )


def renouveler(uow: UnitOfWork, compte_id: int, numero: str, aujourd_hui: date) -> date:
    """Renew the linked demande online (same numéro, same ancienneté); return the new expiry."""
    with uow:
        session = uow.session
        demande = demande_liee(session, compte_id, numero)
        exiger_active(demande, "renouveler la demande")
        if not renouvelable(demande, aujourd_hui):
            raise Conflict(
                "Votre demande pourra être renouvelée à partir du "
                f"{demande.date_expiration - PREAVIS:%d/%m/%Y}, un mois avant son expiration.",
                code="RENOUVELLEMENT_TROP_TOT",
            )
        prolonger(session, PORTAIL, demande, aujourd_hui, canal="portail")
        uow.commit()
        return demande.date_expiration


def attestation(
    uow: UnitOfWork, compte_id: int, numero: str, aujourd_hui: date, keyring: Keyring
) -> bytes:
    """The attestation d'enregistrement (or de renouvellement) of the linked demande, as a PDF."""
    with uow:
        demande = demande_liee(uow.session, compte_id, numero)
        data = impression.attestation_data(demande, aujourd_hui)
        tracer(
            uow.session,
            PORTAIL,
            entite="demande",
            entite_id=demande.numero,
            action="attestation",
            demande_id=demande.id,
            changements={"canal": "portail", "date_emission": aujourd_hui},
        )
        uow.commit()
    return render_attestation(data, keyring)


def renoncer(uow: UnitOfWork, compte_id: int, numero: str, aujourd_hui: date) -> None:
    """Give up the linked demande: radiation RADABA (renonciation), at once."""
    with uow:
        session = uow.session
        demande = demande_liee(session, compte_id, numero)
        exiger_active(demande, "renoncer à la demande")
        radiation.renoncer(session, PORTAIL, demande, aujourd_hui)
        uow.commit()


def mes_donnees(uow: UnitOfWork, compte_id: int) -> dict[str, Any]:
    """Everything the system holds on the account and its linked demandes (GDPR access)."""
    with uow:
        session = uow.session
        compte = session.get(CompteDemandeur, compte_id)
        if compte is None:
            raise NotFound("Compte introuvable.")
        liens = session.scalars(
            select(LienDemande).where(
                LienDemande.compte_id == compte_id, LienDemande.confirme_le.is_not(None)
            )
        ).all()
        demandes = [session.get(Demande, lien.demande_id) for lien in liens]
        brouillon = brouillons.ligne_de(session, compte_id, utcnow())
        return {
            "compte": {
                "email": compte.email,
                "cree_le": compte.created_at.isoformat(),
                "confirme_le": compte.confirme_le.isoformat() if compte.confirme_le else None,
                "derniere_connexion": (
                    compte.derniere_connexion.isoformat() if compte.derniere_connexion else None
                ),
            },
            "demandes": [
                {
                    "numero": d.numero,
                    "statut": d.statut,
                    "date_depot": d.date_depot.isoformat(),
                    "date_expiration": d.date_expiration.isoformat(),
                    "contenu": formulaire.en_document(d),
                }
                for d in demandes
                if d is not None and d.statut in {"active", "radiee"}
            ],
            # The demande being filed online, as typed (its piece's storage key aside).
            "demande_en_cours": (
                {
                    "contenu": {
                        k: v for k, v in brouillon.contenu.items() if not k.startswith("_")
                    },
                    "enregistree_le": brouillon.updated_at.isoformat(),
                }
                if brouillon is not None
                else None
            ),
        }


#: What an applicant may change online (identity needs a guichet and a piece).
CHAMPS_COORDONNEES = (
    "adresse_ligne1",
    "adresse_ligne2",
    "code_postal",
    "commune",
    "email",
    "telephone_portable",
    "telephone_fixe",
)


def modifier_coordonnees(
    uow: UnitOfWork, compte_id: int, numero: str, valeurs: Mapping[str, str], *, aujourd_hui: date
) -> list[str]:
    """Change the contact details of the linked demande, checked as at a guichet; return the fields changed."""
    with uow:
        session = uow.session
        demande = demande_liee(session, compte_id, numero)
        exiger_active(demande, "modifier la demande")
        avant = formulaire.en_document(demande)
        saisies = {c: (valeurs.get(c) or "").strip() or None for c in CHAMPS_COORDONNEES}
        changes = enregistrer(session, demande, {**avant, **saisies}, aujourd_hui=aujourd_hui)
        if changes:
            uow.commit()
        return sorted(changes)


def enregistrer(
    session: Session, demande: Demande, document: Mapping[str, Any], *, aujourd_hui: date
) -> dict[str, Any]:
    """Validate ``document`` as at a guichet, apply it and trace it for the ``PORTAIL`` actor.

    Returns the field-by-field changes (nothing is written when there are none);
    the caller commits.
    """
    avant = formulaire.en_document(demande)
    propre = formulaire.valider(document, date_depot=demande.date_depot, modifie_le=aujourd_hui)
    changes = formulaire.differences(avant, propre)
    if changes:
        formulaire.appliquer(demande, propre)
        demande.updated_at = utcnow()
        tracer(
            session,
            PORTAIL,
            entite="demande",
            entite_id=demande.numero,
            action="modification",
            demande_id=demande.id,
            changements={**changes, "canal": "portail"},
        )
    return changes
