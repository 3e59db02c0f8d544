"""Notification mails once a batch is processed: to the guichet's référent, and to applicants.

``preparer_notifications`` runs when a lot is processed. It writes one
``notification`` row per sending (to the référent address of the guichet) or,
for an applicant's own mail, per demande (to the applicant, when an e-mail is
known), with its French text composed from the committed outcome, and enqueues
the sending only after the commit. ``envoyer`` sends one of them and records
the outcome: a failure is kept with its reason and the attempt count, and the
row stays to be sent again (automatically by the queue's retries, or with
``sne lots notifications --relancer``); nothing is dropped. Keys make both
steps safe to run twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.plan import TYPES_PAR_CODE
from sne.acteurs import SYSTEME
from sne.mail import Envoyer, composer
from sne.models import (
    Demande,
    Envoi,
    EnvoiDemande,
    Guichet,
    Lot,
    LotDossier,
    Notification,
    Piece,
)
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: Schedules the sending of a notification (its id), after the commit.
Planifier = Callable[[int], None]

CANAUX_GUICHET = ("courrier_guichet", "depot_professionnel")


@dataclass(frozen=True)
class Destinataire:
    """Who a notification goes to, and about which dossiers of the lot."""

    cle: str
    adresse: str | None
    type: str  # "envoi_traite" (guichet) or "pieces_recues" (applicant)
    dossiers: tuple[LotDossier, ...]
    envoi: Envoi | None = None
    demande_id: int | None = None


def preparer_notifications(uow: UnitOfWork, lot_id: int, planifier: Planifier) -> list[int]:
    """Write the lot's notifications (once) and schedule their sending after the commit."""
    with uow:
        session = uow.session
        lot = session.get(Lot, lot_id)
        if lot is None:
            return []
        dossiers = session.scalars(
            select(LotDossier).where(LotDossier.lot_id == lot_id).order_by(LotDossier.index)
        ).all()
        crees: list[int] = []
        for destinataire in _destinataires(session, lot, list(dossiers)):
            if session.scalar(select(Notification.id).where(Notification.cle == destinataire.cle)):
                continue  # already prepared by an earlier run
            if destinataire.adresse is None:
                tracer(
                    session,
                    SYSTEME,
                    entite="lot",
                    entite_id=lot.id,
                    action="notification_impossible",
                    changements={"cle": destinataire.cle, "motif": "aucune adresse connue"},
                )
                continue
            sujet, corps = _texte(session, lot, destinataire)
            notification = Notification(
                lot_id=lot.id,
                envoi_id=destinataire.envoi.id if destinataire.envoi else None,
                demande_id=destinataire.demande_id,
                destinataire=destinataire.adresse,
                sujet=sujet,
                corps=corps,
                type=destinataire.type,
                statut="a_envoyer",
                tentatives=0,
                cle=destinataire.cle,
                created_at=utcnow(),
            )
            session.add(notification)
            session.flush()
            crees.append(notification.id)
        for notification_id in crees:
            uow.after_commit(functools.partial(planifier, notification_id))
        uow.commit()
    return crees


def _destinataires(session: Session, lot: Lot, dossiers: list[LotDossier]) -> list[Destinataire]:
    if lot.canal in CANAUX_GUICHET:
        groupes: dict[int | None, list[LotDossier]] = {}
        for dossier in dossiers:
            groupes.setdefault(dossier.envoi_index, []).append(dossier)
        resultat = []
        for envoi_index, groupe in groupes.items():
            envoi = _envoi_du_groupe(session, lot, envoi_index, groupe)
            guichet_id = envoi.guichet_id if envoi is not None else lot.guichet_id
            guichet = session.get(Guichet, guichet_id) if guichet_id is not None else None
            resultat.append(
                Destinataire(
                    cle=f"lot:{lot.id}:envoi:{envoi_index if envoi_index is not None else '-'}",
                    adresse=guichet.referent_email if guichet is not None else None,
                    type="envoi_traite",
                    dossiers=tuple(groupe),
                    envoi=envoi,
                )
            )
        return resultat
    resultat = []
    for dossier in dossiers:
        if dossier.demande_id is None:
            continue  # an unknown number: no applicant to write to; the operator sees it
        demande = session.get(Demande, dossier.demande_id)
        resultat.append(
            Destinataire(
                cle=f"lot:{lot.id}:demande:{dossier.demande_id}",
                adresse=demande.email if demande is not None else None,
                type="pieces_recues",
                dossiers=(dossier,),
                demande_id=dossier.demande_id,
            )
        )
    return resultat


def _envoi_du_groupe(
    session: Session, lot: Lot, envoi_index: int | None, groupe: list[LotDossier]
) -> Envoi | None:
    """The envoi of these dossiers: as matched, or as its bordereau named it (dossiers held)."""
    envoi_id = next((d.envoi_id for d in groupe if d.envoi_id is not None), None)
    if envoi_id is not None:
        return session.get(Envoi, envoi_id)
    envois = (lot.manifest or {}).get("envois", ())
    if envoi_index is None or not 0 <= envoi_index < len(envois):
        return None
    identifiant = envois[envoi_index].get("envoi")
    envoi = session.scalar(select(Envoi).where(Envoi.identifiant == identifiant))
    # Only an envoi of the guichet that deposited the lot (or of its territory) is named.
    if envoi is None or lot.guichet_id not in (None, envoi.guichet_id):
        return None
    return envoi if envoi.territoire_code == lot.territoire_code else None


def _libelle(code: str | None) -> str:
    if code is None or code not in TYPES_PAR_CODE:
        return "Pièce à qualifier"
    return TYPES_PAR_CODE[code].libelle


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _texte(session: Session, lot: Lot, destinataire: Destinataire) -> tuple[str, str]:
    """Subject and French body: per demande, pieces uploaded and rejected; then anomalies."""
    recu = lot.recu_le.strftime("%d/%m/%Y")
    lignes: list[str] = []
    if destinataire.envoi is not None:
        quoi = f"l'envoi {destinataire.envoi.identifiant}"
    elif destinataire.type == "envoi_traite":
        quoi = f"le dépôt « {lot.nom_fichier} »"
    elif lot.canal == "portail_demandeur":
        quoi = f"votre document « {lot.nom_fichier} » déposé sur le portail"
    else:
        quoi = "votre courrier"
    sujet = f"Pièces numérisées : {quoi} reçu le {recu} a été traité"
    lignes.append("Bonjour,")
    lignes.append(
        f"Le service de numérisation a traité {quoi}, reçu le {recu} (lot n° {lot.id}). "
        "Voici ce qui a été ajouté aux dossiers des demandeurs."
    )
    for dossier in destinataire.dossiers:
        pieces = session.scalars(
            select(Piece)
            .where(Piece.lot_id == lot.id, Piece.lot_dossier_index == dossier.index)
            .order_by(Piece.rang)
        ).all()
        bloc = [f"Demande {dossier.numero or '(numéro illisible)'}"]
        if dossier.statut == "en_attente":
            bloc.append(
                f"  Non rattaché : {(dossier.motif or 'en attente de vérification').rstrip('.')}. "
                "Un opérateur va examiner ce dossier ; aucune pièce n'a encore été ajoutée."
            )
        deposees = [p for p in pieces if p.statut != "rejetee"]
        rejetees = [p for p in pieces if p.statut == "rejetee"]
        if deposees:
            bloc.append("  Pièces téléversées :")
            bloc.extend(f"  - {_libelle(p.type)} ({_pages(p.pages)})" for p in deposees)
        if rejetees:
            bloc.append("  Pièces rejetées :")
            bloc.extend(
                f"  - {_libelle(p.type)} ({_pages(p.pages)}) : {p.motif_rejet or 'motif non précisé'}"
                for p in rejetees
            )
        if dossier.statut == "rattache" and not pieces:
            bloc.append("  Aucune pièce trouvée pour cette demande.")
        lignes.append("\n".join(bloc))
    lignes.extend(_demandes_attendues(session, destinataire))
    anomalies = _anomalies(lot, destinataire)
    if anomalies:
        lignes.append("Anomalies relevées :\n" + "\n".join(f"- {a}" for a in anomalies))
    lignes.append(
        "Les pièces à qualifier seront classées par un opérateur. En cas de désaccord, "
        "signalez-le par le formulaire d'incident du portail des guichets."
        if destinataire.type == "envoi_traite"
        else "Vous pouvez consulter les pièces de votre dossier sur le portail grand public."
    )
    lignes.append("Le service de numérisation des pièces justificatives")
    return sujet, "\n\n".join(lignes)


def _demandes_attendues(session: Session, destinataire: Destinataire) -> list[str]:
    """A block per demande the envoi declared but whose dossier was not found in the lot."""
    if destinataire.envoi is None:
        return []
    trouvees = {d.numero for d in destinataire.dossiers}
    declarees = session.scalars(
        select(Demande.numero)
        .join(EnvoiDemande, EnvoiDemande.demande_id == Demande.id)
        .where(EnvoiDemande.envoi_id == destinataire.envoi.id)
        .order_by(EnvoiDemande.rang)
    )
    return [
        f"Demande {numero}\n  En attente : aucune fiche récapitulative n'a été trouvée pour "
        "cette demande dans le lot ; aucune pièce n'a encore été ajoutée. Un opérateur "
        "vérifie le lot."
        for numero in declarees
        if numero not in trouvees
    ]


def _anomalies(lot: Lot, destinataire: Destinataire) -> list[str]:
    """The splitter's anomalies that concern these dossiers (or the whole batch)."""
    manifest = lot.manifest or {}
    indices = {d.index for d in destinataire.dossiers}
    envois = {d.envoi_index for d in destinataire.dossiers}
    messages = []
    for anomalie in manifest.get("anomalies", ()):
        if (
            anomalie.get("dossier") in indices
            or (anomalie.get("dossier") is None and anomalie.get("sending") in envois)
            or (anomalie.get("dossier") is None and anomalie.get("sending") is None)
        ):
            messages.append(str(anomalie.get("message")))
    return messages


def envoyer(uow: UnitOfWork, notification_id: int, envoyer_mail: Envoyer, expediteur: str) -> str:
    """Send one notification and record the outcome; raise again on failure so it is retried."""
    with uow:
        notification = uow.session.get(Notification, notification_id)
        if notification is None:
            return "inconnue"
        if notification.statut == "envoyee":
            return "deja_envoyee"
        message = composer(
            expediteur=expediteur,
            destinataire=notification.destinataire,
            sujet=notification.sujet,
            texte=notification.corps,
        )
        notification.tentatives += 1
        try:
            envoyer_mail(message)
        except Exception as erreur:
            notification.statut = "echec"
            notification.derniere_erreur = f"{type(erreur).__name__}: {erreur}"[:2000]
            uow.commit()
            raise
        notification.statut = "envoyee"
        notification.envoyee_le = utcnow()
        notification.derniere_erreur = None
        uow.commit()
        return "envoyee"


def a_relancer(uow: UnitOfWork) -> list[int]:
    """Notifications not sent yet (failed or never attempted), oldest first."""
    with uow:
        return list(
            uow.session.scalars(
                select(Notification.id)
                .where(Notification.statut != "envoyee")
                .order_by(Notification.id)
            )
        )
