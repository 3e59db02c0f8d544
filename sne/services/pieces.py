"""The dossier unique of a demande: its pieces, who may read their content, marks, guichet scans.

Who sees what (the consultant levels of the domain reference, and our choice
for the other roles):

- ``consultant_liste`` sees the list of pieces, never their content;
- ``consultant_standard`` reads the content of non-sensitive pieces;
- ``consultant_complet`` reads every piece, sensitive ones (medical, judicial) included;
- ``agent_guichet`` and ``gestionnaire_territorial`` read every piece of their
  territory: pieces are shared by every guichet of the territory, and the
  agent examining a demande needs the medical or judicial piece it rests on;
- ``administrateur`` (a national technical account) sees the list only.

A piece outside these rights is "not found", whatever the address. A piece is
never deleted: it is marked inexploitable, hors périmètre or obsolète with a
reason, traced in the demande's history.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanning.errors import ScanError
from scanning.pieces import traiter_televersement
from scanning.plan import CATEGORIES_PAR_CODE, TYPES_PAR_CODE
from sne import codes
from sne.acteurs import Acteur
from sne.errors import NotFound, SneError
from sne.models import Demande, Piece, Utilisateur
from sne.services import controle_depot
from sne.services.demandes import charger, exiger_active
from sne.services.trace import tracer
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow

#: Roles that read the content of every piece (sensitive ones included), in their territory.
ROLES_CONTENU_COMPLET = frozenset(
    {"agent_guichet", "gestionnaire_territorial", "consultant_complet"}
)
#: Roles that read the content of non-sensitive pieces only.
ROLES_CONTENU_STANDARD = frozenset({"consultant_standard"})
#: The statuses a person may set on a piece, each with a reason.
MARQUES = {k: codes.STATUT_PIECE[k] for k in ("inexploitable", "hors_perimetre", "obsolete")}
#: The channel of a piece scanned and added by an agent at the guichet.
CANAL_GUICHET = "guichet"
CANAUX = {**codes.CANAL, CANAL_GUICHET: "pièce numérisée et ajoutée au guichet"}
#: Most files added at once at the guichet.
MAX_FICHIERS = 10
#: Formats a piece is shown in the browser as (by stored extension).
TYPES_MIME = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class PieceInvalide(SneError):
    """A mark or an added file that cannot be accepted."""

    code = "PIECE_INVALIDE"


@dataclass(frozen=True)
class VuePiece:
    """One piece as the dossier's list shows it."""

    id: int
    categorie: str
    type: str
    statut: str
    statut_libelle: str
    pages: int
    taille: int
    canal: str
    date: datetime
    deposee_par: str
    sensible: bool
    contenu_visible: bool
    motif: str | None


@dataclass(frozen=True)
class Dossier:
    """The pieces of a demande, and whether the reader may mark or add pieces."""

    numero: str
    active: bool
    pieces: tuple[VuePiece, ...]


@dataclass(frozen=True)
class FichierPiece:
    """The stored file of a piece, streamed to whoever may read it."""

    nom: str
    type_mime: str
    taille: int
    contenu: Iterator[bytes]


@dataclass(frozen=True)
class FichierAjoute:
    """One file an agent adds, with the piece type they declared."""

    chemin: Path
    nom: str
    type: str


@dataclass(frozen=True)
class Ajout:
    """What became of one added file: the piece recorded, or the French reason of its refusal."""

    nom: str
    piece_id: int | None
    statut: str | None
    message: str


def voit_contenu(acteur: Acteur, sensible: bool) -> bool:
    """Tell whether ``acteur``'s role reads the content of a (sensitive or not) piece."""
    if acteur.role in ROLES_CONTENU_COMPLET:
        return True
    return acteur.role in ROLES_CONTENU_STANDARD and not sensible


def _demande(session: Session, acteur: Acteur, numero: str) -> Demande:
    """The demande ``numero`` if ``acteur`` may read it (else ``NotFound``, never a hint)."""
    demande = charger(session, numero)
    if not acteur.peut("consulter_pieces"):
        raise NotFound(f"Aucune demande ne porte le numéro {numero}.")
    try:
        acteur.exiger("consulter_pieces", demande.territoire_code)
    except SneError:
        raise NotFound(f"Aucune demande ne porte le numéro {numero}.") from None
    return demande


def _piece(session: Session, demande: Demande, piece_id: int) -> Piece:
    piece = session.get(Piece, piece_id)
    if piece is None or piece.demande_id != demande.id:
        raise NotFound(f"Aucune pièce n° {piece_id} dans la demande {demande.numero}.")
    return piece


def _libelle_type(code: str | None) -> str:
    """The type's French label from the plan de classement (a piece to qualify has none yet)."""
    type_piece = TYPES_PAR_CODE.get(code or "")
    return type_piece.libelle if type_piece else "Type à préciser"


def _libelle_categorie(piece: Piece) -> str:
    """The category's French label: the piece's own, else its type's."""
    type_piece = TYPES_PAR_CODE.get(piece.type or "")
    code = piece.categorie or (type_piece.categorie if type_piece else "")
    categorie = CATEGORIES_PAR_CODE.get(code)
    return categorie.libelle if categorie else "Non classée"


def lister(uow: UnitOfWork, acteur: Acteur, numero: str) -> Dossier:
    """Return the pieces of the demande ``numero``, oldest first, with what the reader may open."""
    with uow:
        session = uow.session
        demande = _demande(session, acteur, numero)
        lignes = session.execute(
            select(Piece, Utilisateur)
            .outerjoin(Utilisateur, Utilisateur.id == Piece.deposee_par_id)
            .where(Piece.demande_id == demande.id)
            .order_by(Piece.created_at, Piece.id)
        ).all()
        return Dossier(
            numero=demande.numero,
            active=demande.statut == "active",
            pieces=tuple(
                VuePiece(
                    id=piece.id,
                    categorie=_libelle_categorie(piece),
                    type=_libelle_type(piece.type),
                    statut=piece.statut,
                    statut_libelle=codes.libelle(codes.STATUT_PIECE, piece.statut),
                    pages=piece.pages,
                    taille=piece.taille,
                    canal=CANAUX.get(piece.canal, piece.canal),
                    date=piece.created_at,
                    deposee_par=f"{auteur.prenom} {auteur.nom}"
                    if auteur
                    else "Service de numérisation",
                    sensible=piece.sensible,
                    contenu_visible=piece.storage_key is not None
                    and voit_contenu(acteur, piece.sensible),
                    motif=piece.motif_rejet,
                )
                for piece, auteur in lignes
            ),
        )


def ouvrir(
    uow: UnitOfWork, acteur: Acteur, numero: str, piece_id: int, store: FileStore
) -> FichierPiece:
    """Return the stored file of a piece the reader may open, streamed (else ``NotFound``)."""
    with uow:
        session = uow.session
        demande = _demande(session, acteur, numero)
        piece = _piece(session, demande, piece_id)
        if piece.storage_key is None or not voit_contenu(acteur, piece.sensible):
            raise NotFound(f"Aucune pièce n° {piece_id} dans la demande {demande.numero}.")
        cle, taille = piece.storage_key, piece.taille
    if not store.exists(cle):  # checked before streaming: a missing file is no half-sent answer
        raise NotFound(
            f"Le fichier de la pièce n° {piece_id} est introuvable dans le stockage.",
            code="FICHIER_PIECE_ABSENT",
        )
    extension = cle.rsplit(".", 1)[-1].lower()
    return FichierPiece(
        nom=f"piece-{numero}-{piece_id}.{extension}",
        type_mime=TYPES_MIME.get(extension, "application/octet-stream"),
        taille=taille,
        contenu=store.stream(cle),
    )


def marquer(
    uow: UnitOfWork, acteur: Acteur, numero: str, piece_id: int, statut: str, motif: str
) -> None:
    """Mark a piece inexploitable, hors périmètre or obsolète with a reason; trace it."""
    with uow:
        session = uow.session
        demande = _demande(session, acteur, numero)
        piece = _piece(session, demande, piece_id)
        acteur.exiger("marquer_piece", demande.territoire_code)
        problemes = {}
        if statut not in MARQUES:
            problemes["statut"] = "choisissez inexploitable, hors périmètre ou obsolète"
        if not motif.strip():
            problemes["motif"] = "indiquez pourquoi la pièce est ainsi marquée"
        elif len(motif) > 500:
            problemes["motif"] = "500 caractères au plus"
        if problemes:
            raise PieceInvalide("La pièce ne peut pas être marquée ainsi.", details=problemes)
        avant = piece.statut
        piece.statut, piece.motif_rejet = statut, motif.strip()
        tracer(
            session,
            acteur,
            entite="piece",
            entite_id=piece.id,
            action="marquage_piece",
            demande_id=demande.id,
            changements={"statut": [avant, statut], "type": _libelle_type(piece.type)},
            justification=motif.strip(),
        )
        uow.commit()


def ajouter(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    fichiers: Sequence[FichierAjoute],
    store: FileStore,
    travail: Path,
) -> list[Ajout]:
    """Add files scanned at the guichet, one piece each, through the pipeline's checks.

    Each file is checked like an applicant's upload (format by content, whole and
    unprotected PDF, readable, brought under 2 MB by the recompression ladder) and
    classified against its declared type. A refused file gets its French reason;
    every original, accepted or not, is kept in the file store (``originaux/``)
    and named in the history.
    """
    with uow:
        demande = _demande(uow.session, acteur, numero)
        acteur.exiger("ajouter_pieces", demande.territoire_code)
        exiger_active(demande, "joindre des pièces à la demande")
        demande_id = demande.id
    if not fichiers:
        raise PieceInvalide(
            "Choisissez au moins un fichier.", details={"fichier-1": "choisissez un fichier"}
        )
    if len(fichiers) > MAX_FICHIERS:
        raise PieceInvalide(f"{MAX_FICHIERS} fichiers au plus à la fois.")
    for rang, fichier in enumerate(fichiers, start=1):
        if fichier.type not in TYPES_PAR_CODE:
            raise PieceInvalide(
                "Chaque fichier a son type de pièce.",
                details={f"type-{rang}": "choisissez le type de la pièce"},
            )
    travail.mkdir(parents=True, exist_ok=True)
    return [_ajouter_un(uow, acteur, demande_id, f, store, travail) for f in fichiers]


@dataclass(frozen=True)
class _Controle:
    """The outcome of the checks on one added file: the piece PDF, or why it is refused."""

    statut: str | None = None
    pdf: Path | None = None
    pages: int = 0
    etapes: tuple[str, ...] = ()
    taille: int = 0
    sensible: bool = False
    refus: str | None = None


def _controler(fichier: FichierAjoute, dossier: Path) -> _Controle:
    """Run the cheap intake check, then the upload pipeline; return the piece or the refusal."""
    try:
        controle_depot.verifier_televersement(fichier.chemin)
        traitee = traiter_televersement(fichier.chemin, dossier, type_declare=fichier.type)
    except (SneError, ScanError) as refus:
        return _Controle(refus=refus.message)
    if traitee.fichier is None:
        return _Controle(refus=traitee.motif_rejet or "Fichier refusé.")
    return _Controle(
        traitee.statut,
        traitee.fichier,
        len(traitee.pages),
        traitee.traitement,
        traitee.taille,
        traitee.sensible,
    )


def _ajouter_un(
    uow: UnitOfWork,
    acteur: Acteur,
    demande_id: int,
    fichier: FichierAjoute,
    store: FileStore,
    travail: Path,
) -> Ajout:
    """Check, store and record one added file (its own commit: one refusal spoils no other)."""
    # The original keeps its own extension (letters and digits only): it may be anything.
    extension = "".join(c for c in Path(fichier.nom).suffix if c.isalnum())[:5].lower() or "bin"
    original = store.put(fichier.chemin, folder="originaux", extension=extension, shard=True)
    dossier = Path(tempfile.mkdtemp(dir=travail, prefix="piece-"))
    controle = _controler(fichier, dossier)
    statut, pages, refus = controle.statut, controle.pages, controle.refus
    pdf = controle.pdf
    stocke = store.put(pdf, folder="pieces", extension="pdf", shard=True) if pdf else None
    shutil.rmtree(dossier, ignore_errors=True)
    with uow:
        session = uow.session
        demande = session.get(Demande, demande_id)
        assert demande is not None
        piece_id = None
        if stocke is not None and statut is not None:
            piece = Piece(
                demande_id=demande_id,
                type=fichier.type,
                categorie=TYPES_PAR_CODE[fichier.type].categorie,
                pages=pages,
                taille=controle.taille,
                sha256=stocke.sha256,
                canal=CANAL_GUICHET,
                statut=statut,
                sensible=controle.sensible or TYPES_PAR_CODE[fichier.type].sensible,
                storage_key=stocke.key,
                deposee_par_id=acteur.utilisateur_id,
                created_at=utcnow(),
                taille_originale=original.size,
                traitement={"etapes": list(controle.etapes), "original": original.key},
            )
            session.add(piece)
            session.flush()
            piece_id = piece.id
        tracer(
            session,
            acteur,
            entite="piece" if piece_id else "demande",
            entite_id=piece_id or demande.numero,
            action="ajout_piece" if piece_id else "piece_refusee",
            demande_id=demande_id,
            changements={
                "fichier": fichier.nom[:200],
                "type": _libelle_type(fichier.type),
                "original": original.key,
                **({"statut": statut, "pages": pages} if piece_id else {}),
            },
            justification=refus,
        )
        uow.commit()
    if piece_id is None:
        return Ajout(fichier.nom, None, None, refus or "Fichier refusé.")
    libelle = codes.libelle(codes.STATUT_PIECE, statut)
    return Ajout(
        fichier.nom, piece_id, statut, f"Pièce ajoutée ({libelle.lower()}, {pages} page(s))."
    )
