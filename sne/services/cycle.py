"""The daily lifecycle: préavis, radiation for non-renewal, purge of personal data.

Runnable for any date and safe to run twice: each step selects only what is
due and not yet done. Rules (R.441-2-8 CCH, domain reference):

- préavis: at least one month before expiry, the applicant is warned (e-mail
  when known, a letter to post otherwise); one préavis per expiry date;
- non-renewal: radiated (RADREN) one month after expiry, i.e. 13 months after
  the last filing or renewal;
- purge: personal data erased one year after radiation; anonymous figures stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.message import EmailMessage
from functools import partial

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.orm import Session, selectinload

from sne import chainage, codes
from sne.acteurs import Acteur
from sne.mail import Envoyer, composer
from sne.models import Demande, Historique, Lot, Personne, Piece, Preavis
from sne.services import brouillons, echeances, indicateurs, radiation
from sne.services.courriers import (
    GRACE_RENOUVELLEMENT,
    LotCourrier,
    adresse_postale,
    produire_lettres,
    texte_preavis,
)
from sne.services.formulaire import BOOLEENS, CHAMPS_B, CHAMPS_MORALE
from sne.services.notifications import Planifier
from sne.services.trace import tracer
from sne.stockage import FileStore
from sne.uow import UnitOfWork, utcnow

PREAVIS = relativedelta(months=1)
CONSERVATION = relativedelta(years=1)
PAQUET = 500  # demandes handled per transaction, so a large backlog never holds one huge lock

#: Free-text fields that may hold personal data, erased with the household.
TEXTES_PERSONNELS = ("motif_precision", "handicap_precision", "logement_actuel_bailleur")


@dataclass
class BilanCycle:
    """What one run did, for the command line and the logs."""

    jour: date
    preavis_email: list[str] = field(default_factory=list)
    preavis_courrier: list[str] = field(default_factory=list)
    radiees: list[str] = field(default_factory=list)
    purgees: list[str] = field(default_factory=list)
    fichiers_a_supprimer: list[str] = field(default_factory=list)
    #: Outcome of each préavis e-mail, by (demande id, expiry): "envoye" or "echec".
    envois: dict[tuple[int, date], str] = field(default_factory=dict)


def executer(
    uow: UnitOfWork,
    acteur: Acteur,
    jour: date,
    *,
    envoyer: Envoyer,
    expediteur: str,
    territoire: str | None = None,
    portail_public: str | None = None,
) -> BilanCycle:
    """Run the three steps for ``jour`` (optionally in one territory) and report what was done.

    ``portail_public`` is the public portal's address the préavis e-mails link to.
    """
    acteur.exiger("cycle_quotidien", territoire)
    bilan = BilanCycle(jour)
    _par_paquets(
        uow,
        lambda s: _preavis(
            uow, s, acteur, jour, bilan, envoyer, expediteur, territoire, portail_public
        ),
    )
    _noter_envois(uow, bilan)
    _par_paquets(uow, lambda s: _non_renouvellement(s, acteur, jour, bilan, territoire))
    _par_paquets(uow, lambda s: _purge(s, acteur, jour, bilan, territoire))
    return bilan


def _dues_preavis(jour: date) -> Select[tuple[Demande]]:
    """Active demandes expiring within the month that have no préavis for that expiry."""
    deja = exists().where(
        Preavis.demande_id == Demande.id, Preavis.date_expiration == Demande.date_expiration
    )
    return select(Demande).where(
        Demande.statut == "active", Demande.date_expiration <= jour + PREAVIS, ~deja
    )


def _dues_radiation(jour: date) -> Select[tuple[Demande]]:
    """Active demandes expired for a month or more."""
    return select(Demande).where(
        Demande.statut == "active", Demande.date_expiration <= jour - GRACE_RENOUVELLEMENT
    )


def _dues_purge(jour: date) -> Select[tuple[Demande]]:
    """Demandes radiated a year ago or more."""
    return select(Demande).where(
        Demande.statut == "radiee", Demande.date_radiation <= jour - CONSERVATION
    )


def prevoir(
    uow: UnitOfWork, acteur: Acteur, jour: date, *, territoire: str | None = None
) -> BilanCycle:
    """What ``executer`` would do on ``jour``, without doing it (the dry run)."""
    acteur.exiger("cycle_quotidien", territoire)
    bilan = BilanCycle(jour)
    with uow:
        numeros = uow.session.execute(
            _dans(_dues_preavis(jour), territoire)
            .with_only_columns(Demande.numero, Demande.email)
            .order_by(Demande.id)
        )
        for numero, email in numeros:
            (bilan.preavis_email if email else bilan.preavis_courrier).append(numero)
        for query, liste in (
            (_dues_radiation(jour), bilan.radiees),
            (_dues_purge(jour), bilan.purgees),
        ):
            liste += uow.session.scalars(
                _dans(query, territoire).with_only_columns(Demande.numero).order_by(Demande.id)
            )
    return bilan


def _par_paquets(uow: UnitOfWork, etape: Callable[[Session], int]) -> None:
    """Repeat ``etape`` in its own transaction until it finds nothing left to do."""
    while True:
        with uow:
            traitees = etape(uow.session)
            uow.commit()
        if traitees < PAQUET:
            return


def _dans(query: Select[tuple[Demande]], territoire: str | None) -> Select[tuple[Demande]]:
    return query if territoire is None else query.where(Demande.territoire_code == territoire)


def _preavis(
    uow: UnitOfWork,
    session: Session,
    acteur: Acteur,
    jour: date,
    bilan: BilanCycle,
    envoyer: Envoyer,
    expediteur: str,
    territoire: str | None,
    portail_public: str | None = None,
) -> int:
    query = (
        _dues_preavis(jour)
        .options(selectinload(Demande.personnes))
        .order_by(Demande.id)
        .limit(PAQUET)
    )
    demandes = list(session.scalars(_dans(query, territoire)))
    for demande in demandes:
        canal = "email" if demande.email else "courrier"
        session.add(
            Preavis(
                demande_id=demande.id,
                date_expiration=demande.date_expiration,
                date_envoi=jour,
                canal=canal,
                destinataire=demande.email or "\n".join(adresse_postale(demande)),
            )
        )
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="preavis",
            demande_id=demande.id,
            changements={"canal": canal, "date_expiration": demande.date_expiration},
        )
        if canal == "email":
            assert demande.email is not None
            message = composer(
                expediteur=expediteur,
                destinataire=demande.email,
                sujet=f"Votre demande de logement social {demande.numero} arrive à échéance",
                texte=texte_preavis(demande, portail_public),
            )
            cle = (demande.id, demande.date_expiration)
            uow.after_commit(partial(_envoyer_preavis, envoyer, message, cle, bilan))
            bilan.preavis_email.append(demande.numero)
        else:
            bilan.preavis_courrier.append(demande.numero)
    return len(demandes)


def _envoyer_preavis(
    envoyer: Envoyer, message: EmailMessage, cle: tuple[int, date], bilan: BilanCycle
) -> None:
    """Send one préavis e-mail and note whether the mail server took it."""
    try:
        envoyer(message)
    except Exception:  # noqa: BLE001 - a refused mail is recorded on its préavis; the run goes on
        bilan.envois[cle] = "echec"
    else:
        bilan.envois[cle] = "envoye"


def _noter_envois(uow: UnitOfWork, bilan: BilanCycle) -> None:
    """Record on each préavis whether its e-mail was sent (a complaint shows it)."""
    if not bilan.envois:
        return
    with uow:
        for (demande_id, expiration), statut in bilan.envois.items():
            uow.session.execute(
                update(Preavis)
                .where(Preavis.demande_id == demande_id, Preavis.date_expiration == expiration)
                .values(statut_envoi=statut)
            )
        uow.commit()


def _non_renouvellement(
    session: Session, acteur: Acteur, jour: date, bilan: BilanCycle, territoire: str | None
) -> int:
    query = (
        _dues_radiation(jour)
        .options(selectinload(Demande.radiations))
        .order_by(Demande.id)
        .limit(PAQUET)
    )
    demandes = list(session.scalars(_dans(query, territoire)))
    for demande in demandes:
        # The radiation takes effect on its legal date even if a daily run was missed.
        echeance = demande.date_expiration + GRACE_RENOUVELLEMENT
        radiation.radier_non_renouvellement(session, acteur, demande, min(echeance, jour))
        bilan.radiees.append(demande.numero)
    return len(demandes)


def _purge(
    session: Session, acteur: Acteur, jour: date, bilan: BilanCycle, territoire: str | None
) -> int:
    query = (
        _dues_purge(jour)
        .options(selectinload(Demande.personnes).selectinload(Personne.ressources))
        .order_by(Demande.id)
        .limit(PAQUET)
    )
    demandes = list(session.scalars(_dans(query, territoire)))
    for demande in demandes:
        bilan.fichiers_a_supprimer += purger(session, acteur, demande, jour)
        bilan.purgees.append(demande.numero)
    return len(demandes)


def purger(session: Session, acteur: Acteur, demande: Demande, jour: date) -> list[str]:
    """Erase ``demande``'s personal data, keep anonymous figures; return files to delete."""
    demande.statistiques = statistiques(demande)
    demande.personnes = []
    for champ in (*CHAMPS_B, *CHAMPS_MORALE, *TEXTES_PERSONNELS):
        setattr(demande, champ, False if champ in BOOLEENS else None)
    # The disability's details are health data: erased with the household.
    for champ in codes.CHAMPS_HANDICAP:
        setattr(demande, champ, None)
    for champ in codes.OUI_NON_HANDICAP:
        setattr(demande, champ, "NONDOC")
    for champ in codes.LISTES_HANDICAP:
        setattr(demande, champ, [])
    for ligne in demande.radiations:
        ligne.commentaire = None
    fichiers = list(
        session.scalars(
            select(Piece.storage_key).where(
                Piece.demande_id == demande.id, Piece.storage_key.is_not(None)
            )
        )
    )
    session.execute(delete(Piece).where(Piece.demande_id == demande.id))
    # The trace stays (who did what, when) but the values it recorded are redacted.
    session.execute(
        update(Historique)
        .where(Historique.demande_id == demande.id)
        .values(changements=chainage.EXPURGE, justification=None)
    )
    demande.statut = "purgee"
    demande.date_purge = jour
    demande.updated_at = utcnow()
    tracer(
        session,
        acteur,
        entite="demande",
        entite_id=demande.numero,
        action="purge",
        demande_id=demande.id,
        changements={"pieces_supprimees": len(fichiers)},
    )
    cles = [f for f in fichiers if f]
    encore_tenus = _encore_tenus(session, cles)
    return [f for f in cles if f not in encore_tenus]


def _encore_tenus(session: Session, cles: list[str]) -> set[str]:
    """The stored files among ``cles`` that another piece or a lot still holds.

    The store keeps one file per content: two dossiers that received the same
    bytes share it, and a lot's original may be a piece's file too.
    """
    pieces = select(Piece.storage_key).where(Piece.storage_key.in_(cles))
    lots = select(Lot.storage_key).where(Lot.storage_key.in_(cles))
    return set(session.scalars(pieces.union(lots)))


def statistiques(demande: Demande) -> dict[str, object]:
    """Anonymous household figures that survive the purge."""
    roles = Counter(p.role for p in demande.personnes)
    ages = [
        demande.date_depot.year - p.date_naissance.year
        for p in demande.personnes
        if p.date_naissance is not None
    ]
    ressources = sum(
        (r.montant_mensuel for p in demande.personnes for r in p.ressources if r.type != "PAV"),
        start=0,
    )
    return {
        "nb_personnes": len(demande.personnes),
        "composition": dict(roles),
        "tranches_age": dict(Counter(min(age // 10 * 10, 80) for age in ages)),
        "ressources_mensuelles": str(ressources),
    }


@dataclass(frozen=True)
class BilanQuotidien:
    """What the cycle quotidien did: the lifecycle's report and the late items alerted."""

    cycle: BilanCycle
    alertes: list[str]
    #: The préavis letters of this run, to hand to the printing provider.
    courrier: LotCourrier | None = None
    #: Online filing drafts deleted after their 90 days (``brouillons.purger``).
    brouillons_purges: int = 0


def cycle_quotidien(
    uow: UnitOfWork,
    acteur: Acteur,
    jour: date,
    *,
    envoyer: Envoyer,
    expediteur: str,
    store: FileStore,
    alerte_a: str | None,
    planifier: Planifier,
    territoire: str | None = None,
    portail_public: str | None = None,
) -> BilanQuotidien:
    """The daily run: lifecycle, removal of the purged files, then one alert per late item.

    The job, ``sne lifecycle`` and the demo all run this; it is safe to run twice.
    """
    bilan = executer(
        uow,
        acteur,
        jour,
        envoyer=envoyer,
        expediteur=expediteur,
        territoire=territoire,
        portail_public=portail_public,
    )
    for cle in bilan.fichiers_a_supprimer:  # after the purge's commit: never a file too soon
        store.delete(cle)
    courrier = produire_lettres(uow, acteur, jour, store, territoire=territoire)
    purges = brouillons.purger(uow, datetime.combine(jour, time.min), store)
    alertes = echeances.alerter_retards(uow, jour, destinataire=alerte_a, planifier=planifier)
    # Last, the indicators' snapshot (sne.services.indicateurs): it then counts what this run
    # radiated and sent.
    indicateurs.rafraichir(uow, acteur, jour, territoire)
    return BilanQuotidien(bilan, alertes, courrier, purges)
