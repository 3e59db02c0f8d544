"""The operator's view of a lot: every page with its role and fate, the dossiers and their pieces.

``comptabiliser`` is the accounting every decision must keep true: each page of
the lot has exactly one fate (a separator, a blank page, a page of one piece, a
page of a dossier without pieces, a page set aside, or a page still to place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.manifest import ROLE_LABELS, Manifest, PageRecord, Role
from scanning.plan import TYPES_PAR_CODE
from sne import codes
from sne.acteurs import Acteur
from sne.errors import NotFound
from sne.models import Demande, Lot, LotDossier, LotPage, Piece
from sne.services.resolution.commun import lot_a_resoudre, manifeste
from sne.uow import UnitOfWork

#: Pages shown at a time on a lot's page (each with its thumbnail).
PAR_PAGE = 60
SEPARATEURS = (Role.BORDEREAU, Role.FICHE, Role.ATTESTATION)
A_PLACER = (Role.ORPHELINE, Role.ILLISIBLE)
#: What became of a page, in French.
DESTINS = {
    "separateur": "page séparatrice",
    "blanche": "page blanche retirée",
    "piece": "dans une pièce",
    "dossier": "dans un dossier sans pièce",
    "mise_de_cote": "mise de côté",
    "a_placer": "à placer",
}


@dataclass(frozen=True)
class PageVue:
    """One page of the lot: its role, where it went, and why when set aside."""

    index: int
    role: str
    role_libelle: str
    destin: str
    dossier: int | None = None
    piece_id: int | None = None
    motif: str | None = None
    note: str = ""

    @property
    def destin_libelle(self) -> str:
        """The page's fate, in French."""
        return DESTINS[self.destin]


@dataclass(frozen=True)
class PieceVue:
    """A piece cut from the lot, with the lot's pages it holds."""

    id: int
    dossier: int | None
    rang: int | None
    type: str | None
    type_libelle: str
    statut: str
    statut_libelle: str
    pages: tuple[int, ...]
    motif: str | None

    @property
    def numeros_pages(self) -> str:
        """The lot's page numbers of the piece, counted from 1."""
        return ", ".join(str(index + 1) for index in self.pages)


@dataclass(frozen=True)
class DossierVue:
    """A dossier found in the lot: its outcome, separator page, pages and pieces."""

    index: int
    numero: str | None
    statut: str
    statut_libelle: str
    motif: str | None
    separateur: int
    pages: tuple[int, ...]
    ajoutees: tuple[int, ...]
    pieces: tuple[PieceVue, ...]
    demande_id: int | None


@dataclass(frozen=True)
class Comptes:
    """How many pages have each fate; ``doublons``: pages claimed twice (must stay empty)."""

    par_destin: dict[str, int]
    doublons: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class LotVue:
    """What the lot's page shows: one page of its pages, all its dossiers, the counts."""

    id: int
    nom_fichier: str
    canal: str
    statut: str
    statut_libelle: str
    recu_le: datetime
    echeance: date
    page_count: int
    pages: tuple[PageVue, ...]
    page: int
    nb_pages_liste: int
    dossiers: tuple[DossierVue, ...]
    a_placer: tuple[int, ...]
    comptes: Comptes


def pieces_du_lot(session: Session, lot: Lot) -> list[Piece]:
    """The pieces cut from the lot, by dossier and rank."""
    return list(
        session.scalars(
            select(Piece)
            .where(Piece.lot_id == lot.id)
            .order_by(Piece.lot_dossier_index, Piece.rang, Piece.id)
        )
    )


def decisions_du_lot(session: Session, lot: Lot) -> dict[int, LotPage]:
    """The operators' decisions on the lot's loose pages, by page index."""
    return {p.index: p for p in session.scalars(select(LotPage).where(LotPage.lot_id == lot.id))}


def _page(
    record: PageRecord,
    destin: str,
    dossier: int | None = None,
    piece_id: int | None = None,
    motif: str | None = None,
) -> PageVue:
    return PageVue(
        record.index,
        record.role.value,
        ROLE_LABELS[record.role],
        destin,
        dossier,
        piece_id,
        motif,
        record.note,
    )


def comptabiliser(
    manifest: Manifest, pieces: list[Piece], decisions: dict[int, LotPage]
) -> tuple[list[PageVue], tuple[int, ...]]:
    """Give every page of the lot its one fate; return the pages and those claimed twice."""
    piece_de: dict[int, Piece] = {}
    doublons: list[int] = []
    for piece in pieces:
        for index in piece.pages_lot or ():
            if index in piece_de:
                doublons.append(index)
            piece_de[index] = piece
    vues = []
    for record in manifest.pages:
        decision = decisions.get(record.index)
        contenante = piece_de.get(record.index)
        if contenante is not None:
            vue = _page(record, "piece", contenante.lot_dossier_index, contenante.id)
        elif decision is not None and decision.statut == "mise_de_cote":
            vue = _page(record, "mise_de_cote", motif=decision.motif)
        elif decision is not None:
            vue = _page(record, "dossier", decision.dossier_index)
        elif record.role in SEPARATEURS:
            vue = _page(record, "separateur", record.dossier)
        elif record.role == Role.BLANCHE:
            vue = _page(record, "blanche", record.dossier)
        elif record.role in A_PLACER and record.dossier is None:
            vue = _page(record, "a_placer")
        else:
            vue = _page(record, "dossier", record.dossier)
        vues.append(vue)
    return vues, tuple(doublons)


def _piece_vue(piece: Piece) -> PieceVue:
    type_ = TYPES_PAR_CODE.get(piece.type or "")
    return PieceVue(
        id=piece.id,
        dossier=piece.lot_dossier_index,
        rang=piece.rang,
        type=piece.type,
        type_libelle=type_.libelle if type_ else "type non reconnu",
        statut=piece.statut,
        statut_libelle=codes.libelle(codes.STATUT_PIECE, piece.statut),
        pages=tuple(piece.pages_lot or ()),
        motif=piece.motif_rejet,
    )


def _dossiers(
    session: Session,
    lot: Lot,
    manifest: Manifest,
    pieces: list[Piece],
    decisions: dict[int, LotPage],
) -> tuple[DossierVue, ...]:
    lignes = {
        d.index: d for d in session.scalars(select(LotDossier).where(LotDossier.lot_id == lot.id))
    }
    vues = []
    for dossier in manifest.dossiers:
        ligne = lignes.get(dossier.index)
        statut = ligne.statut if ligne else "en_attente"
        vues.append(
            DossierVue(
                index=dossier.index,
                numero=(ligne.numero if ligne else None) or dossier.numero or None,
                statut=statut,
                statut_libelle=codes.libelle(codes.STATUT_DOSSIER, statut),
                motif=ligne.motif if ligne else "Dossier pas encore traité.",
                separateur=dossier.separator_page,
                pages=dossier.pages,
                ajoutees=tuple(
                    sorted(
                        i
                        for i, d in decisions.items()
                        if d.statut == "ajoutee" and d.dossier_index == dossier.index
                    )
                ),
                pieces=tuple(_piece_vue(p) for p in pieces if p.lot_dossier_index == dossier.index),
                demande_id=ligne.demande_id if ligne else None,
            )
        )
    return tuple(vues)


def consulter(uow: UnitOfWork, acteur: Acteur, lot_id: int, page: int = 1) -> LotVue:
    """Return one page of the lot's pages (``PAR_PAGE`` at a time), its dossiers and counts."""
    with uow:
        session = uow.session
        lot = lot_a_resoudre(session, acteur, lot_id)
        manifest = manifeste(lot)
        pieces = pieces_du_lot(session, lot)
        decisions = decisions_du_lot(session, lot)
        toutes, doublons = comptabiliser(manifest, pieces, decisions)
        nb_pages_liste = max(1, -(-len(toutes) // PAR_PAGE))
        page = min(max(1, page), nb_pages_liste)
        par_destin = dict.fromkeys(DESTINS, 0)
        for vue in toutes:
            par_destin[vue.destin] += 1
        return LotVue(
            id=lot.id,
            nom_fichier=lot.nom_fichier,
            canal=codes.libelle(codes.CANAL, lot.canal),
            statut=lot.statut,
            statut_libelle=codes.libelle(codes.STATUT_LOT, lot.statut),
            recu_le=lot.recu_le,
            echeance=lot.echeance,
            page_count=manifest.page_count,
            pages=tuple(toutes[(page - 1) * PAR_PAGE : page * PAR_PAGE]),
            page=page,
            nb_pages_liste=nb_pages_liste,
            dossiers=_dossiers(session, lot, manifest, pieces, decisions),
            a_placer=tuple(v.index for v in toutes if v.destin == "a_placer"),
            comptes=Comptes(par_destin, doublons, len(toutes)),
        )


@dataclass(frozen=True)
class Identite:
    """Who a demande is for, shown beside the fiche's image before attaching."""

    numero: str
    statut: str
    territoire: str
    nom: str
    prenoms: str
    naissance: date | None


def identite(uow: UnitOfWork, acteur: Acteur, lot_id: int, numero: str) -> Identite | None:
    """The applicant of the demande ``numero`` of the lot's territory, or None if there is none."""
    with uow:
        lot = lot_a_resoudre(uow.session, acteur, lot_id)
        demande = uow.session.scalar(
            select(Demande).where(Demande.numero == numero.strip().upper())
        )
        if demande is None or demande.territoire_code != lot.territoire_code:
            return None
        personne = demande.demandeur
        return Identite(
            numero=demande.numero,
            statut=codes.libelle(codes.STATUT_DEMANDE, demande.statut),
            territoire=demande.territoire_code,
            nom=(personne.nom_usage or personne.nom_naissance or "") if personne else "",
            prenoms=(personne.prenoms or "") if personne else "",
            naissance=personne.date_naissance if personne else None,
        )


def dossier(uow: UnitOfWork, acteur: Acteur, lot_id: int, index: int) -> DossierVue:
    """One dossier of the lot (``NotFound`` when the lot has no such dossier)."""
    vue = consulter(uow, acteur, lot_id)
    for candidat in vue.dossiers:
        if candidat.index == index:
            return candidat
    raise NotFound(f"Le lot n° {lot_id} n'a pas de dossier n° {index + 1}.", code="DOSSIER_INCONNU")


def piece(
    uow: UnitOfWork, acteur: Acteur, lot_id: int, piece_id: int
) -> tuple[PieceVue, DossierVue]:
    """One piece of the lot with its dossier (``NotFound`` when the lot has no such piece)."""
    vue = consulter(uow, acteur, lot_id)
    for candidat in vue.dossiers:
        for trouvee in candidat.pieces:
            if trouvee.id == piece_id:
                return trouvee, candidat
    raise NotFound(f"Le lot n° {lot_id} n'a pas de pièce n° {piece_id}.", code="PIECE_INCONNUE")


def page(uow: UnitOfWork, acteur: Acteur, lot_id: int, index: int) -> tuple[PageVue, LotVue]:
    """One page of the lot, with the lot (its dossiers, to add the page to one)."""
    vue = consulter(uow, acteur, lot_id, index // PAR_PAGE + 1)
    for candidate in vue.pages:
        if candidate.index == index:
            return candidate, vue
    raise NotFound(f"Le lot n° {lot_id} n'a pas de page {index + 1}.", code="PAGE_INCONNUE")
