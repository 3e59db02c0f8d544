"""Register, modify, renew and read demandes (R.441-2-1 to R.441-2-4 CCH).

Validity is one year from the first filing or the last renewal; the numéro
unique and the filing date (ancienneté) never change once given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from sne import codes
from sne.acteurs import Acteur
from sne.db import table_of
from sne.errors import Conflict, Forbidden, NotFound, SneError
from sne.models import Demande, Guichet, Personne, Ressource
from sne.numero import NumeroInvalide, analyser
from sne.services import doublons, formulaire, numerotation
from sne.services.trace import ligne, tracer
from sne.uow import UnitOfWork, utcnow

VALIDITE = relativedelta(years=1)
#: A paper form may be registered up to a month after it was received (the attestation's delay).
RETARD_SAISIE_MAX = relativedelta(months=1)

# The tables behind the models, for the Core statements of the registration hot path.
DEMANDE = table_of(Demande)
PERSONNE = table_of(Personne)
RESSOURCE = table_of(Ressource)


@dataclass(frozen=True)
class DemandeEnregistree:
    """What a registration or renewal hands back to the guichet."""

    numero: str
    date_depot: date
    date_renouvellement: date | None
    date_expiration: date


@dataclass(frozen=True)
class DemandeVue:
    """A read-only view of a demande for display and export."""

    numero: str
    statut: str
    territoire: str
    guichet: str
    date_depot: date
    date_renouvellement: date | None
    date_expiration: date
    date_radiation: date | None
    motif_radiation: str | None
    document: dict[str, Any]
    #: The radiation in force: motif, date and the data its motif required (attribution…).
    radiation: dict[str, Any] | None = None

    @property
    def statut_libelle(self) -> str:
        """French label of the status."""
        return codes.libelle(codes.STATUT_DEMANDE, self.statut)


def charger(
    session: Session, numero: str, *, verrou: bool = False, avec: Sequence[ExecutableOption] = ()
) -> Demande:
    """Load the demande ``numero`` with its household (and ``avec``), or raise ``NotFound``."""
    try:
        numero = str(analyser(numero))
    except NumeroInvalide as exc:
        raise NotFound(exc.message, code="NUMERO_INVALIDE") from exc
    query = (
        select(Demande)
        .where(Demande.numero == numero)
        .options(selectinload(Demande.personnes).joinedload(Personne.ressources), *avec)
    )
    if verrou:
        query = query.with_for_update()
    demande = session.scalar(query)
    if demande is None:
        raise NotFound(f"Aucune demande ne porte le numéro unique {numero}.", code="NUMERO_INCONNU")
    return demande


def _guichet_de(acteur: Acteur) -> tuple[int, str, str]:
    """The acting agent's guichet (id, code, territory); ``acteur_pour`` checked it is open."""
    if acteur.guichet_id is None or acteur.guichet_code is None or acteur.territoire_code is None:
        raise Forbidden("Seul un agent rattaché à un guichet enregistreur peut faire cela.")
    return acteur.guichet_id, acteur.guichet_code, acteur.territoire_code


def enregistrer(
    uow: UnitOfWork,
    acteur: Acteur,
    document: Mapping[str, Any],
    *,
    aujourd_hui: date,
    date_depot: date | None = None,
    forcer_doublon: str | None = None,
    ensuite: Callable[[Session, int, str], None] | None = None,
) -> DemandeEnregistree:
    """Register a new demande at the acting agent's guichet and give it its numéro unique.

    ``date_depot`` is the day the complete form was received (today by default).
    When the applicant or co-holder already holds an active demande in the
    territory, refuse with ``DoublonProbable`` unless ``forcer_doublon`` gives
    the justification (recorded as a forced duplicate). ``ensuite(session,
    demande_id, numero)`` is the caller's work in the same transaction (the
    online filing links the account): all of it commits, or nothing does.
    """
    with uow:
        session = uow.session
        acteur.exiger("enregistrer")
        guichet_id, guichet_code, territoire = _guichet_de(acteur)
        depot = date_depot or aujourd_hui
        if depot > aujourd_hui or depot < aujourd_hui - RETARD_SAISIE_MAX:
            raise SneError(
                "La date de dépôt doit être comprise entre il y a un mois et aujourd'hui.",
                code="DATE_DEPOT_INVALIDE",
            )
        propre = formulaire.valider(document, date_depot=depot)
        candidats = doublons.controler(
            session, territoire, propre["personnes"], forcer=forcer_doublon
        )
        now = utcnow()
        expiration = depot + VALIDITE
        valeurs: dict[str, Any] = {
            "territoire_code": territoire,
            "guichet_id": guichet_id,
            "agent_id": acteur.utilisateur_id,
            "statut": "active",
            "date_depot": depot,
            "date_expiration": expiration,
            "created_at": now,
            "updated_at": now,
        }
        # The household is written under a provisional number first (plain inserts: this
        # is the hot path of registration); the real number is allocated last, so the
        # counter's row lock is held only for the final update, the trace and the commit.
        demande_id = _inserer(session, valeurs, propre)
        trace = ligne(
            acteur,
            entite="demande",
            entite_id="",  # the number, filled in as it is allocated
            action="enregistrement",
            demande_id=demande_id,
            changements={"date_depot": depot, "date_expiration": expiration},
        )
        numero = numerotation.attribuer(session, demande_id, territoire, depot, guichet_code, trace)
        if candidats and forcer_doublon:
            doublons.noter_forcage(
                session,
                acteur,
                demande_id=demande_id,
                numero=numero,
                territoire=territoire,
                trouves=candidats,
                justification=forcer_doublon,
                jour=aujourd_hui,
                action="enregistrement",
            )
        if ensuite is not None:
            ensuite(session, demande_id, numero)
        uow.commit()
        return DemandeEnregistree(numero, depot, None, expiration)


def _inserer(session: Session, valeurs: dict[str, Any], propre: Mapping[str, Any]) -> int:
    """Insert the demande and its household with Core statements; return the demande's id.

    Table-level inserts on the session's connection skip the ORM's bulk machinery:
    a third less CPU per registration, which is what bounds the registration rate.
    """
    connexion = session.connection()
    ligne = {
        **valeurs,
        **{c: propre[c] for c in formulaire.CHAMPS_DEMANDE},
        "numero": numerotation.provisoire(),
    }
    demande_id: int = connexion.execute(
        insert(DEMANDE).returning(DEMANDE.c.id), [ligne]
    ).scalar_one()
    personnes = [
        {"demande_id": demande_id, "rang": rang, **{c: p[c] for c in formulaire.CHAMPS_PERSONNE}}
        for rang, p in enumerate(propre["personnes"], start=1)
    ]
    ids = connexion.scalars(
        insert(PERSONNE).returning(PERSONNE.c.id, sort_by_parameter_order=True), personnes
    ).all()
    ressources = [
        {"personne_id": personne_id, **r}
        for personne_id, p in zip(ids, propre["personnes"], strict=True)
        for r in p["ressources"]
    ]
    if ressources:
        connexion.execute(insert(RESSOURCE), ressources)
    return demande_id


def _enregistree(demande: Demande) -> DemandeEnregistree:
    return DemandeEnregistree(
        numero=demande.numero,
        date_depot=demande.date_depot,
        date_renouvellement=demande.date_renouvellement,
        date_expiration=demande.date_expiration,
    )


def exiger_active(demande: Demande, action: str) -> None:
    """Refuse ``action`` on a demande that is not active, saying why."""
    if demande.statut == "active":
        return
    if demande.statut == "radiee":
        radiation = demande.radiation
        motif = codes.libelle(codes.MOTIF_RADIATION, radiation.motif if radiation else None)
        quand = radiation.date_radiation.strftime("%d/%m/%Y") if radiation else "?"
        conseil = (
            " Elle peut être réactivée jusqu'à 18 mois après son dernier dépôt ou renouvellement."
            if radiation is not None and radiation.motif == "RADREN"
            else ""
        )
        raise Conflict(
            f"Impossible de {action} : la demande {demande.numero} est radiée depuis le {quand} "
            f"({motif}).{conseil}",
            code="DEMANDE_RADIEE",
        )
    raise Conflict(
        f"Impossible de {action} : la demande {demande.numero} est "
        f"{codes.libelle(codes.STATUT_DEMANDE, demande.statut).lower()}.",
        code="DEMANDE_CLOSE",
    )


def modifier(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    changements: Mapping[str, Any],
    *,
    justification: str | None = None,
    forcer_doublon: str | None = None,
    aujourd_hui: date | None = None,
) -> dict[str, list[Any]]:
    """Apply a partial document to an active demande; return the traced field-by-field changes.

    Changing a birth name, first names or a birth date needs a justification
    (a supporting piece) and is traced as an identity change; if the new
    identity matches another active demande, ``forcer_doublon`` must justify it.
    """
    with uow:
        session = uow.session
        demande = charger(session, numero, verrou=True)
        acteur.exiger("modifier", demande.territoire_code)
        exiger_active(demande, "modifier la demande")
        avant = formulaire.en_document(demande)
        propre = formulaire.valider(
            {**avant, **changements},
            date_depot=demande.date_depot,
            modifie_le=aujourd_hui or date.today(),
        )
        changes = formulaire.differences(avant, propre)
        if not changes:
            return {}
        identite = formulaire.changement_identite(changes)
        if identite:
            acteur.exiger("modifier_identite", demande.territoire_code)
            if not (justification and justification.strip()):
                raise SneError(
                    "Modifier le nom de naissance, les prénoms ou la date de naissance exige "
                    "une justification (pièce justificative produite).",
                    code="JUSTIFICATION_REQUISE",
                    details={"champs": identite},
                )
        candidats = (
            doublons.controler(
                session,
                demande.territoire_code,
                propre["personnes"],
                forcer=forcer_doublon,
                exclure_demande_id=demande.id,
            )
            if doublons.identites_touchees(changes)
            else []
        )
        formulaire.appliquer(demande, propre)
        demande.updated_at = utcnow()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="modification",
            demande_id=demande.id,
            changements=changes,
            justification=justification,
            changement_identite=bool(identite),
        )
        if candidats and forcer_doublon:
            doublons.noter_forcage(
                session,
                acteur,
                demande_id=demande.id,
                numero=demande.numero,
                territoire=demande.territoire_code,
                trouves=candidats,
                justification=forcer_doublon,
                jour=aujourd_hui or date.today(),
                action="modification",
            )
        uow.commit()
        return changes


def renouveler(
    uow: UnitOfWork, acteur: Acteur, numero: str, *, aujourd_hui: date
) -> DemandeEnregistree:
    """Renew an active demande: same number and ancienneté, valid one more year from today."""
    with uow:
        session = uow.session
        demande = charger(session, numero, verrou=True)
        acteur.exiger("renouveler", demande.territoire_code)
        prolonger(session, acteur, demande, aujourd_hui)
        uow.commit()
        return _enregistree(demande)


def prolonger(
    session: Session,
    acteur: Acteur,
    demande: Demande,
    aujourd_hui: date,
    canal: str | None = None,
) -> None:
    """Renew ``demande`` (active): valid one more year from today, the renewal traced."""
    exiger_active(demande, "renouveler la demande")
    ancienne = demande.date_expiration
    demande.date_renouvellement = aujourd_hui
    demande.date_expiration = aujourd_hui + VALIDITE
    demande.updated_at = utcnow()
    changements: dict[str, Any] = {"date_expiration": [ancienne, demande.date_expiration]}
    if canal is not None:
        changements["canal"] = canal
    tracer(
        session,
        acteur,
        entite="demande",
        entite_id=demande.numero,
        action="renouvellement",
        demande_id=demande.id,
        changements=changements,
    )


def aucune_demande(uow: UnitOfWork) -> bool:
    """Tell whether the database holds no demande yet (``make run`` then loads the demo)."""
    with uow:
        return uow.session.scalar(select(Demande.id).limit(1)) is None


def consulter(uow: UnitOfWork, acteur: Acteur, numero: str) -> DemandeVue:
    """Return the demande ``numero`` for display, if the actor may see it."""
    with uow:
        return vue_de(uow.session, acteur, numero)


def vue_de(session: Session, acteur: Acteur, numero: str) -> DemandeVue:
    """Load ``numero`` with its guichet and household in the caller's transaction, and view it."""
    guichet = joinedload(Demande.guichet, innerjoin=True).load_only(
        Guichet.code
    )  # the view's only need
    demande = charger(session, numero, avec=[guichet])
    acteur.exiger("consulter", demande.territoire_code)
    # An active demande has no radiation in force: its radiations are not even loaded.
    radiation = demande.radiation if demande.statut != "active" else None
    return DemandeVue(
        numero=demande.numero,
        statut=demande.statut,
        territoire=demande.territoire_code,
        guichet=demande.guichet.code,
        date_depot=demande.date_depot,
        date_renouvellement=demande.date_renouvellement,
        date_expiration=demande.date_expiration,
        date_radiation=demande.date_radiation,
        motif_radiation=radiation.motif if radiation else None,
        document=formulaire.en_document(demande),
        radiation=radiation.details() if radiation else None,
    )
