"""The check at registration: candidates of a demande among the territory's active ones.

It looks up the applicants and co-holders of active demandes born on the same
date (or with day and month swapped) through the partial index
``ix_personne_naissance_cle`` and compares names in Python (``sne.identite``):
a registration costs one indexed query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    insert,
    select,
)
from sqlalchemy.orm import Session

from sne import identite
from sne.acteurs import Acteur
from sne.errors import Conflict, SneError, ValidationError
from sne.identite import Identite
from sne.models import (
    TITULAIRES,
    Demande,
    DoublonForce,
    Personne,
)
from sne.services import formulaire
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class Candidat:
    """An active demande of the territory holding a person who may be one of ours."""

    numero: str
    code: str
    motif: str
    confiance: float
    #: Role of that person in the existing demande, and how it is written there.
    role: str
    personne: str
    #: Which person of the checked demande it matches (its role).
    pour: str

    @property
    def libelle(self) -> str:
        """One French line: who, why, how sure."""
        return f"{self.personne} ({self.role}) — {self.motif} [{self.code}, confiance {self.confiance:.0%}]"


class DoublonProbable(Conflict):
    """The demande's applicant or co-holder already holds an active demande in the territory."""

    code = "DOUBLON_PROBABLE"

    def __init__(self, candidats: Sequence[Candidat]) -> None:
        numeros = list(dict.fromkeys(c.numero for c in candidats))
        details: dict[str, str] = {}
        for candidat in candidats:
            ligne = candidat.libelle
            details[candidat.numero] = (
                f"{details[candidat.numero]} ; {ligne}" if candidat.numero in details else ligne
            )
        super().__init__(
            f"Doublon probable : {len(numeros)} demande(s) active(s) du territoire concernent "
            "déjà cette personne. Vérifiez-les ; pour enregistrer malgré tout, indiquez une "
            "justification (doublon forcé, suivi par le gestionnaire territorial).",
            details=details,
        )
        self.candidats = list(candidats)


def _identite(personne: Mapping[str, Any]) -> Identite | None:
    nom, prenoms, naissance = (
        personne.get("nom_naissance"),
        personne.get("prenoms"),
        personne.get("date_naissance"),
    )
    if personne.get("role") not in identite.ROLES_TITULAIRES or not nom or not prenoms:
        return None
    if not isinstance(naissance, date):
        return None
    return Identite(str(nom), str(prenoms), naissance)


def ecrite(nom: str | None, prenoms: str | None, naissance: date | None) -> str:
    quand = f", né(e) le {naissance:%d/%m/%Y}" if naissance else ""
    return f"{prenoms or ''} {(nom or '').upper()}{quand}".strip()


def candidats(
    session: Session,
    territoire: str,
    personnes: Iterable[Mapping[str, Any]],
    *,
    exclure_demande_id: int | None = None,
) -> list[Candidat]:
    """Candidates among the active demandes of ``territoire`` for the persons given.

    ``personnes`` are validated person documents (``formulaire.valider``); only
    the applicant and the co-holder are checked. One indexed query.
    """
    cherchees = [(str(p["role"]), i) for p in personnes if (i := _identite(p)) is not None]
    if not cherchees:
        return []
    dates: set[date] = set()
    for _, cherchee in cherchees:
        dates.add(cherchee.date_naissance)
        permutee = identite.date_permutee(cherchee.date_naissance)
        if permutee is not None:
            dates.add(permutee)
    query = (
        select(
            Demande.numero,
            Personne.role,
            Personne.nom_naissance,
            Personne.prenoms,
            Personne.date_naissance,
        )
        .join(Demande, Demande.id == Personne.demande_id)
        .where(
            Personne.date_naissance.in_(sorted(dates)),
            TITULAIRES,
            Demande.territoire_code == territoire,
            Demande.statut == "active",
        )
    )
    if exclure_demande_id is not None:
        query = query.where(Demande.id != exclure_demande_id)
    trouves: dict[tuple[str, str], Candidat] = {}
    # Columns only: run on the connection, without the ORM's result machinery.
    for numero, role, nom, prenoms, naissance in session.connection().execute(query):
        if not nom or not prenoms or naissance is None:
            continue
        existante = Identite(nom, prenoms, naissance)
        for pour, cherchee in cherchees:
            correspondance = identite.comparer(cherchee, existante)
            if correspondance is None:
                continue
            cle = (numero, role)
            if cle not in trouves or trouves[cle].confiance < correspondance.confiance:
                trouves[cle] = Candidat(
                    numero=numero,
                    code=correspondance.code,
                    motif=correspondance.motif,
                    confiance=correspondance.confiance,
                    role=role,
                    personne=ecrite(nom, prenoms, naissance),
                    pour=pour,
                )
    return sorted(trouves.values(), key=lambda c: (-c.confiance, c.numero))


def identites_touchees(changes: Mapping[str, Any]) -> bool:
    """Tell whether a modification changes, adds or removes who the persons of the household are."""
    champs = {*formulaire.CHAMPS_IDENTITE, "role"}
    return any(
        path.startswith("personnes[") and path.rsplit(".", 1)[-1] in champs for path in changes
    )


def controler(
    session: Session,
    territoire: str,
    personnes: Iterable[Mapping[str, Any]],
    *,
    forcer: str | None,
    exclure_demande_id: int | None = None,
) -> list[Candidat]:
    """Refuse with ``DoublonProbable`` when candidates exist, unless ``forcer`` justifies it.

    Returns the candidates overridden by the justification (empty when none).
    """
    trouves = candidats(session, territoire, personnes, exclure_demande_id=exclure_demande_id)
    if trouves and not (forcer and forcer.strip()):
        raise DoublonProbable(trouves)
    return trouves


def noter_forcage(
    session: Session,
    acteur: Acteur,
    *,
    demande_id: int,
    numero: str,
    territoire: str,
    trouves: Sequence[Candidat],
    justification: str,
    jour: date,
    action: str,
) -> None:
    """Record a forced duplicate against the guichet and the agent, and trace it."""
    resume = [{"numero": c.numero, "code": c.code, "confiance": c.confiance} for c in trouves]
    session.execute(
        insert(DoublonForce),
        {
            "demande_id": demande_id,
            "territoire_code": territoire,
            "guichet_id": acteur.guichet_id,
            "agent_id": acteur.utilisateur_id,
            "jour": jour,
            "at": utcnow(),
            "action": action,
            "justification": justification.strip(),
            "candidats": resume,
        },
    )
    tracer(
        session,
        acteur,
        entite="demande",
        entite_id=numero,
        action="doublon_force",
        demande_id=demande_id,
        changements={"candidats": resume},
        justification=justification.strip(),
    )


def rechercher(
    uow: UnitOfWork, acteur: Acteur, document: Mapping[str, Any], *, territoire: str | None = None
) -> list[Candidat]:
    """Check a Cerfa document (only its ``personnes`` are read) against the territory."""
    territoire = territoire or acteur.territoire_code
    if territoire is None:
        raise SneError("Indiquer le territoire où chercher.", code="TERRITOIRE_REQUIS")
    acteur.exiger("rechercher_doublons", territoire)
    personnes = document.get("personnes")
    if not isinstance(personnes, list) or not personnes:
        raise ValidationError({"personnes": "indiquer au moins le demandeur"})
    v = formulaire.Verificateur()
    lues = []
    for rang, personne in enumerate(personnes, start=1):
        if not isinstance(personne, Mapping):
            v.erreur(f"personnes[{rang}]", "fiche de personne attendue")
            continue
        lues.append(
            {
                "role": personne.get("role"),
                "nom_naissance": v.nom(
                    f"personnes[{rang}].nom_naissance", personne.get("nom_naissance")
                ),
                "prenoms": v.nom(f"personnes[{rang}].prenoms", personne.get("prenoms")),
                "date_naissance": v.date(
                    f"personnes[{rang}].date_naissance", personne.get("date_naissance")
                ),
            }
        )
    if v.problemes:
        raise ValidationError(v.problemes)
    with uow:
        return candidats(uow.session, territoire, lues)
