"""Filing a demande online: the draft kept between steps, the identity piece, numbering at GDPUB.

An applicant's draft (``BrouillonDemande``, one per account) is saved at every
step so it can be resumed from any device, and purged after
``brouillons.DUREE`` without change. Filing runs the same registration as a guichet (validation, duplicate
check, numbering) at the public portal's guichet ``GDPUB``, never forcing a
duplicate: an applicant already registered in the territory is told so and
sent to link that demande. The new demande is linked to the account at once;
its identity piece goes through the upload pipeline like any other, and waits
for a guichet of the territory to mark it verified (``DemandeEnLigne``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sne.acteurs import PORTAIL, Acteur
from sne.errors import Conflict, NotFound, SneError, ValidationError
from sne.mail import Envoyer, composer
from sne.models import (
    BrouillonDemande,
    CompteDemandeur,
    Demande,
    DemandeEnLigne,
    Guichet,
    LienDemande,
    Personne,
    Piece,
)
from sne.services import brouillons, controle_depot, demandes, lots
from sne.services.demandes import DemandeEnregistree
from sne.services.doublons import DoublonProbable
from sne.services.doublons.controle import ecrite
from sne.services.pieces_demandeur import MOTS_SIMPLES, REFUS_SIMPLES
from sne.services.trace import tracer
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow

#: The public portal's guichet: it must exist in the territory (``sne demo`` creates it).
GUICHET = "GDPUB"
#: The pieces the law asks with a demande: identity, or right of residence.
PIECES_IDENTITE = ("carte_identite", "passeport", "titre_sejour")
VERIFICATIONS = {"a_verifier": "À vérifier", "verifiee": "Vérifiée", "refusee": "Refusée"}


class DejaInscrit(Conflict):
    """The applicant (or co-holder) already holds an active demande in the territory."""

    code = "DEJA_INSCRIT"


class SansGuichetEnLigne(SneError):
    """The territory has no public portal guichet (``GDPUB``): nothing can be filed online."""

    code = "GDPUB_ABSENT"


def garder_piece(
    uow: UnitOfWork, compte_id: int, fichier: Path, nom: str, type_piece: str, store: FileStore
) -> None:
    """Check the identity piece as any applicant's upload, keep it with the draft until filing."""
    if type_piece not in PIECES_IDENTITE:
        raise ValidationError({"type_piece": "choisissez le document envoyé"})
    try:
        genre = controle_depot.verifier_televersement(fichier)
    except lots.LotInvalide as refus:
        raison = REFUS_SIMPLES.get(refus.code) or refus.message
        raise ValidationError({"fichier": raison}) from None
    extension = lots.FORMATS_TELEVERSES[genre]
    cle = store.put(fichier, folder=f"{brouillons.DOSSIER}/{compte_id}", extension=extension).key
    with uow:
        ligne = brouillons.ligne_de(uow.session, compte_id, utcnow())
        if ligne is None:
            raise NotFound("Votre demande en cours n'existe plus : recommencez-la.")
        ancienne = (ligne.contenu.get(brouillons.PIECE_BROUILLON) or {}).get("cle")
        ligne.contenu = {
            **ligne.contenu,
            brouillons.PIECE_BROUILLON: {"cle": cle, "type": type_piece, "nom": nom},
        }
        ligne.updated_at = utcnow()
        uow.commit()
    if ancienne and ancienne != cle:
        store.delete(ancienne)


def guichet_en_ligne(uow: UnitOfWork) -> Acteur:
    """The actor registering online demandes: the portal, at the open ``GDPUB`` guichet."""
    with uow:
        guichet = uow.session.scalar(
            select(Guichet).where(Guichet.code == GUICHET, Guichet.actif.is_(True))
        )
        if guichet is None:
            raise SansGuichetEnLigne(
                "Le dépôt d'une demande en ligne n'est pas ouvert sur ce territoire : "
                "rendez-vous dans un guichet enregistreur."
            )
        # The portal registers as the agent of its own guichet, traced under its own login.
        return Acteur(
            utilisateur_id=None,
            login=PORTAIL.login,
            role="agent_guichet",
            territoire_code=guichet.territoire_code,
            guichet_id=guichet.id,
            guichet_code=guichet.code,
        )


def deposer(
    uow: UnitOfWork,
    compte_id: int,
    document: dict[str, Any],
    aujourd_hui: date,
    store: FileStore,
    enqueue: lots.Enqueue,
) -> DemandeEnregistree:
    """File the account's draft (``document``): number it at GDPUB, link it, queue its piece.

    Refused with ``DejaInscrit`` (nothing about the other demande) when the
    applicant already holds one in the territory; never forced. The demande, its
    link to the account and its place in the guichets' worklist commit together;
    the identity piece is then deposited as any upload, and the draft (which still
    holds it) goes only once it is. A filing interrupted in between is resumed by
    the next attempt, which deposits the piece of the demande already registered.
    """
    brouillon = brouillons.reprendre(uow, compte_id)
    piece = (brouillon.contenu.get(brouillons.PIECE_BROUILLON) if brouillon else None) or {}
    if not piece.get("cle"):
        raise SneError(
            "Envoyez d'abord votre pièce d'identité ou votre titre de séjour.",
            code="PIECE_IDENTITE_MANQUANTE",
        )
    faite = _depot_interrompu(uow, compte_id)
    if faite is None:
        faite = _enregistrer(uow, compte_id, document, piece["type"], aujourd_hui)
    with (
        tempfile.TemporaryDirectory() as travail,
        store.local_copy(piece["cle"], Path(travail)) as chemin,
    ):
        recu = lots.deposer(
            uow,
            PORTAIL,
            chemin,
            canal=lots.TELEVERSEMENT,
            storage=store,
            enqueue=enqueue,
            numero=faite.numero,
            type_declare=piece["type"],
        )
    with uow:
        session = uow.session
        ligne = session.scalar(
            select(DemandeEnLigne)
            .join(Demande, Demande.id == DemandeEnLigne.demande_id)
            .where(Demande.numero == faite.numero)
        )
        assert ligne is not None
        ligne.lot_id = recu.id
        session.execute(delete(BrouillonDemande).where(BrouillonDemande.compte_id == compte_id))
        uow.commit()
    store.delete(piece["cle"])
    return faite


def _enregistrer(
    uow: UnitOfWork, compte_id: int, document: dict[str, Any], type_piece: str, aujourd_hui: date
) -> DemandeEnregistree:
    """Register the demande at GDPUB, linked to the account and listed for the guichets, at once."""

    def rattacher(session: Session, demande_id: int, numero: str) -> None:
        maintenant = utcnow()
        demandeur = session.scalar(
            select(Personne.id).where(
                Personne.demande_id == demande_id, Personne.role == "demandeur"
            )
        )
        session.add(
            LienDemande(
                compte_id=compte_id,
                demande_id=demande_id,
                personne_id=demandeur,
                confirme_le=maintenant,
                created_at=maintenant,
            )
        )
        session.add(
            DemandeEnLigne(
                demande_id=demande_id,
                compte_id=compte_id,
                type_piece=type_piece,
                verification="a_verifier",
                created_at=maintenant,
            )
        )
        tracer(
            session,
            PORTAIL,
            entite="demande",
            entite_id=numero,
            action="depot_en_ligne",
            demande_id=demande_id,
            changements={"canal": "internet", "piece_identite": type_piece},
        )

    try:
        return demandes.enregistrer(
            uow, guichet_en_ligne(uow), document, aujourd_hui=aujourd_hui, ensuite=rattacher
        )
    except DoublonProbable:
        raise DejaInscrit(
            "Vous avez déjà une demande de logement social en cours dans ce département : "
            "vous ne pouvez pas en déposer une seconde. Reliez votre demande existante à "
            "votre compte avec son numéro unique pour la suivre et la renouveler."
        ) from None


def _depot_interrompu(uow: UnitOfWork, compte_id: int) -> DemandeEnregistree | None:
    """The demande this account filed whose identity piece was never deposited, if any."""
    with uow:
        demande = uow.session.scalar(
            select(Demande)
            .join(DemandeEnLigne, DemandeEnLigne.demande_id == Demande.id)
            .where(
                DemandeEnLigne.compte_id == compte_id,
                DemandeEnLigne.lot_id.is_(None),
                Demande.statut == "active",
            )
        )
        if demande is None:
            return None
        return DemandeEnregistree(
            demande.numero, demande.date_depot, demande.date_renouvellement, demande.date_expiration
        )


@dataclass(frozen=True)
class EnLigneVue:
    """A demande filed online as the guichets' worklist shows it."""

    numero: str
    demandeur: str
    date_depot: date
    type_piece: str
    verification: str
    motif: str | None
    #: The attached identity piece, once the upload pipeline has processed it.
    piece_id: int | None

    @property
    def verification_libelle(self) -> str:
        """French label of the check's state."""
        return VERIFICATIONS[self.verification]


def lister(uow: UnitOfWork, acteur: Acteur, *, toutes: bool = False) -> list[EnLigneVue]:
    """The territory's demandes filed online, those to verify first (or all with ``toutes``)."""
    acteur.exiger("consulter")
    with uow:
        session = uow.session
        query = (
            select(DemandeEnLigne, Demande)
            .join(Demande, Demande.id == DemandeEnLigne.demande_id)
            .order_by(Demande.date_depot, Demande.numero)
        )
        if acteur.territoire_code is not None:
            query = query.where(Demande.territoire_code == acteur.territoire_code)
        if not toutes:
            query = query.where(DemandeEnLigne.verification == "a_verifier")
        vues = []
        for ligne, demande in session.execute(query).all():
            p = next(p for p in demande.personnes if p.role == "demandeur")
            piece_id = (
                session.scalar(select(Piece.id).where(Piece.lot_id == ligne.lot_id))
                if ligne.lot_id is not None
                else None
            )
            vues.append(
                EnLigneVue(
                    numero=demande.numero,
                    demandeur=ecrite(p.nom_naissance, p.prenoms, p.date_naissance),
                    date_depot=demande.date_depot,
                    type_piece=MOTS_SIMPLES.get(ligne.type_piece, ligne.type_piece),
                    verification=ligne.verification,
                    motif=ligne.motif,
                    piece_id=piece_id,
                )
            )
        return vues


def verifier(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    *,
    motif_refus: str | None,
    envoyer: Envoyer,
    expediteur: str,
) -> None:
    """Mark the identity piece of an online demande verified, or refused with ``motif_refus``.

    A refusal is mailed to the applicant's account; both are traced in the demande's history.
    """
    with uow:
        session = uow.session
        demande = demandes.charger(session, numero)
        acteur.exiger("marquer_piece", demande.territoire_code)
        ligne = session.scalar(
            select(DemandeEnLigne).where(DemandeEnLigne.demande_id == demande.id)
        )
        if ligne is None:
            raise NotFound(f"La demande {demande.numero} n'a pas été déposée en ligne.")
        if motif_refus is not None and not motif_refus.strip():
            raise ValidationError({"motif": "indiquez pourquoi la pièce est refusée"})
        ligne.verification = "refusee" if motif_refus else "verifiee"
        ligne.motif = motif_refus.strip()[:500] if motif_refus else None
        ligne.verifie_par = acteur.login
        ligne.verifie_le = utcnow()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="verification_identite",
            demande_id=demande.id,
            changements={"verification": ligne.verification, "motif": ligne.motif},
        )
        compte = session.get(CompteDemandeur, ligne.compte_id) if ligne.compte_id else None
        if motif_refus and compte is not None:
            message = composer(
                expediteur=expediteur,
                destinataire=compte.email,
                sujet=f"Votre demande de logement social {demande.numero} : pièce à renvoyer",
                texte=(
                    "Bonjour,\n\nLe guichet a vérifié la pièce d'identité envoyée avec votre "
                    f"demande {demande.numero} et ne peut pas l'accepter :\n\n"
                    f"{ligne.motif}\n\nEnvoyez une nouvelle pièce depuis votre espace sur le "
                    "portail, ou présentez-vous dans un guichet enregistreur.\n"
                ),
            )
            uow.after_commit(lambda: envoyer(message))
        uow.commit()
