"""The professional deposit: a guichet deposits already-scanned PDFs (18 MB per deposit).

Two ways, both becoming a lot on the ``depot_professionnel`` channel processed
by the workers (``sne.services.lots``):

- several demandes in one PDF, each dossier behind its printed fiche
  récapitulative: deposited as it is;
- the pieces of one demande, without a fiche: the portal prints the demande's
  fiche (its QR code names the demande and the declared counts) and puts it in
  front of the deposited pages, which are copied unchanged, so the pipeline
  associates the demande exactly as for a mailed dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pikepdf
from sqlalchemy import select

from scanning.qr_payload import Keyring
from sne import codes
from sne.acteurs import Acteur
from sne.models import Lot
from sne.services import controle_depot, impression, lots
from sne.services.controle_depot import DepotRefuse
from sne.services.envois import exiger_role
from sne.stockage import FileStore
from sne.uow import UnitOfWork

#: Largest professional deposit (the digitiser's limit per dossier deposited).
LIMITE_DEPOT = 18 * 1024 * 1024
CANAL = "depot_professionnel"
ROLES = frozenset({"agent_guichet"})


def deposer(
    uow: UnitOfWork,
    acteur: Acteur,
    fichier: Path,
    *,
    store: FileStore,
    enqueue: lots.Enqueue,
    keyring: Keyring,
    aujourd_hui: date,
    travail: Path,
    numero: str | None = None,
    nb_documents: int | None = None,
) -> lots.LotRecu:
    """Deposit ``fichier`` from the agent's guichet; with ``numero``, the pieces of that demande."""
    exiger_role(acteur, ROLES, "déposer des pièces numérisées")
    taille = fichier.stat().st_size if fichier.is_file() else 0
    if taille > LIMITE_DEPOT:
        raise DepotRefuse(
            f"Le fichier {fichier.name} fait {taille / 1048576:.1f} Mo : un dépôt en fait au plus "
            f"{LIMITE_DEPOT // 1048576} Mo. Déposez les dossiers en plusieurs fois.".replace(
                ".", ",", 1
            ),
            code="DEPOT_TROP_VOLUMINEUX",
        )
    if numero is not None:
        fichier = _avec_fiche(
            uow, acteur, fichier, numero, nb_documents, keyring, aujourd_hui, travail
        )
    return lots.deposer(uow, acteur, fichier, canal=CANAL, storage=store, enqueue=enqueue)


def _avec_fiche(
    uow: UnitOfWork,
    acteur: Acteur,
    fichier: Path,
    numero: str,
    nb_documents: int | None,
    keyring: Keyring,
    aujourd_hui: date,
    travail: Path,
) -> Path:
    """Write the demande's fiche followed by the deposited pages; return the new file."""
    if fichier.suffix.lower() != ".pdf":
        raise DepotRefuse(
            f"Le fichier {fichier.name} n'est pas un PDF : les pièces d'une demande se déposent "
            "en un seul PDF.",
            code="DEPOT_FORMAT",
        )
    pages = controle_depot.verifier_lot(fichier)  # whole, unprotected, with pages
    if nb_documents is None:
        nb_documents = 1
    fiche = impression.imprimer_fiche(
        uow,
        acteur,
        numero,
        nb_documents,
        pages + 1,
        aujourd_hui,
        keyring,
    )
    dossier = travail / "avec-fiche"
    dossier.mkdir(parents=True, exist_ok=True)
    sortie = dossier / fichier.name
    fiche_pdf = dossier / "fiche.pdf"
    fiche_pdf.write_bytes(fiche)
    with pikepdf.open(fiche_pdf) as resultat, pikepdf.open(fichier) as depose:
        resultat.pages.extend(depose.pages)
        resultat.save(sortie)
    return sortie


@dataclass(frozen=True)
class DepotFait:
    """One of the guichet's deposits, as its list shows it."""

    id: int
    nom_fichier: str
    recu_le: datetime
    statut: str
    statut_libelle: str
    pages_total: int
    dossiers_total: int
    dossiers_faits: int


def lister(uow: UnitOfWork, acteur: Acteur, *, limite: int = 50) -> list[DepotFait]:
    """The latest professional deposits of the agent's own guichet, newest first."""
    exiger_role(acteur, ROLES, "suivre les dépôts de pièces")
    with uow:
        lignes = uow.session.scalars(
            select(Lot)
            .where(Lot.canal == CANAL, Lot.guichet_id == acteur.guichet_id)
            .order_by(Lot.id.desc())
            .limit(limite)
        ).all()
        return [
            DepotFait(
                lot.id,
                lot.nom_fichier,
                lot.recu_le,
                lot.statut,
                codes.libelle(codes.STATUT_LOT, lot.statut),
                lot.pages_total,
                lot.dossiers_total,
                lot.dossiers_faits,
            )
            for lot in lignes
        ]
