"""Match the dossiers of a split batch to their demandes and attach their pieces, idempotently.

Three steps per dossier, so that no transaction lasts longer than its writes:
``rapprocher_dossier`` decides in a short read which demande the dossier
belongs to or why it must wait for an operator (French reason); the caller
then cuts and classifies the matched dossier's pieces (OCR, outside any
transaction) and ``stocker_pieces`` puts their files in the store (content
addressed, so a re-run rewrites nothing); ``enregistrer_dossier`` records the
outcome with the pieces in one short transaction: each piece row has a unique
key ``"{lot}:{dossier}:{rang}"``, so a re-run after a crash never attaches a
piece twice, and the lot's progress moves in the same commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.manifest import Anomaly, Dossier, DossierStatus, Manifest, Role
from sne import identite
from sne.acteurs import SYSTEME
from sne.models import Demande, Envoi, EnvoiDemande, Guichet, Lot, LotDossier, Piece
from sne.services.trace import tracer
from sne.stockage import FileStore, StoredFile
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class Rapprochement:
    """Where a dossier goes: a demande (``rattache``) or an operator's queue, with why."""

    statut: str  # "rattache" or "en_attente"
    motif: str | None = None
    demande_id: int | None = None
    envoi_id: int | None = None


@dataclass(frozen=True)
class PieceDecoupee:
    """A piece cut from a dossier PDF by the scanning library, its file on disk."""

    rang: int
    pages: tuple[int, ...]  # indices of the batch's pages
    type: str | None
    confiance: float | None
    statut: str  # "classee", "a_qualifier" or "rejetee"
    motif_rejet: str | None
    fichier: Path | None
    taille_originale: int
    taille: int
    traitement: dict[str, Any] = field(default_factory=dict)
    sensible: bool = False


def _attente(motif: str, **ids: int | None) -> Rapprochement:
    return Rapprochement("en_attente", motif, ids.get("demande_id"), ids.get("envoi_id"))


def _motif_revue(manifest: Manifest, dossier: Dossier) -> str:
    """Say in French why the splitter sent this dossier to manual review."""
    messages = [a.message.rstrip(".") for a in manifest.anomalies if _concerne(a, dossier)]
    if not messages:
        return "Le dossier ne se rapproche pas de sa fiche : à vérifier."
    return " ; ".join(messages) + "."


def _concerne(anomalie: Anomaly, dossier: Dossier) -> bool:
    return anomalie.dossier == dossier.index or (
        anomalie.dossier is None
        and anomalie.sending is not None
        and anomalie.sending == dossier.sending
    )


def rapprocher(session: Session, lot: Lot, manifest: Manifest, dossier: Dossier) -> Rapprochement:
    """Find the demande of ``dossier`` and check it may receive these pieces, or say why not."""
    if dossier.status != DossierStatus.OK:
        return _attente(_motif_revue(manifest, dossier))
    if not dossier.pages:
        return _attente("Le dossier ne contient aucune page de pièce.")
    demande = session.scalar(select(Demande).where(Demande.numero == dossier.numero))
    if demande is None:
        return _attente(f"Numéro unique inconnu : {dossier.numero}.")
    ids: dict[str, int | None] = {"demande_id": demande.id}
    if demande.statut != "active":
        return _attente(
            f"La demande {demande.numero} n'est pas active ({demande.statut}) : "
            "les pièces ne peuvent pas y être jointes.",
            **ids,
        )
    if demande.territoire_code != lot.territoire_code:
        return _attente(
            f"La demande {demande.numero} relève du territoire {demande.territoire_code}, "
            f"pas de celui du lot ({lot.territoire_code}).",
            **ids,
        )
    if dossier.nom is not None and not _meme_nom(demande, dossier.nom):
        return _attente(
            f"Le nom lu sur la page ({dossier.nom}) ne correspond pas au demandeur "
            f"de la demande {demande.numero}.",
            **ids,
        )
    if dossier.naissance is not None and not _meme_naissance(demande, dossier.naissance):
        jour = "/".join(reversed(dossier.naissance.split("-")))
        return _attente(
            f"La date de naissance lue sur la fiche ({jour}) ne correspond pas au demandeur "
            f"de la demande {demande.numero}.",
            **ids,
        )
    if dossier.kind == Role.FICHE and dossier.sending is not None:
        return _rapprocher_envoi(session, lot, manifest, dossier, demande)
    # An applicant's attestation, or a guichet's fiche deposited without a bordereau.
    return Rapprochement("rattache", None, demande.id, None)


def _rapprocher_envoi(
    session: Session, lot: Lot, manifest: Manifest, dossier: Dossier, demande: Demande
) -> Rapprochement:
    """Check the dossier against the sending recorded when the guichet printed its bordereau."""
    assert dossier.sending is not None
    sending = manifest.envois[dossier.sending]
    envoi = session.scalar(select(Envoi).where(Envoi.identifiant == sending.envoi))
    if envoi is None:
        return _attente(
            f"L'envoi {sending.envoi} du bordereau n'a jamais été préparé : envoi inconnu.",
            demande_id=demande.id,
        )
    ids: dict[str, int | None] = {"demande_id": demande.id, "envoi_id": envoi.id}
    guichet = session.get(Guichet, envoi.guichet_id)
    code = guichet.code if guichet else "?"
    if code != sending.guichet:
        return _attente(
            f"L'envoi {envoi.identifiant} a été préparé par le guichet {code}, "
            f"pas par le guichet {sending.guichet} inscrit sur le bordereau.",
            **ids,
        )
    if lot.guichet_id is not None and lot.guichet_id != envoi.guichet_id:
        return _attente(
            f"L'envoi {envoi.identifiant} appartient au guichet {code}, "
            "pas au guichet qui a déposé le lot.",
            **ids,
        )
    ligne = session.scalar(
        select(EnvoiDemande).where(
            EnvoiDemande.envoi_id == envoi.id, EnvoiDemande.demande_id == demande.id
        )
    )
    if ligne is None:
        return _attente(
            f"La demande {demande.numero} ne figure pas dans l'envoi {envoi.identifiant} "
            "préparé par le guichet.",
            **ids,
        )
    if dossier.declared_pages is not None and dossier.declared_pages != ligne.nb_pages:
        return _attente(
            f"La fiche de la demande {demande.numero} déclare {dossier.declared_pages} pages, "
            f"l'envoi {envoi.identifiant} en a enregistré {ligne.nb_pages}.",
            **ids,
        )
    return Rapprochement("rattache", None, demande.id, envoi.id)


def _meme_nom(demande: Demande, nom: str) -> bool:
    """Tell whether ``nom`` (read by OCR) names the applicant (birth or usage name)."""
    lu = identite.cle_nom(nom) or ""
    for personne in demande.personnes:
        if personne.role != "demandeur":
            continue
        for connu in (personne.nom_naissance, personne.nom_usage):
            cle = identite.cle_nom(connu)
            if cle and lu and (cle in lu or lu in cle):
                return True
    return False


def _meme_naissance(demande: Demande, naissance: str) -> bool:
    """Tell whether ``naissance`` (ISO, read by OCR) is the applicant's date of birth.

    One differing digit is taken for a misread (about 3 % of degraded scans do it),
    not for another person: the signed numéro unique already names the demande.
    """
    personne = demande.demandeur
    if personne is None or personne.date_naissance is None:
        return True
    connue = personne.date_naissance.isoformat()
    return sum(1 for a, b in zip(connue, naissance, strict=False) if a != b) <= 1


def cle_piece(lot_id: int, dossier_index: int, rang: int) -> str:
    """Return the idempotency key of a piece cut from a batch."""
    return f"{lot_id}:{dossier_index}:{rang}"


def rapprocher_dossier(
    uow: UnitOfWork, lot_id: int, manifest: Manifest, dossier: Dossier
) -> Rapprochement:
    """Decide where ``dossier`` of the lot goes, in a short read-only transaction."""
    with uow:
        lot = uow.session.get(Lot, lot_id)
        assert lot is not None
        return rapprocher(uow.session, lot, manifest, dossier)


@dataclass(frozen=True)
class PieceStockee:
    """A cut piece and where its file went in the store (None: a rejected piece has no file)."""

    piece: PieceDecoupee
    fichier: StoredFile | None


def stocker_pieces(store: FileStore, pieces: Sequence[PieceDecoupee]) -> list[PieceStockee]:
    """Put the pieces' files in the store (by content hash: storing again rewrites nothing)."""
    return [
        PieceStockee(
            piece,
            None
            if piece.fichier is None
            else store.put(
                piece.fichier,
                folder="pieces",
                extension=piece.fichier.suffix or ".pdf",
                shard=True,
            ),
        )
        for piece in pieces
    ]


def enregistrer_dossier(
    uow: UnitOfWork,
    lot_id: int,
    dossier: Dossier,
    issue: Rapprochement,
    pieces: Sequence[PieceStockee] = (),
) -> bool:
    """Record the dossier's outcome, attach its stored pieces and count it done, in one commit.

    Return False when a previous run recorded the dossier already (nothing changes).
    """
    with uow:
        session = uow.session
        # The lot row lock orders the progress counters of concurrent runs; held only here.
        lot = session.get(Lot, lot_id, with_for_update=True)
        assert lot is not None
        existant = session.scalar(
            select(LotDossier.id).where(
                LotDossier.lot_id == lot_id, LotDossier.index == dossier.index
            )
        )
        if existant is not None:
            return False
        statut, motif = _issue_des_pieces(issue, pieces)
        session.add(
            LotDossier(
                lot_id=lot_id,
                index=dossier.index,
                numero=dossier.numero or None,
                demande_id=issue.demande_id,
                envoi_id=issue.envoi_id,
                envoi_index=dossier.sending,
                statut=statut,
                motif=motif,
                nb_pages=len(dossier.pages),
                traite_le=utcnow(),
            )
        )
        attachees = 0
        if issue.statut == "rattache" and issue.demande_id is not None:
            attachees = _attacher(session, lot, dossier, issue.demande_id, pieces)
        lot.pages_faites += len(dossier.pages) + 1  # the separator page too
        lot.dossiers_faits += 1
        session.flush()
        tracer(
            session,
            SYSTEME,
            entite="lot",
            entite_id=lot_id,
            action={"rattache": "dossier_rattache", "rejete": "dossier_rejete"}.get(
                statut, "dossier_en_attente"
            ),
            demande_id=issue.demande_id,
            changements={
                "dossier": dossier.index,
                "numero": dossier.numero,
                "pieces": attachees,
                "motif": motif,
            },
        )
        uow.commit()
        return True


def _issue_des_pieces(
    issue: Rapprochement, pieces: Sequence[PieceStockee]
) -> tuple[str, str | None]:
    """The dossier's status and reason: ``rejete`` when it was matched but every piece was refused."""
    if issue.statut == "rattache" and pieces and all(p.piece.statut == "rejetee" for p in pieces):
        motifs = dict.fromkeys(p.piece.motif_rejet or "motif non précisé" for p in pieces)
        return "rejete", " ; ".join(motifs)
    return issue.statut, issue.motif


def _attacher(
    session: Session,
    lot: Lot,
    dossier: Dossier,
    demande_id: int,
    pieces: Sequence[PieceStockee],
) -> int:
    """Insert the pieces not attached yet (by key) and return how many were inserted."""
    cles = {cle_piece(lot.id, dossier.index, p.piece.rang): p for p in pieces}
    deja = set(session.scalars(select(Piece.cle).where(Piece.cle.in_(list(cles)))).all())
    maintenant = utcnow()
    for cle, stockee in cles.items():
        if cle in deja:
            continue
        piece, fichier = stockee.piece, stockee.fichier
        session.add(
            Piece(
                demande_id=demande_id,
                type=piece.type,
                categorie=_categorie(piece.type),
                pages=len(piece.pages),
                taille=fichier.size if fichier else piece.taille,
                sha256=fichier.sha256 if fichier else "",
                canal=lot.canal,
                statut=piece.statut,
                sensible=piece.sensible,
                storage_key=fichier.key if fichier else None,
                deposee_par_id=lot.depose_par_id,
                created_at=maintenant,
                lot_id=lot.id,
                lot_dossier_index=dossier.index,
                rang=piece.rang,
                cle=cle,
                pages_lot=list(piece.pages),
                confiance=piece.confiance,
                taille_originale=piece.taille_originale,
                traitement=piece.traitement,
                motif_rejet=piece.motif_rejet,
            )
        )
    return len(cles) - len(deja)


def _categorie(code: str | None) -> str | None:
    """Return the category of a piece type of the plan de classement, if known."""
    if code is None:
        return None
    from scanning.plan import type_piece

    try:
        return type_piece(code).categorie
    except (KeyError, ValueError):
        return None
