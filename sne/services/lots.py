"""Scanned batches (lots): intake, the stored split, completion, and what operators read.

A deposit is checked first (``controle_depot``) and refused at once when it
cannot be processed: nothing is recorded. The original file is never modified:
it goes once into the file store (``sne.stockage``) under ``lots/<sha256>.<ext>``. A second deposit of the same
file is recorded as a lot of its own pointing to the first (``doublon_de_id``)
and is not processed again. Processing (``workers.jobs.traiter_lot``) is
enqueued only after the commit, through the ``enqueue`` callable the caller
passes; when that fails the lot stays recorded and ``workers.balayage`` queues it
later. The job then calls ``a_traiter``, ``enregistrer_manifeste`` and, once
every dossier is attached or set aside, ``terminer``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanning.manifest import Manifest, Role
from scanning.plan import TYPES_PAR_CODE
from scanning.reconcile import DossierAttendu, reconcilier
from scanning.split import sha256_of
from sne import calendrier, codes
from sne.acteurs import SYSTEME, Acteur
from sne.errors import Forbidden, NotFound
from sne.models import Demande, Envoi, EnvoiDemande, Guichet, Lot, LotDossier, Piece
from sne.services import controle_depot
from sne.services.controle_depot import LotInvalide as LotInvalide
from sne.services.trace import tracer
from sne.stockage import FileStore, as_store
from sne.uow import UnitOfWork, utcnow

log = logging.getLogger(__name__)

#: The channels a lot arrives by, with the labels read inside sentences.
CANAUX = codes.CANAL
#: The channel where an upload names its demande instead of carrying a separator page.
TELEVERSEMENT = "portail_demandeur"
#: Who may deposit a batch on each channel: operators receive mail, guichets deposit PDFs.
ROLES_DEPOT = {
    "courrier_guichet": frozenset({"operateur_numerisation", "administrateur", "systeme"}),
    "courrier_demandeur": frozenset({"operateur_numerisation", "administrateur", "systeme"}),
    "depot_professionnel": frozenset({"agent_guichet", "operateur_numerisation", "systeme"}),
    # The public portal deposits as "systeme" for the applicant it has authenticated.
    TELEVERSEMENT: frozenset({"systeme", "administrateur"}),
}
ROLES_LECTURE = frozenset(
    {"operateur_numerisation", "gestionnaire_territorial", "administrateur", "systeme"}
)
EXTENSIONS = {".pdf": "pdf", ".tif": "tif", ".tiff": "tif"}
#: Stored extension of an uploaded piece, by its content (its name is not trusted).
FORMATS_TELEVERSES = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
#: Working days granted to process a batch after its reception.
DELAI_JOURS_OUVRES = 2

Enqueue = Callable[[int], None]


@dataclass(frozen=True)
class LotRecu:
    """What intake recorded."""

    id: int
    sha256: str
    recu_le: datetime
    echeance: date
    doublon_de: int | None  # the first lot of the same file, when this is a second deposit
    #: False when the queue could not be reached: the sweep (``workers.balayage``) queues it.
    en_file: bool = True
    #: True when the same file's first lot, never started, was queued again instead.
    remis_en_file: bool = False


def echeance_de(jour: date, departement: str | None) -> date:
    """Return the due date: two working days after ``jour`` (French public holidays counted)."""
    return calendrier.ajouter_jours_ouvres(jour, DELAI_JOURS_OUVRES, departement)


def deposer(
    uow: UnitOfWork,
    acteur: Acteur,
    fichier: Path,
    *,
    canal: str,
    storage: FileStore | Path,
    enqueue: Enqueue,
    guichet: str | None = None,
    territoire: str | None = None,
    recu_le: datetime | None = None,
    numero: str | None = None,
    type_declare: str | None = None,
) -> LotRecu:
    """Take in the batch ``fichier`` received on ``canal``; queue its processing after commit.

    On the public portal's channel the file is one piece for the demande ``numero``
    (with the type the applicant declared, if any) instead of a batch with separators.
    ``storage`` is the file store (a folder path still means a local store).
    """
    if canal not in CANAUX:
        raise LotInvalide(f"Canal inconnu « {canal} » (attendu : {', '.join(CANAUX)}).")
    if acteur.role not in ROLES_DEPOT[canal]:
        raise Forbidden(
            f"Le rôle « {acteur.role} » ne permet pas de déposer un lot ({CANAUX[canal]})."
        )
    # Checked before anything is recorded or stored: a refused file leaves no lot behind.
    extension = _extension(fichier, canal, numero, type_declare)
    sha256 = sha256_of(fichier)
    recu = recu_le or utcnow()
    with uow:
        session = uow.session
        guichet_row = _guichet(session, acteur, canal, guichet)
        territoire_code = (
            guichet_row.territoire_code if guichet_row else territoire or acteur.territoire_code
        )
        if numero is not None:
            numero = numero.strip().upper()
            territoire_code = _demande_ouverte(session, numero).territoire_code
        if territoire_code is None:
            raise LotInvalide("Précisez le territoire du lot (ou le guichet qui l'envoie).")
        if acteur.role == "agent_guichet":
            acteur.exiger("consulter", territoire_code)
        # The same file deposited again (for the same demande, on the public portal).
        meme_demande = Lot.numero.is_(None) if numero is None else Lot.numero == numero
        premier = session.scalar(
            select(Lot)
            .where(Lot.sha256 == sha256, Lot.doublon_de_id.is_(None), meme_demande)
            .order_by(Lot.id)
        )
        if premier is not None and premier.statut == "recu" and premier.mis_en_file_le is None:
            # Its first deposit was never queued (queue unreachable): queue that lot instead.
            tracer(
                session,
                acteur,
                entite="lot",
                entite_id=premier.id,
                action="depot_relance",
                changements={"fichier": fichier.name[:255], "sha256": sha256},
            )
            deja = LotRecu(premier.id, sha256, premier.recu_le, premier.echeance, None)
            uow.commit()
            en_file = _mettre_en_file(enqueue, premier.id)
            if en_file:
                marquer_en_file(uow, premier.id)
            return dataclasses.replace(deja, en_file=en_file, remis_en_file=True)
        # Stored once everything is checked; content-addressed, so a retry rewrites nothing.
        cle = as_store(storage).put(fichier, folder="lots", extension=extension).key
        lot = Lot(
            sha256=sha256,
            doublon_de_id=premier.id if premier else None,
            nom_fichier=fichier.name[:255],
            storage_key=cle,
            taille=fichier.stat().st_size,
            canal=canal,
            numero=numero,
            type_declare=type_declare,
            territoire_code=territoire_code,
            guichet_id=guichet_row.id if guichet_row else None,
            depose_par_id=acteur.utilisateur_id,
            recu_le=recu,
            echeance=echeance_de(recu.date(), territoire_code),
            statut="traite" if premier else "recu",
            created_at=utcnow(),
        )
        session.add(lot)
        session.flush()
        tracer(
            session,
            acteur,
            entite="lot",
            entite_id=lot.id,
            action="depot_doublon" if premier else "depot",
            changements={
                "fichier": lot.nom_fichier,
                "sha256": sha256,
                "canal": canal,
                "numero": numero,
                "type_declare": type_declare,
                "guichet": guichet_row.code if guichet_row else None,
                "echeance": lot.echeance,
                "doublon_de": premier.id if premier else None,
            },
        )
        recu_info = LotRecu(lot.id, sha256, recu, lot.echeance, premier.id if premier else None)
        uow.commit()
    if premier is not None:
        return recu_info
    # Queued after the commit, so that a worker never sees a lot that is not there yet.
    en_file = _mettre_en_file(enqueue, recu_info.id)
    if en_file:
        marquer_en_file(uow, recu_info.id)
    return dataclasses.replace(recu_info, en_file=en_file)


def _mettre_en_file(enqueue: Enqueue, lot_id: int) -> bool:
    """Queue the lot's processing; False (logged) when the queue cannot be reached.

    The lot is recorded either way: the sweep (``workers.balayage``) queues it later.
    """
    try:
        enqueue(lot_id)
    except Exception:
        log.exception("lot %s recorded but not queued: the sweep will queue it", lot_id)
        return False
    return True


def marquer_en_file(uow: UnitOfWork, lot_id: int) -> None:
    """Record that the lot's job was queued (a lot never queued is re-queued by a new deposit)."""
    with uow:
        lot = uow.session.get(Lot, lot_id)
        if lot is not None and lot.mis_en_file_le is None:
            lot.mis_en_file_le = utcnow()
            uow.commit()


def _extension(fichier: Path, canal: str, numero: str | None, type_declare: str | None) -> str:
    """Check what the channel accepts and return the stored file's extension."""
    if canal != TELEVERSEMENT:
        if numero is not None or type_declare is not None:
            raise LotInvalide(
                "Le numéro unique et le type de pièce ne se précisent que pour une pièce "
                "déposée sur le portail grand public : un lot porte ses pages séparatrices."
            )
        if fichier.suffix.lower() not in EXTENSIONS:
            raise LotInvalide(
                f"Le fichier {fichier.name} n'est ni un PDF ni un TIFF : lot refusé, "
                "rien n'est perdu."
            )
        controle_depot.verifier_lot(fichier)
        return EXTENSIONS[fichier.suffix.lower()]
    if numero is None:
        raise LotInvalide("Précisez le numéro unique de la demande à laquelle joindre la pièce.")
    if type_declare is not None and type_declare not in TYPES_PAR_CODE:
        raise LotInvalide(f"Type de pièce inconnu : « {type_declare} ».")
    return FORMATS_TELEVERSES[controle_depot.verifier_televersement(fichier)]


def _demande_ouverte(session: Session, numero: str) -> Demande:
    """The demande an upload is for: it must exist and be active to receive pieces."""
    demande = session.scalar(select(Demande).where(Demande.numero == numero))
    if demande is None:
        raise NotFound(f"Numéro unique inconnu : {numero}.", code="NUMERO_INCONNU")
    if demande.statut != "active":
        raise LotInvalide(
            f"La demande {numero} n'est pas active ({demande.statut}) : "
            "aucune pièce ne peut y être jointe."
        )
    return demande


def _guichet(session: Session, acteur: Acteur, canal: str, code: str | None) -> Guichet | None:
    """Return the sending guichet: named, or the depositor's own for a professional deposit."""
    if canal == "depot_professionnel" and acteur.role == "agent_guichet":
        if code is not None and code.upper() != acteur.guichet_code:
            raise Forbidden(
                f"Un agent ne peut déposer que pour son guichet ({acteur.guichet_code})."
            )
        code = acteur.guichet_code
    if code is None:
        return None
    guichet = session.scalar(select(Guichet).where(Guichet.code == code.strip().upper()))
    if guichet is None:
        raise NotFound(f"Aucun guichet ne porte le code {code}.", code="GUICHET_INCONNU")
    return guichet


def charger_lot(session: Session, lot_id: int) -> Lot:
    """Load the lot ``lot_id`` or raise ``NotFound``."""
    lot = session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(f"Aucun lot n° {lot_id}.", code="LOT_INCONNU")
    return lot


def exiger_lecture(acteur: Acteur, lot: Lot) -> None:
    """Let operators and the territory's managers read a lot (a guichet: its own deposits)."""
    if acteur.role == "agent_guichet" and acteur.guichet_id == lot.guichet_id:
        return
    if acteur.role not in ROLES_LECTURE:
        raise Forbidden(f"Le rôle « {acteur.role} » ne permet pas de consulter les lots.")
    if acteur.role == "gestionnaire_territorial":
        acteur.exiger("consulter", lot.territoire_code)


@dataclass(frozen=True)
class DossierDuLot:
    """One dossier's outcome, for display."""

    index: int
    numero: str | None
    statut: str
    motif: str | None
    nb_pages: int
    pieces: int


@dataclass(frozen=True)
class EtatLot:
    """A lot's progress and per-dossier outcome."""

    id: int
    nom_fichier: str
    canal: str
    statut: str
    recu_le: datetime
    echeance: date
    pages_total: int
    pages_faites: int
    dossiers_total: int
    dossiers_faits: int
    doublon_de: int | None
    erreur: str | None
    dossiers: tuple[DossierDuLot, ...]
    motif_cloture: str | None = None


def consulter(uow: UnitOfWork, acteur: Acteur, lot_id: int) -> EtatLot:
    """Return the lot's progress and the outcome of each dossier processed so far."""
    with uow:
        session = uow.session
        lot = charger_lot(session, lot_id)
        exiger_lecture(acteur, lot)
        comptes: dict[int | None, int] = dict(
            session.execute(  # type: ignore[arg-type]  # rows are (index, count) pairs
                select(Piece.lot_dossier_index, func.count())
                .where(Piece.lot_id == lot.id)
                .group_by(Piece.lot_dossier_index)
            ).all()
        )
        dossiers = session.scalars(
            select(LotDossier).where(LotDossier.lot_id == lot.id).order_by(LotDossier.index)
        ).all()
        return EtatLot(
            id=lot.id,
            nom_fichier=lot.nom_fichier,
            canal=lot.canal,
            statut=lot.statut,
            recu_le=lot.recu_le,
            echeance=lot.echeance,
            pages_total=lot.pages_total,
            pages_faites=lot.pages_faites,
            dossiers_total=lot.dossiers_total,
            dossiers_faits=lot.dossiers_faits,
            doublon_de=lot.doublon_de_id,
            erreur=lot.erreur,
            dossiers=tuple(
                DossierDuLot(
                    d.index, d.numero, d.statut, d.motif, d.nb_pages, int(comptes.get(d.index, 0))
                )
                for d in dossiers
            ),
            motif_cloture=lot.motif_cloture,
        )


def lister(uow: UnitOfWork, acteur: Acteur, *, limite: int = 50) -> list[EtatLot]:
    """Return the latest lots visible to ``acteur`` (without their dossiers)."""
    with uow:
        lots = uow.session.scalars(select(Lot).order_by(Lot.id.desc()).limit(limite)).all()
        visibles = []
        for lot in lots:
            try:
                exiger_lecture(acteur, lot)
            except Forbidden:
                continue
            visibles.append(
                EtatLot(
                    lot.id,
                    lot.nom_fichier,
                    lot.canal,
                    lot.statut,
                    lot.recu_le,
                    lot.echeance,
                    lot.pages_total,
                    lot.pages_faites,
                    lot.dossiers_total,
                    lot.dossiers_faits,
                    lot.doublon_de_id,
                    lot.erreur,
                    (),
                    lot.motif_cloture,
                )
            )
        return visibles


@dataclass(frozen=True)
class LotATraiter:
    """What processing needs to know of a lot, read in one short transaction."""

    id: int
    storage_key: str
    nom_fichier: str
    sha256: str
    canal: str
    numero: str | None  # an upload's demande (public portal channel)
    type_declare: str | None
    manifest: Manifest | None  # the stored split, when a previous run made it

    @property
    def televersement(self) -> bool:
        """An applicant's upload: one piece for ``numero``, no separator page."""
        return self.canal == TELEVERSEMENT


def a_traiter(uow: UnitOfWork, lot_id: int) -> LotATraiter | None:
    """Return the lot to process, or None when it is a duplicate or already finished."""
    with uow:
        lot = uow.session.get(Lot, lot_id)
        if lot is None:
            raise NotFound(f"Aucun lot n° {lot_id}.", code="LOT_INCONNU")
        if lot.doublon_de_id is not None or lot.statut in ("traite", "a_revoir", "erreur", "clos"):
            return None
        return LotATraiter(
            id=lot.id,
            storage_key=lot.storage_key,
            nom_fichier=lot.nom_fichier,
            sha256=lot.sha256,
            canal=lot.canal,
            numero=lot.numero,
            type_declare=lot.type_declare,
            manifest=Manifest.from_dict(lot.manifest) if lot.manifest is not None else None,
        )


def dossiers_faits(uow: UnitOfWork, lot_id: int) -> set[int]:
    """Return the indices of the lot's dossiers already recorded (a re-run skips them)."""
    with uow:
        return set(uow.session.scalars(select(LotDossier.index).where(LotDossier.lot_id == lot_id)))


def compositions(session: Session, identifiants: Iterable[str]) -> dict[str, list[DossierAttendu]]:
    """The recorded composition of each known envoi: its demandes in order, with their counts.

    This is what the guichet declared when it printed the bordereau; the split is
    checked against it (``scanning.reconcile``), not only against the totals.
    """
    lignes = session.execute(
        select(Envoi.identifiant, Demande.numero, EnvoiDemande.nb_documents, EnvoiDemande.nb_pages)
        .join(EnvoiDemande, EnvoiDemande.envoi_id == Envoi.id)
        .join(Demande, Demande.id == EnvoiDemande.demande_id)
        .where(Envoi.identifiant.in_(set(identifiants)))
        .order_by(Envoi.identifiant, EnvoiDemande.rang)
    ).all()
    attendus: dict[str, list[DossierAttendu]] = {}
    for identifiant, numero, documents, pages in lignes:
        attendus.setdefault(identifiant, []).append(DossierAttendu(numero, documents, pages))
    return attendus


#: Prefixes under which the scanning library passes on an unexpected exception's own text,
#: with the French sentence shown instead (the text itself goes to the log).
TEXTES_INTERNES = {
    "Page illisible : ": "Page illisible : son image n'a pas pu être décodée",
    "Fichier illisible : ": "Fichier illisible : il ne peut pas être ouvert",
}


def _public(texte: str) -> str:
    """``texte``, or a French sentence in its place when it carries an exception's text."""
    for prefixe, phrase in TEXTES_INTERNES.items():
        if texte.startswith(prefixe) and texte != phrase:
            log.warning("texte interne remplacé avant enregistrement : %s", texte)
            return phrase
    return texte


def sans_texte_interne(manifest: Manifest) -> Manifest:
    """The manifest with no exception text in its notes, anomalies or error (users read them)."""
    remplaces = {
        p.note: _public(p.note) for p in manifest.pages if p.note and _public(p.note) != p.note
    }
    if not remplaces and not (manifest.error and _public(manifest.error) != manifest.error):
        return manifest

    def nettoyer(message: str) -> str:
        for interne, phrase in remplaces.items():
            message = message.replace(interne, phrase)
        return message

    return dataclasses.replace(
        manifest,
        pages=tuple(
            dataclasses.replace(p, note=remplaces[p.note]) if p.note in remplaces else p
            for p in manifest.pages
        ),
        anomalies=tuple(
            dataclasses.replace(a, message=nettoyer(a.message)) for a in manifest.anomalies
        ),
        error=_public(manifest.error) if manifest.error else manifest.error,
    )


def enregistrer_manifeste(uow: UnitOfWork, lot_id: int, manifest: Manifest) -> Manifest:
    """Reconcile the batch's split with its envois and store it once; return the stored one.

    A concurrent run may have stored it first: that one is returned. Before it is
    stored, the split is reconciled with the recorded composition of every envoi
    whose bordereau was read (``compositions``): a declared demande with no fiche,
    or a dossier running past its demande, holds the dossiers concerned for review.
    The sendings whose bordereau was read are received with the batch: they take
    its reception time and due date, and are processed when all their dossiers are.
    """
    with uow:
        session = uow.session
        lot = session.get(Lot, lot_id, with_for_update=True)
        if lot is None:
            raise NotFound(f"Aucun lot n° {lot_id}.", code="LOT_INCONNU")
        if lot.manifest is not None:
            return Manifest.from_dict(lot.manifest)
        manifest = sans_texte_interne(manifest)
        if manifest.envois:
            manifest = reconcilier(
                manifest, compositions(session, (s.envoi for s in manifest.envois))
            )
        lot.manifest = manifest.to_dict()
        lot.pages_total = manifest.page_count
        lot.dossiers_total = len(manifest.dossiers)
        lot.statut = "en_cours"
        if manifest.error:
            lot.statut, lot.erreur, lot.traite_le = "erreur", manifest.error, utcnow()
        identifiants = {s.envoi for s in manifest.envois}
        envois = session.scalars(
            select(Envoi).where(Envoi.identifiant.in_(identifiants), Envoi.statut == "prepare")
        ).all()
        for envoi in envois:
            envoi.statut, envoi.lot_id = "recu", lot.id
            envoi.recu_le, envoi.echeance = lot.recu_le, lot.echeance
            tracer(
                session,
                SYSTEME,
                entite="envoi",
                entite_id=envoi.id,
                action="reception",
                changements={"lot_id": lot.id, "echeance": lot.echeance},
            )
        uow.commit()
        return manifest


#: A dossier's outcome that needs no operator: attached, or every piece refused with its reason.
FINIS = ("rattache", "rejete")


@dataclass(frozen=True)
class BilanLot:
    """How a processed lot ended."""

    statut: str  # "traite" when every dossier is attached and no page is left aside
    dossiers: int
    rattaches: int


def terminer(uow: UnitOfWork, lot_id: int) -> BilanLot:
    """Mark the lot processed (or to review) and its fully attached sendings processed; trace it."""
    with uow:
        session = uow.session
        lot = session.get(Lot, lot_id)
        assert lot is not None and lot.manifest is not None, "terminer() after the split only"
        manifest = Manifest.from_dict(lot.manifest)
        dossiers = session.scalars(select(LotDossier).where(LotDossier.lot_id == lot_id)).all()
        rattaches = [d for d in dossiers if d.statut in FINIS]
        hors_dossier = [p for p in manifest.pages if p.role in (Role.ORPHELINE, Role.ILLISIBLE)]
        complet = len(rattaches) == len(dossiers) == lot.dossiers_total and not hors_dossier
        lot.statut = "traite" if complet else "a_revoir"
        lot.pages_faites = lot.pages_total
        lot.traite_le = utcnow()
        par_envoi: dict[int, list[LotDossier]] = {}
        for dossier in dossiers:
            if dossier.envoi_index is not None:
                par_envoi.setdefault(dossier.envoi_index, []).append(dossier)
        for groupe in par_envoi.values():  # a sending is processed once all its dossiers are
            envoi_id = next((d.envoi_id for d in groupe if d.envoi_id is not None), None)
            envoi = session.get(Envoi, envoi_id) if envoi_id is not None else None
            if envoi is not None and _envoi_complet(session, envoi, groupe):
                envoi.statut = "traite"
        tracer(
            session,
            SYSTEME,
            entite="lot",
            entite_id=lot_id,
            action="traitement",
            changements={
                "statut": lot.statut,
                "rattaches": len(rattaches),
                "dossiers": len(dossiers),
            },
        )
        bilan = BilanLot(lot.statut, len(dossiers), len(rattaches))
        uow.commit()
        return bilan


def _envoi_complet(session: Session, envoi: Envoi, groupe: list[LotDossier]) -> bool:
    """Every dossier of the envoi found in the lot is attached, and every declared demande has one."""
    if not all(d.statut in FINIS for d in groupe):
        return False
    declarees = set(
        session.scalars(select(EnvoiDemande.demande_id).where(EnvoiDemande.envoi_id == envoi.id))
    )
    return declarees <= {d.demande_id for d in groupe}
