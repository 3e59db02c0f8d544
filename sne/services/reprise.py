"""Take-over of a territory's existing demandes from a previous system (administrator only).

Each demande keeps its numéro unique, its filing date (ancienneté), its last
renewal and its registering guichet (the number's last five characters); the
history it brings is appended to ours, after a ``reprise`` line. A radiated
demande is taken over radiated, with its motif, date and attribution (the
radiation rules of ``sne.services.radiation`` checked on its day). A number
already registered is left untouched (a re-run takes nothing twice). Each
territory's counter for a filing year then continues after the highest
sequence taken over. No duplicate check is made: the demandes already exist,
and the territorial manager's sweep (``sne doublons sweep``) finds the pairs.

Bulk: one transaction per lot, a few set-based Core statements per lot
(``executemany``), never one ORM flush per demande.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Connection

from sne.acteurs import Acteur
from sne.db import table_of
from sne.errors import SneError
from sne.models import Guichet, NumeroSequence, Radiation
from sne.numero import NumeroInvalide, NumeroUnique, analyser
from sne.services import formulaire
from sne.services.demandes import DEMANDE, PERSONNE, RESSOURCE, VALIDITE
from sne.services.radiation import preparer_radiation
from sne.services.trace import HISTORIQUE, ligne
from sne.uow import UnitOfWork, utcnow

GUICHET = table_of(Guichet)
SEQUENCE = table_of(NumeroSequence)
RADIATION = table_of(Radiation)
#: The columns a radiation taken over fills (who radiated it is the former system's).
COLONNES_RADIATION = (
    "motif",
    "date_radiation",
    "sous_motif",
    "date_avertissement",
    "commentaire",
    *Radiation.CHAMPS_ATTRIBUTION,
)
#: History actions of the operations an extract's events name (interfaceNuu file types).
ACTIONS_EVENEMENT = {
    "CRE": "enregistrement",
    "CRS": "scission",
    "MOD": "modification",
    "REN": "renouvellement",
    "RAD": "radiation",
}


@dataclass(frozen=True)
class DemandeReprise:
    """One demande to take over, as the previous system describes it (not yet checked)."""

    numero: str
    date_depot: date
    date_renouvellement: date | None
    document: Mapping[str, Any]
    #: History lines of the previous system: (day, file type of the operation, comment).
    evenements: tuple[tuple[date, str, str | None], ...] = ()
    #: ``document`` as ``formulaire.valider`` returns it at ``date_depot``, when the reader
    #: (a worker process) already applied the rules: they are then not applied twice.
    valide: Mapping[str, Any] | None = None
    #: A radiated demande's motif, day and the data ``radier`` takes (none: an active one).
    motif_radiation: str | None = None
    date_radiation: date | None = None
    donnees_radiation: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Issue:
    """What became of one demande: ``reprise``, ``reprise_radiee``, ``deja_reprise`` or
    ``refusee`` (with why)."""

    numero: str
    resultat: str
    refus: SneError | None = None


@dataclass
class _Lot:
    """The rows of a lot's demandes that passed the checks, in insertion order."""

    demandes: list[dict[str, Any]] = field(default_factory=list)
    menages: list[list[dict[str, Any]]] = field(default_factory=list)
    evenements: list[tuple[tuple[date, str, str | None], ...]] = field(default_factory=list)
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    #: The radiation row of each demande (None: active), in the same order.
    radiations: list[dict[str, Any] | None] = field(default_factory=list)


def rafraichir_statistiques(uow: UnitOfWork) -> None:
    """Refresh PostgreSQL's statistics of the tables each lot looks up (nothing elsewhere).

    A bulk take-over grows them faster than autovacuum analyses them (or where it is
    off): with statistics of a near-empty table the planner scans the whole table for
    each lot's ``IN`` look-ups, and the rate falls as the table grows (206/s at 100,000
    files against 759/s at 20,000 before this).
    """
    with uow:
        connexion = uow.session.connection()
        if connexion.dialect.name == "postgresql":
            connexion.execute(text("ANALYZE demande, personne"))
        uow.commit()


def reprendre_lot(
    uow: UnitOfWork, acteur: Acteur, lot: Sequence[DemandeReprise], *, aujourd_hui: date
) -> list[Issue]:
    """Take over ``lot`` in one transaction; return each demande's issue, in order."""
    with uow:
        acteur.exiger("reprendre")
        connexion = uow.session.connection()
        guichets = {
            code: (guichet_id, territoire)
            for code, guichet_id, territoire in connexion.execute(
                select(GUICHET.c.code, GUICHET.c.id, GUICHET.c.territoire_code)
            )
        }
        numeros = [d.numero for d in lot]
        deja = set(connexion.scalars(select(DEMANDE.c.numero).where(DEMANDE.c.numero.in_(numeros))))
        issues: list[Issue] = []
        rangs = _Lot()
        maintenant = utcnow()
        for demande in lot:
            if demande.numero in deja:
                issues.append(Issue(demande.numero, "deja_reprise"))
                continue
            deja.add(demande.numero)  # a number twice in one lot is taken once
            try:
                _preparer(demande, guichets, rangs, aujourd_hui=aujourd_hui, maintenant=maintenant)
            except SneError as refus:
                issues.append(Issue(demande.numero, "refusee", refus))
                continue
            radiee = demande.motif_radiation is not None
            issues.append(Issue(demande.numero, "reprise_radiee" if radiee else "reprise"))
        if rangs.demandes:
            _inserer(connexion, acteur, rangs)
            _continuer_sequences(connexion, rangs.sequences)
        uow.commit()
        return issues


def _preparer(
    demande: DemandeReprise,
    guichets: Mapping[str, tuple[int, str]],
    lot: _Lot,
    *,
    aujourd_hui: date,
    maintenant: datetime,
) -> None:
    """Check one demande and add its rows to ``lot``, or raise the refusal."""
    try:
        numero = analyser(demande.numero)
    except NumeroInvalide as exc:
        raise SneError(exc.message, code="NUMERO_INVALIDE") from exc
    _verifier_guichet(numero, guichets)
    _verifier_dates(numero, demande, aujourd_hui)
    propre = demande.valide
    if propre is None:
        propre = formulaire.valider(demande.document, date_depot=demande.date_depot)
    radiation = _radiation(demande, aujourd_hui)
    base = demande.date_renouvellement or demande.date_depot
    lot.demandes.append(
        {
            **{c: propre[c] for c in formulaire.CHAMPS_DEMANDE},
            "numero": str(numero),
            "territoire_code": numero.territoire,
            "guichet_id": guichets[numero.guichet][0],
            "agent_id": None,
            "statut": "active" if radiation is None else "radiee",
            "date_radiation": None if radiation is None else radiation["date_radiation"],
            "date_depot": demande.date_depot,
            "date_renouvellement": demande.date_renouvellement,
            "date_expiration": base + VALIDITE,
            "created_at": maintenant,
            "updated_at": maintenant,
        }
    )
    lot.menages.append(propre["personnes"])
    lot.evenements.append(demande.evenements)
    lot.radiations.append(radiation)
    cle = (numero.territoire, numero.annee)
    lot.sequences[cle] = max(lot.sequences.get(cle, 0), numero.sequence)


def _radiation(demande: DemandeReprise, aujourd_hui: date) -> dict[str, Any] | None:
    """The radiation row of a radiated demande, checked as on its day, or None if active."""
    if demande.motif_radiation is None:
        return None
    jour = demande.date_radiation
    if jour is None or not demande.date_depot <= jour <= aujourd_hui:
        raise SneError(
            f"La radiation doit être datée entre le dépôt du {demande.date_depot:%d/%m/%Y} "
            "et le jour de la reprise.",
            code="DATE_RADIATION_INVALIDE",
        )
    radiation = preparer_radiation(demande.motif_radiation, dict(demande.donnees_radiation), jour)
    return {c: getattr(radiation, c) for c in COLONNES_RADIATION}


def _verifier_guichet(numero: NumeroUnique, guichets: Mapping[str, tuple[int, str]]) -> None:
    connu = guichets.get(numero.guichet)
    if connu is None:
        raise SneError(
            f"Le guichet {numero.guichet} du numéro {numero} n'existe pas : "
            "le créer (sne guichet create) avant la reprise.",
            code="GUICHET_INCONNU",
        )
    if connu[1] != numero.territoire:
        raise SneError(
            f"Le guichet {numero.guichet} appartient au territoire {connu[1]}, "
            f"pas au territoire {numero.territoire} du numéro {numero}.",
            code="GUICHET_INCOHERENT",
        )


def _verifier_dates(numero: NumeroUnique, demande: DemandeReprise, aujourd_hui: date) -> None:
    depot, renouvellement = demande.date_depot, demande.date_renouvellement
    if (depot.month, depot.year % 100) != (numero.mois, numero.annee):
        raise SneError(
            f"Le dépôt du {depot:%d/%m/%Y} ne correspond pas au mois et à l'année "
            f"{numero.mois:02d}/{numero.annee:02d} du numéro {numero}.",
            code="DATE_CREATION_INCOHERENTE",
        )
    if depot > aujourd_hui:
        raise SneError(
            f"Le dépôt du {depot:%d/%m/%Y} est postérieur au jour de la reprise.",
            code="DATE_CREATION_INCOHERENTE",
        )
    if renouvellement is not None and not depot <= renouvellement <= aujourd_hui:
        raise SneError(
            f"Le renouvellement du {renouvellement:%d/%m/%Y} doit se situer entre le dépôt "
            f"du {depot:%d/%m/%Y} et le jour de la reprise.",
            code="DATE_RENOUVELLEMENT_INVALIDE",
        )


def _inserer(connexion: Connection, acteur: Acteur, lot: _Lot) -> None:
    """Insert the lot's demandes, households, resources and history: a few statements in all.

    Plain ``executemany`` (one prepared statement, no RETURNING), then one query
    per table for the new ids: a multi-row INSERT … RETURNING of 500 wide rows
    spends more time building and parsing its SQL text than the server inserting.
    """
    connexion.execute(insert(DEMANDE), lot.demandes)
    numeros = [d["numero"] for d in lot.demandes]
    par_numero = {
        numero: demande_id
        for numero, demande_id in connexion.execute(
            select(DEMANDE.c.numero, DEMANDE.c.id).where(DEMANDE.c.numero.in_(numeros))
        )
    }
    ids = [par_numero[numero] for numero in numeros]
    personnes = [
        {"demande_id": demande_id, "rang": rang, **{c: p[c] for c in formulaire.CHAMPS_PERSONNE}}
        for demande_id, menage in zip(ids, lot.menages, strict=True)
        for rang, p in enumerate(menage, start=1)
    ]
    connexion.execute(insert(PERSONNE), personnes)
    par_rang = {
        (demande_id, rang): personne_id
        for personne_id, demande_id, rang in connexion.execute(
            select(PERSONNE.c.id, PERSONNE.c.demande_id, PERSONNE.c.rang).where(
                PERSONNE.c.demande_id.in_(ids)
            )
        )
    }
    ressources = [
        {"personne_id": par_rang[(demande_id, rang)], **r}
        for demande_id, menage in zip(ids, lot.menages, strict=True)
        for rang, p in enumerate(menage, start=1)
        for r in p["ressources"]
    ]
    if ressources:
        connexion.execute(insert(RESSOURCE), ressources)
    radiations = [
        {"demande_id": demande_id, **r}
        for demande_id, r in zip(ids, lot.radiations, strict=True)
        if r is not None
    ]
    if radiations:
        connexion.execute(insert(RADIATION), radiations)
    connexion.execute(insert(HISTORIQUE), _historique(acteur, ids, lot))


def _historique(acteur: Acteur, ids: Sequence[int], lot: _Lot) -> list[dict[str, Any]]:
    """One ``reprise`` line per demande, then the lines of its former history, dated as given."""
    lignes = []
    for demande_id, valeurs, evenements, radiation in zip(
        ids, lot.demandes, lot.evenements, lot.radiations, strict=True
    ):
        lignes.append(
            ligne(
                acteur,
                entite="demande",
                entite_id=valeurs["numero"],
                action="reprise",
                demande_id=demande_id,
                changements={
                    "date_depot": valeurs["date_depot"],
                    "date_renouvellement": valeurs["date_renouvellement"],
                    "date_expiration": valeurs["date_expiration"],
                    **({} if radiation is None else _radiee(radiation)),
                },
            )
        )
        for jour, type_fichier, commentaire in evenements:
            ancienne = ligne(
                acteur,
                entite="demande",
                entite_id=valeurs["numero"],
                action=ACTIONS_EVENEMENT[type_fichier],
                demande_id=demande_id,
                changements={"repris_de": "ancien système"},
                justification=commentaire,
            )
            lignes.append({**ancienne, "at": datetime(jour.year, jour.month, jour.day)})
    return lignes


def _radiee(radiation: Mapping[str, Any]) -> dict[str, Any]:
    """What the ``reprise`` line says of a radiated demande: its radiation's recorded data."""
    return {f"radiation_{c}": v for c, v in radiation.items() if v is not None}


def _continuer_sequences(connexion: Connection, sequences: Mapping[tuple[str, int], int]) -> None:
    """Move each (territory, filing year) counter past the highest sequence taken over."""
    existants = {
        (t, a)
        for t, a in connexion.execute(
            select(SEQUENCE.c.territoire_code, SEQUENCE.c.annee).where(
                SEQUENCE.c.territoire_code.in_({t for t, _ in sequences})
            )
        )
    }
    for (territoire, annee), plus_haut in sorted(sequences.items()):
        if (territoire, annee) in existants:
            connexion.execute(
                update(SEQUENCE)
                .where(
                    SEQUENCE.c.territoire_code == territoire,
                    SEQUENCE.c.annee == annee,
                    SEQUENCE.c.dernier < plus_haut,
                )
                .values(dernier=plus_haut)
            )
        else:
            connexion.execute(
                insert(SEQUENCE).values(territoire_code=territoire, annee=annee, dernier=plus_haut)
            )
