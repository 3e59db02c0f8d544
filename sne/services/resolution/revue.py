"""Closing a lot's review: once nothing waits, the lot is processed and the mails say what was decided.

The notification prepared when the pipeline finished said which dossiers
waited; closing the review prepares one more per recipient (key ``…:revue``)
with the same composition of the outcome, now final, and the list of the
operators' decisions read back from the history. It is sent like the others:
by the queue when the caller passes ``planifier``, else with ``sne lots
notifications --relancer``.
"""

from __future__ import annotations

import functools

from sqlalchemy import select

from sne.acteurs import Acteur
from sne.models import Envoi, Historique, LotDossier, Notification
from sne.services import notifications
from sne.services.lots import FINIS, _envoi_complet
from sne.services.resolution.commun import (
    ResolutionImpossible,
    lot_a_resoudre,
    manifeste,
    tracer_decision,
)
from sne.services.resolution.vue import comptabiliser, decisions_du_lot, pieces_du_lot
from sne.uow import UnitOfWork, utcnow

#: History actions of the operators' decisions (``commun.tracer_decision``).
DECISIONS = (
    "dossier_rattache_operateur",
    "dossier_rejete_operateur",
    "page_mise_de_cote",
    "page_ajoutee_au_dossier",
    "piece_qualifiee",
    "piece_marquee",
    "page_deplacee",
    "page_tournee",
    "piece_scindee",
    "pieces_jointes",
)


def _reste(dossiers: list[LotDossier], a_placer: int, a_qualifier: int) -> str:
    """Say in French what still waits for a decision (empty: nothing)."""
    restes = []
    attente = sum(1 for d in dossiers if d.statut not in FINIS)
    if attente:
        restes.append(f"{attente} dossier(s) en attente")
    if a_placer:
        restes.append(f"{a_placer} page(s) orpheline(s) ou illisible(s) à placer")
    if a_qualifier:
        restes.append(f"{a_qualifier} pièce(s) à qualifier")
    return ", ".join(restes)


def terminer_revue(
    uow: UnitOfWork, acteur: Acteur, lot_id: int, planifier: notifications.Planifier | None = None
) -> list[int]:
    """Close the review of a lot with nothing left to decide; return the notifications prepared.

    ``planifier`` schedules each mail's sending after the commit (the queue's job);
    without it the mails wait for ``sne lots notifications --relancer``.
    """
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
        if lot.statut != "a_revoir":
            raise ResolutionImpossible(
                f"Le lot n° {lot.id} n'est pas en attente de revue.", code="LOT_SANS_REVUE"
            )
        dossiers = list(
            session.scalars(
                select(LotDossier).where(LotDossier.lot_id == lot.id).order_by(LotDossier.index)
            )
        )
        pieces = pieces_du_lot(session, lot)
        vues, _ = comptabiliser(manifeste(lot), pieces, decisions_du_lot(session, lot))
        reste = _reste(
            dossiers,
            sum(1 for v in vues if v.destin == "a_placer"),
            sum(1 for p in pieces if p.statut == "a_qualifier"),
        )
        if reste:
            raise ResolutionImpossible(f"La revue ne peut pas être close : {reste}.", code="REVUE")
        lot.statut, lot.traite_le = "traite", utcnow()
        for envoi_id in {d.envoi_id for d in dossiers if d.envoi_id is not None}:
            envoi = session.get(Envoi, envoi_id)
            groupe = [d for d in dossiers if d.envoi_id == envoi_id]
            if envoi is not None and _envoi_complet(session, envoi, groupe):
                envoi.statut = "traite"
        decisions = list(
            session.scalars(
                select(Historique)
                .where(
                    Historique.entite == "lot",
                    Historique.entite_id == str(lot.id),
                    Historique.action.in_(DECISIONS),
                )
                .order_by(Historique.id)
            )
        )
        crees = []
        for destinataire in notifications._destinataires(session, lot, dossiers):
            cle = f"{destinataire.cle}:revue"
            if destinataire.adresse is None or session.scalar(
                select(Notification.id).where(Notification.cle == cle)
            ):
                continue
            sujet, corps = notifications._texte(session, lot, destinataire)
            demandes = {d.demande_id for d in destinataire.dossiers if d.demande_id is not None}
            indices = {d.index for d in destinataire.dossiers}
            lignes = [
                f"- {h.changements.get('texte')}"
                for h in decisions
                if h.demande_id in demandes
                or h.changements.get("dossier") in indices
                or (h.demande_id is None and h.changements.get("dossier") is None)
            ]
            paragraphes = corps.split("\n\n")
            if lignes:
                bloc = "Décisions du service de numérisation après vérification :\n"
                paragraphes[-2:-2] = [bloc + "\n".join(lignes)]
            notification = Notification(
                lot_id=lot.id,
                envoi_id=destinataire.envoi.id if destinataire.envoi else None,
                demande_id=destinataire.demande_id,
                destinataire=destinataire.adresse,
                sujet=f"Vérification terminée — {sujet}",
                corps="\n\n".join(paragraphes),
                type=destinataire.type,
                statut="a_envoyer",
                tentatives=0,
                cle=cle,
                created_at=utcnow(),
            )
            session.add(notification)
            session.flush()
            crees.append(notification.id)
        if planifier is not None:
            for notification_id in crees:
                uow.after_commit(functools.partial(planifier, notification_id))
        tracer_decision(
            session,
            acteur,
            lot,
            "revue_terminee",
            texte="Vérification du lot terminée.",
            notifications=crees,
        )
        uow.commit()
        return crees
