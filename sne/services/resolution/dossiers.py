"""Decisions on a lot's dossiers and loose pages: attach or reject a waiting dossier, place a page.

A waiting dossier attached by an operator becomes one piece to qualify holding
its pages (and the loose pages added to it), cut from the lot's original file;
the operator then splits and qualifies it (``pieces``). A loose page (orphan or
unreadable) is set aside with a reason or added to a dossier: it is never deleted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.manifest import Dossier, Manifest, Role
from scanning.output import write_dossier_pdfs
from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound
from sne.models import Demande, Lot, LotDossier, LotPage
from sne.services.resolution.commun import (
    ResolutionImpossible,
    ajouter_piece,
    lot_a_resoudre,
    manifeste,
    modifiable,
    stocker_pdf,
    tracer_decision,
)
from sne.services.resolution.vue import comptabiliser, decisions_du_lot, pieces_du_lot
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow


def _motif(motif: str) -> str:
    texte = " ".join(motif.split())
    if not texte:
        raise ResolutionImpossible("Indiquez le motif.", code="MOTIF_REQUIS")
    return texte[:2000]


def _ligne(session: Session, lot: Lot, index: int) -> LotDossier:
    ligne = session.scalar(
        select(LotDossier).where(LotDossier.lot_id == lot.id, LotDossier.index == index)
    )
    if ligne is None:
        raise NotFound(f"Le lot n° {lot.id} n'a pas de dossier n° {index + 1}.")
    return ligne


def _en_attente(ligne: LotDossier) -> None:
    if ligne.statut != "en_attente":
        raise Conflict(
            f"Le dossier n° {ligne.index + 1} n'attend plus de décision ({ligne.statut}).",
            code="DOSSIER_DECIDE",
        )


def _pdf_des_pages(store: FileStore, lot: Lot, manifest: Manifest, pages: list[int]) -> bytes:
    """The lot's ``pages`` in one PDF, turned upright as the splitter read them."""
    seul = Manifest(
        manifest.source,
        manifest.sha256,
        manifest.page_count,
        manifest.pages,
        dossiers=(Dossier(0, Role.FICHE, "manuel", -1, tuple(pages)),),
    )
    with tempfile.TemporaryDirectory(prefix="sne-resolution-") as travail:
        with store.local_copy(lot.storage_key, Path(travail)) as original:
            ecrits = write_dossier_pdfs(original, seul, Path(travail) / "sortie")
        return ecrits[0].read_bytes()


def rattacher(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, index: int, numero: str
) -> int | None:
    """Attach the waiting dossier ``index`` to the demande ``numero``; return its new piece's id."""
    numero = numero.strip().upper().replace(" ", "")
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
        modifiable(lot)
        ligne = _ligne(session, lot, index)
        _en_attente(ligne)
        demande = session.scalar(select(Demande).where(Demande.numero == numero))
        if demande is None or demande.territoire_code != lot.territoire_code:
            raise ResolutionImpossible(
                f"Aucune demande n° {numero or '(vide)'} dans le territoire du lot.",
                code="NUMERO_INCONNU",
                details={"numero": "numéro unique inconnu dans ce territoire"},
            )
        if demande.statut != "active":
            raise ResolutionImpossible(
                f"La demande {numero} n'est pas active : aucune pièce ne peut y être jointe.",
                code="DEMANDE_INACTIVE",
                details={"numero": "demande non active"},
            )
        manifest = manifeste(lot)
        ajoutees = sorted(
            p.index
            for p in decisions_du_lot(session, lot).values()
            if p.statut == "ajoutee" and p.dossier_index == index
        )
        pages = [*manifest.dossiers[index].pages, *ajoutees]
        piece_id = None
        if pages:
            fichier = stocker_pdf(store, _pdf_des_pages(store, lot, manifest, pages))
            piece = ajouter_piece(session, lot, index, demande.id, pages, fichier, "rattachement")
            piece_id = piece.id
        motif = ligne.motif
        ligne.statut, ligne.demande_id, ligne.numero = "rattache", demande.id, demande.numero
        ligne.motif, ligne.traite_le = None, utcnow()
        tracer_decision(
            session,
            acteur,
            lot,
            "dossier_rattache_operateur",
            demande.id,
            texte=f"Dossier n° {index + 1} rattaché par un opérateur à la demande {demande.numero}.",
            dossier=index,
            numero=demande.numero,
            motif_attente=motif,
            pages=len(pages),
        )
        uow.commit()
        return piece_id


def rejeter(uow: UnitOfWork, acteur: Acteur, lot_id: int, index: int, motif: str) -> None:
    """Reject the waiting dossier ``index`` with the operator's reason (its pages stay in the lot)."""
    texte = _motif(motif)
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
        modifiable(lot)
        ligne = _ligne(session, lot, index)
        _en_attente(ligne)
        ancien = ligne.motif
        ligne.statut, ligne.motif, ligne.traite_le = "rejete", texte, utcnow()
        tracer_decision(
            session,
            acteur,
            lot,
            "dossier_rejete_operateur",
            ligne.demande_id,
            texte=f"Dossier n° {index + 1} rejeté : {texte}.",
            dossier=index,
            numero=ligne.numero,
            motif=texte,
            motif_attente=ancien,
        )
        uow.commit()


def _page_a_placer(session: Session, lot: Lot, page: int) -> Manifest:
    manifest = manifeste(lot)
    vues, _ = comptabiliser(manifest, pieces_du_lot(session, lot), decisions_du_lot(session, lot))
    if not 0 <= page < len(vues):
        raise NotFound(f"Le lot n° {lot.id} n'a pas de page {page + 1}.")
    if vues[page].destin != "a_placer":
        raise Conflict(
            f"La page {page + 1} n'est ni orpheline ni illisible en attente : "
            f"elle est {vues[page].destin_libelle}.",
            code="PAGE_PLACEE",
        )
    return manifest


def mettre_de_cote(uow: UnitOfWork, acteur: Acteur, lot_id: int, page: int, motif: str) -> None:
    """Set the loose page ``page`` aside with a reason: it stays in the lot, in no dossier."""
    texte = _motif(motif)
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
        modifiable(lot)
        _page_a_placer(session, lot, page)
        session.add(
            LotPage(
                lot_id=lot.id,
                index=page,
                statut="mise_de_cote",
                motif=texte,
                decide_par_id=acteur.utilisateur_id,
                created_at=utcnow(),
            )
        )
        tracer_decision(
            session,
            acteur,
            lot,
            "page_mise_de_cote",
            texte=f"Page {page + 1} du lot mise de côté : {texte}.",
            page=page + 1,
            motif=texte,
        )
        uow.commit()


def ajouter_au_dossier(
    uow: UnitOfWork, acteur: Acteur, store: FileStore, lot_id: int, page: int, index: int
) -> None:
    """Add the loose page ``page`` to dossier ``index``: a new piece if it is attached already."""
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id, verrou=True)
        modifiable(lot)
        manifest = _page_a_placer(session, lot, page)
        try:
            ligne = _ligne(session, lot, index)
        except NotFound:
            raise ResolutionImpossible(
                "Choisissez un dossier du lot.",
                code="DOSSIER_A_CHOISIR",
                details={"dossier": "dossier à choisir"},
            ) from None
        if ligne.statut == "rejete":
            raise Conflict(
                f"Le dossier n° {index + 1} a été rejeté : il ne reçoit plus de page.",
                code="DOSSIER_DECIDE",
            )
        if ligne.statut == "rattache" and ligne.demande_id is not None:
            fichier = stocker_pdf(store, _pdf_des_pages(store, lot, manifest, [page]))
            ajouter_piece(session, lot, index, ligne.demande_id, [page], fichier, "page_ajoutee")
        else:
            session.add(
                LotPage(
                    lot_id=lot.id,
                    index=page,
                    statut="ajoutee",
                    dossier_index=index,
                    decide_par_id=acteur.utilisateur_id,
                    created_at=utcnow(),
                )
            )
        tracer_decision(
            session,
            acteur,
            lot,
            "page_ajoutee_au_dossier",
            ligne.demande_id,
            texte=f"Page {page + 1} du lot ajoutée au dossier n° {index + 1}.",
            page=page + 1,
            dossier=index,
            numero=ligne.numero,
        )
        uow.commit()
