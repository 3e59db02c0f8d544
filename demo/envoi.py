"""A complete paper sending for the demo, tests and benchmarks: prepared, printed, scanned, processed.

``scanner_envoi`` turns a recorded sending (``Envoi``) into a realistic scanned
batch with ``synth`` (its bordereau and fiches carry the real numbers and the
real signing keys); ``demo_envoi`` runs the whole chain the way production does:
a guichet agent prepares the sending, an operator deposits the scanned batch,
the queue processes it, the pieces land in the dossiers, the mail in the outbox.
``demo_televersement`` does the same for a photo an applicant uploads on the
public portal.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from scanning.qr_payload import Keyring
from sne.acteurs import PORTAIL, Acteur, acteur_pour
from sne.config import Settings
from sne.models import Demande, Lot, Piece
from sne.services import envois, lots
from sne.services.impression import guichet_data
from sne.stockage import store_for
from sne.uow import UnitOfWork
from workers.enqueue import JobQueue, enqueue_traiter_lot
from workers.queue import InProcessQueue

TYPES_DEMO = (
    ("carte_identite", "avis_imposition"),
    ("carte_identite", "bulletin_salaire", "attestation_caf"),
    ("avis_imposition",),
)


@dataclass(frozen=True)
class BilanEnvoi:
    """What the demo sending produced."""

    envoi: str
    lot_id: int
    pages: int
    dossiers: int
    rattaches: int
    pieces: int
    statut: str
    mails: int


def preparer(
    uow: Callable[[], UnitOfWork],
    agent: Acteur,
    numeros: Sequence[str],
    types: Sequence[Sequence[str]],
    aujourd_hui: date,
) -> str:
    """Record the sending of these demandes with the counts their pieces make; return its id."""
    from synth.batch import nb_pages

    declares = [(numero, len(t), 1 + nb_pages(t)) for numero, t in zip(numeros, types, strict=True)]
    return envois.preparer_envoi(uow(), agent, declares, aujourd_hui).identifiant


def scanner_envoi(
    uow: Callable[[], UnitOfWork],
    identifiant: str,
    types: Sequence[Sequence[str]],
    chemin: Path,
    keyring: Keyring,
    *,
    graine: int = 1,
    dpi: int = 150,
    cas: frozenset[str] = frozenset(),
) -> Path:
    """Write the scanned batch of the recorded sending ``identifiant`` at ``chemin``.

    ``cas`` are synth's edge cases to apply (``synth.batch.CAS_DECRITS``).
    """
    from synth.batch import (
        BatchSpec,
        DossierPlan,
        EnvoiPlan,
        bordereau_pour,
        fiche_pour,
        generate_batch,
    )

    with uow() as unit:
        envoi = envois.charger_envoi(unit.session, identifiant)
        guichet = guichet_data(envoi.guichet)
        plans = []
        fiches = []
        for ligne, t in zip(envoi.dossiers, types, strict=True):
            demande: Demande = ligne.demande
            personne = demande.demandeur
            assert personne is not None and personne.date_naissance is not None
            fiche = fiche_pour(
                demande.numero,
                personne.nom_naissance or "",
                personne.prenoms or "",
                personne.date_naissance,
                t,
                envoi.date_transmission,
            )
            fiches.append(fiche)
            plans.append(DossierPlan(fiche, tuple(t)))
        bordereau = bordereau_pour(identifiant, fiches, envoi.date_transmission, guichet)
    generate_batch(
        chemin,
        BatchSpec(dpi=dpi, envers=0.0, cas=cas),
        seed=graine,
        keyring=keyring,
        plan=[EnvoiPlan(bordereau, tuple(plans))],
    )
    return chemin


def types_au_hasard(nombre: int, graine: int) -> list[tuple[str, ...]]:
    """Draw plausible piece types for ``nombre`` dossiers."""
    from synth.batch import pieces_au_hasard

    rng = random.Random(graine)
    return [pieces_au_hasard(rng, rng.randint(1, 3)) for _ in range(nombre)]


def demo_envoi(
    uow: Callable[[], UnitOfWork],
    settings: Settings,
    aujourd_hui: date,
    *,
    agent_login: str = "agent.nord",
    operateur_login: str = "operateur.scan",
) -> BilanEnvoi | None:
    """Run a paper sending end to end with the in-process queue (None: no demande to send)."""
    from sne.documents.cles import keyring_for

    with uow() as unit:
        agent = acteur_pour(unit.session, agent_login)
        operateur = acteur_pour(unit.session, operateur_login)
        numeros = list(
            unit.session.scalars(
                select(Demande.numero)
                .where(Demande.guichet_id == agent.guichet_id, Demande.statut == "active")
                .order_by(Demande.id)
                .limit(len(TYPES_DEMO))
            )
        )
    if not numeros:
        return None
    types = list(TYPES_DEMO[: len(numeros)])
    identifiant = preparer(uow, agent, numeros, types, aujourd_hui)
    chemin = settings.var_dir / "demo" / f"envoi-{identifiant}.pdf"
    scanner_envoi(uow, identifiant, types, chemin, keyring_for(settings))
    queue = InProcessQueue(settings)
    avant = _courriels(settings)
    recu = lots.deposer(
        uow(),
        operateur,
        chemin,
        canal="courrier_guichet",
        storage=store_for(settings),
        enqueue=lambda lot_id: _traiter(queue, lot_id),
        guichet=agent.guichet_code,
        territoire=agent.territoire_code,
    )
    apres = _courriels(settings)
    with uow() as unit:
        lot = unit.session.get(Lot, recu.id)
        assert lot is not None
        pieces = unit.session.scalar(select(func.count()).where(Piece.lot_id == recu.id)) or 0
        rattaches = sum(1 for d in lot.dossiers if d.statut == "rattache")
        return BilanEnvoi(
            identifiant,
            lot.id,
            lot.pages_total,
            lot.dossiers_total,
            rattaches,
            pieces,
            lot.statut,
            apres - avant,
        )


def demo_televersement(
    uow: Callable[[], UnitOfWork], settings: Settings, *, type_piece: str = "quittance_loyer"
) -> list[str]:
    """An applicant uploads a phone photo of a piece; return the French lines the demo prints."""
    from synth.batch import photo_piece

    with uow() as unit:
        numero = unit.session.scalar(
            select(Demande.numero)
            .where(Demande.statut == "active", Demande.email.is_not(None))
            .order_by(Demande.id.desc())
            .limit(1)
        )
    if numero is None:
        return ["Dépôt en ligne : aucune demande active avec une adresse électronique."]
    photo = settings.var_dir / "demo" / f"photo-{type_piece}.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(photo_piece(type_piece, graine=5))
    queue = InProcessQueue(settings)
    avant = _courriels(settings)
    recu = lots.deposer(
        uow(),
        PORTAIL,
        photo,
        canal=lots.TELEVERSEMENT,
        storage=store_for(settings),
        enqueue=lambda lot_id: _traiter(queue, lot_id),
        numero=numero,
        type_declare=type_piece,
    )
    apres = _courriels(settings)
    with uow() as unit:
        piece = unit.session.scalar(select(Piece).where(Piece.lot_id == recu.id))
        etat = f"{piece.type}, {piece.statut}, {piece.taille // 1000} Ko" if piece else "aucune"
    return [
        f"Dépôt en ligne : une photo ({type_piece}) pour la demande {numero} (lot n° {recu.id})",
        f"  pièce jointe au dossier : {etat} ; courriel au demandeur déposé : {apres - avant}",
    ]


def _courriels(settings: Settings) -> int:
    """Count the mails in the outbox (the demo tells how many its deposit added)."""
    return len(list(settings.outbox.glob("*.eml"))) if settings.outbox.exists() else 0


def _traiter(queue: JobQueue, lot_id: int) -> None:
    """Enqueue the processing of ``lot_id`` on the scans queue."""
    enqueue_traiter_lot(queue, lot_id)


def resume(bilan: BilanEnvoi | None) -> list[str]:
    """Return the French lines the demo prints about its paper sending."""
    if bilan is None:
        return ["Envoi papier : aucune demande active au guichet de démonstration."]
    return [
        f"Envoi papier {bilan.envoi} : préparé au guichet, imprimé, numérisé ({bilan.pages} pages)",
        f"  lot n° {bilan.lot_id} traité ({bilan.statut}) : "
        f"{bilan.rattaches}/{bilan.dossiers} dossiers rattachés, {bilan.pieces} pièces jointes",
        f"  courriels de notification déposés : {bilan.mails}",
    ]
