"""Take over demandes written as interfaceNuu files: read each file, then take them in lots.

A take-over file is an extract (no ``typeFichier``: what the SNE's
``demandeLogement`` web service returns) or a MOD; it must carry ``numUnique``
and ``dateCreationDemande`` (the ancienneté). An extract may add
*dateDernierRenouvellement* and *listeEvenement* (ours), and the *radiation* of
a radiated demande with its *dateRadiation* (ours). Every file gets a line
of the report: taken, taken radiated, already taken (its number is registered: a re-run is
safe), or refused with every anomaly, in French, naming the elements.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

from sne.acteurs import Acteur
from sne.errors import SneError
from sne.interchange.anomalies import Anomalie
from sne.interchange.echanges import anomalies_du_refus
from sne.interchange.lecture import DEMANDE_LOGEMENT, FichierNuu, lire
from sne.services import formulaire, reprise
from sne.uow import UnitOfWork

T = TypeVar("T")
#: A file read, with its document as the registration rules return it: None when they were not
#: applied (one process), refuse it or it has none; the take-over then applies them itself.
Lu = tuple[FichierNuu, dict[str, Any] | None]
TAILLE_LOT = 500
#: Lots between two refreshes of the planner's statistics (after the first lot, and at the end).
LOTS_ENTRE_STATISTIQUES = 10
#: Outcomes of a file, as the report names them.
RESULTATS = {
    "reprise": "reprise",
    "reprise_radiee": "reprise radiée",
    "deja_reprise": "déjà reprise",
    "refusee": "refusée",
}


@dataclass(frozen=True)
class FichierRepris:
    """One file's line of the report."""

    nom: str
    numero: str | None
    resultat: str
    anomalies: tuple[Anomalie, ...] = ()


@dataclass(frozen=True)
class BilanReprise:
    """The whole report: each file's line, in the order read, and the time taken."""

    fichiers: tuple[FichierRepris, ...]
    duree_s: float

    def nombre(self, resultat: str) -> int:
        """How many files ended as ``resultat``."""
        return sum(1 for f in self.fichiers if f.resultat == resultat)


def reprendre(
    uow: UnitOfWork,
    acteur: Acteur,
    fichiers: Iterable[tuple[str, bytes]],
    *,
    aujourd_hui: date,
    taille_lot: int = TAILLE_LOT,
    processus: int = 1,
) -> BilanReprise:
    """Take over every file of ``fichiers`` ((name, bytes) pairs), ``taille_lot`` per transaction.

    With ``processus`` > 1, that many processes read the files and apply the registration
    rules (most of the CPU time) while this one checks and inserts the previous lot.
    """
    acteur.exiger("reprendre")
    debut = time.perf_counter()
    lignes: list[FichierRepris] = []
    lot: list[tuple[str, FichierNuu, reprise.DemandeReprise]] = []
    vus: dict[str, str] = {}
    lots = 0

    def vider() -> None:
        nonlocal lots
        issues = reprise.reprendre_lot(uow, acteur, [d for _, _, d in lot], aujourd_hui=aujourd_hui)
        if lots % LOTS_ENTRE_STATISTIQUES == 0:
            reprise.rafraichir_statistiques(uow)
        lots += 1
        for (nom, fichier, _), issue in zip(lot, issues, strict=True):
            refus = anomalies_du_refus(issue.refus, fichier) if issue.refus else []
            lignes.append(FichierRepris(nom, issue.numero, issue.resultat, tuple(refus)))
        lot.clear()

    for nom, (fichier, valide) in _lus(fichiers, taille_lot, processus):
        anomalies = list(fichier.anomalies) + _anomalies_de_reprise(fichier)
        if fichier.numero is not None and not anomalies:
            if fichier.numero in vus:
                anomalies.append(
                    Anomalie(
                        "NUMERO_EN_DOUBLE",
                        f"{DEMANDE_LOGEMENT}/numUnique",
                        f"numéro déjà lu dans le fichier {vus[fichier.numero]}",
                    )
                )
            vus.setdefault(fichier.numero, nom)
        if anomalies:
            lignes.append(FichierRepris(nom, fichier.numero, "refusee", tuple(anomalies)))
            continue
        assert fichier.numero and fichier.date_creation and fichier.document is not None
        demande = reprise.DemandeReprise(
            numero=fichier.numero,
            date_depot=fichier.date_creation,
            date_renouvellement=fichier.date_renouvellement,
            document=fichier.document,
            evenements=tuple((e.date, e.type, e.commentaire) for e in fichier.evenements),
            valide=valide,
            motif_radiation=fichier.motif_radiation,
            date_radiation=fichier.date_radiation,
            donnees_radiation=fichier.donnees_radiation or {},
        )
        lot.append((nom, fichier, demande))
        if len(lot) >= taille_lot:
            vider()
    if lot:
        vider()
    reprise.rafraichir_statistiques(uow)  # left as the next users of these tables need them
    return BilanReprise(tuple(lignes), time.perf_counter() - debut)


def _lus(
    fichiers: Iterable[tuple[str, bytes]], taille_lot: int, processus: int
) -> Iterator[tuple[str, Lu]]:
    """Each file read, in order; with a pool, the next lot is read while this one is used."""
    if processus <= 1:
        # Rules applied later, only to the numbers not yet registered (a re-run skips them).
        for nom, contenu in fichiers:
            yield nom, (lire(contenu), None)
        return
    with multiprocessing.get_context("spawn").Pool(processus) as pool:
        en_cours: tuple[list[str], AsyncResult[list[Lu]]] | None = None
        for paquet in batched(fichiers, taille_lot):
            noms = [nom for nom, _ in paquet]
            contenus = [contenu for _, contenu in paquet]
            lecture = pool.map_async(_lire_et_valider, contenus, chunksize=50)
            if en_cours is not None:
                yield from zip(en_cours[0], en_cours[1].get(), strict=True)
            en_cours = (noms, lecture)
        if en_cours is not None:
            yield from zip(en_cours[0], en_cours[1].get(), strict=True)


def _lire_et_valider(contenu: bytes) -> Lu:
    """Read one file and, when it is complete, apply the registration rules at its filing date.

    Run by the reading processes, so the parent (which inserts) does neither.
    """
    fichier = lire(contenu)
    if fichier.anomalies or fichier.document is None or fichier.date_creation is None:
        return fichier, None
    try:
        return fichier, formulaire.valider(fichier.document, date_depot=fichier.date_creation)
    except SneError:
        return fichier, None


def batched(elements: Iterable[T], taille: int) -> Iterator[list[T]]:
    """``elements`` in lists of ``taille`` (the last one shorter)."""
    iterateur = iter(elements)
    while paquet := list(itertools.islice(iterateur, taille)):
        yield paquet


def _anomalies_de_reprise(fichier: FichierNuu) -> list[Anomalie]:
    """What a take-over needs beyond a readable file: an extract or a MOD, dated."""
    if fichier.type_fichier not in {None, "MOD"}:
        return [
            Anomalie(
                "TYPE_FICHIER_NON_REPRIS",
                "/interfaceNuu/entete/typeFichier",
                f"fichier {fichier.type_fichier} : la reprise lit un extrait (sans typeFichier) "
                "ou un fichier MOD, qui décrivent une demande entière",
            )
        ]
    if fichier.date_creation is None and fichier.document is not None:
        return [
            Anomalie(
                "ELEMENT_MANQUANT",
                f"{DEMANDE_LOGEMENT}/dateCreationDemande",
                "date de dépôt obligatoire pour une reprise : c'est l'ancienneté de la demande",
            )
        ]
    return []
