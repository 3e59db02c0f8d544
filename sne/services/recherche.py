"""Find demandes at the guichet: by numéro unique, or by name and birth date.

A numéro is matched exactly once spaces, dots and dashes are removed. Names are
matched with the identity rules of the duplicate check (``sne.identite``):
accents, case, separators, compound first names in another order, name and
first names swapped, and, when the birth date is given, one typing error or day
and month swapped. Only applicants and co-holders are searched. The search sees
the actor's territory only: another territory's demande is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select

from sne import identite
from sne.acteurs import Acteur
from sne.errors import SneError
from sne.identite import Identite
from sne.models import TITULAIRES, Demande, Guichet, Personne
from sne.numero import NumeroInvalide, analyser
from sne.uow import UnitOfWork

PAR_PAGE_MAX = 100

#: Short French reason shown beside a result found by an identity rule (none when identical).
RAISONS = {
    identite.ORDRE_PRENOMS: "prénoms dans un autre ordre",
    identite.INVERSION_NOM_PRENOMS: "nom et prénoms inversés",
    identite.SEPARATEURS: "espaces ou traits d'union différents",
    identite.FAUTE_NOM: "une faute de frappe dans le nom",
    identite.FAUTE_PRENOMS: "une faute de frappe dans les prénoms",
    identite.INVERSION_JOUR_MOIS: "jour et mois de naissance inversés",
}


@dataclass(frozen=True)
class ResultatRecherche:
    """One demande found, with the person that matched (applicant or co-holder)."""

    numero: str
    statut: str
    nom: str
    prenoms: str
    date_naissance: date | None
    date_depot: date
    date_expiration: date
    guichet: str
    guichet_nom: str
    #: French reason when found by the identity rules (e.g. "prénoms dans un autre ordre").
    raison: str | None


@dataclass(frozen=True)
class PageRecherche:
    """One page of results and how many there are in all."""

    resultats: list[ResultatRecherche]
    total: int
    page: int
    par_page: int

    @property
    def pages(self) -> int:
        """Number of pages (at least one, even when empty)."""
        return max(1, -(-self.total // self.par_page))


def rechercher(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    numero: str | None = None,
    nom: str | None = None,
    prenoms: str | None = None,
    date_naissance: date | None = None,
    page: int = 1,
    par_page: int = 20,
) -> PageRecherche:
    """Search the actor's territory by numéro, or by name and/or birth date; one page back."""
    acteur.exiger("consulter", acteur.territoire_code)
    page, par_page = max(1, page), min(max(1, par_page), PAR_PAGE_MAX)
    numero, nom, prenoms = (_texte(v) for v in (numero, nom, prenoms))
    with uow:
        if numero is not None:
            trouves = _par_numero(uow, acteur, numero)
        elif date_naissance is not None:
            trouves = _par_naissance(uow, acteur, nom, prenoms, date_naissance)
        elif nom is not None:
            trouves = _par_nom(uow, acteur, nom, prenoms)
        else:
            raise SneError(
                "Indiquez un numéro unique, ou un nom, ou une date de naissance.",
                code="CRITERE_REQUIS",
                details={"numero": "indiquez un numéro unique, ou cherchez par nom"},
            )
    debut = (page - 1) * par_page
    return PageRecherche(
        resultats=trouves[debut : debut + par_page],
        total=len(trouves),
        page=page,
        par_page=par_page,
    )


def _texte(valeur: str | None) -> str | None:
    return valeur.strip() or None if valeur is not None else None


def _base(acteur: Acteur) -> Select[Any]:
    """Applicants and co-holders with their demande and guichet, in the actor's territory."""
    query = (
        select(Demande, Guichet.code, Guichet.nom, Personne)
        .join(Guichet, Guichet.id == Demande.guichet_id)
        .outerjoin(
            Personne,
            (Personne.demande_id == Demande.id) & TITULAIRES,
        )
    )
    if acteur.territoire_code is not None:
        query = query.where(Demande.territoire_code == acteur.territoire_code)
    return query


def _resultat(
    demande: Demande, code: str, nom_guichet: str, personne: Personne | None, raison: str | None
) -> ResultatRecherche:
    return ResultatRecherche(
        numero=demande.numero,
        statut=demande.statut,
        nom=(personne.nom_naissance or "") if personne else "",
        prenoms=(personne.prenoms or "") if personne else "",
        date_naissance=personne.date_naissance if personne else None,
        date_depot=demande.date_depot,
        date_expiration=demande.date_expiration,
        guichet=code,
        guichet_nom=nom_guichet,
        raison=raison,
    )


def _par_numero(uow: UnitOfWork, acteur: Acteur, numero: str) -> list[ResultatRecherche]:
    """The demande carrying this number, if it is the actor's territory's (applicant shown)."""
    try:
        exact = str(analyser(numero))
    except NumeroInvalide as exc:
        raise SneError(
            exc.message, code="NUMERO_INVALIDE", details={"numero": exc.message}
        ) from exc
    lignes = uow.session.execute(
        _base(acteur).where(Demande.numero == exact).order_by(Personne.rang)
    ).all()
    if not lignes:
        return []
    demande, code, nom_guichet, personne = lignes[0]
    return [_resultat(demande, code, nom_guichet, personne, None)]


def _par_naissance(
    uow: UnitOfWork, acteur: Acteur, nom: str | None, prenoms: str | None, naissance: date
) -> list[ResultatRecherche]:
    """Persons born that day (or with day and month swapped), through the duplicate index."""
    dates = {naissance}
    permutee = identite.date_permutee(naissance)
    if permutee is not None:
        dates.add(permutee)
    query = _base(acteur).where(Personne.date_naissance.in_(sorted(dates)), TITULAIRES)
    notes: dict[str, tuple[float, ResultatRecherche]] = {}
    for demande, code, nom_guichet, personne in uow.session.execute(query):
        note = _noter(personne, nom, prenoms, naissance)
        if note is None:
            continue
        confiance, raison = note
        if demande.numero not in notes or notes[demande.numero][0] < confiance:
            notes[demande.numero] = (
                confiance,
                _resultat(demande, code, nom_guichet, personne, raison),
            )
    return _trier(notes.values())


def _noter(
    personne: Personne, nom: str | None, prenoms: str | None, naissance: date
) -> tuple[float, str | None] | None:
    """How well a person born on the searched day (or its swap) matches the names typed."""
    inversee = personne.date_naissance != naissance  # selected on that day or its swap
    if nom is not None and prenoms is not None:
        if not personne.nom_naissance or not personne.prenoms or not personne.date_naissance:
            return None
        correspondance = identite.comparer(
            Identite(nom, prenoms, naissance),
            Identite(personne.nom_naissance, personne.prenoms, personne.date_naissance),
        )
        if correspondance is None:
            return None
        raison = RAISONS.get(correspondance.code)
        return correspondance.confiance, raison
    # One name or none typed: compare it with the person's name, then with the other field.
    raisons: list[str] = []
    if inversee:
        raisons.append(RAISONS[identite.INVERSION_JOUR_MOIS])
    confiance = identite.CONFIANCE[identite.INVERSION_JOUR_MOIS] if inversee else 1.0
    tape = nom if nom is not None else prenoms
    if tape is not None:
        propre = personne.cle_nom if nom is not None else personne.cle_prenoms
        autre = personne.cle_prenoms if nom is not None else personne.cle_nom
        cle = identite.cle_nom(tape) if nom is not None else identite.cle_prenoms(tape)
        if cle is None:
            return None
        if cle == propre:
            pass
        elif identite.cle_prenoms(tape) == identite.cle_prenoms(autre):
            raisons.append(RAISONS[identite.INVERSION_NOM_PRENOMS])
            confiance = min(confiance, identite.CONFIANCE[identite.INVERSION_NOM_PRENOMS])
        elif not inversee and propre and identite.une_faute_au_plus(cle, propre):
            code = identite.FAUTE_NOM if nom is not None else identite.FAUTE_PRENOMS
            raisons.append(RAISONS[code])
            confiance = min(confiance, identite.CONFIANCE[code])
        else:
            return None
    return confiance, " ; ".join(raisons) or None


def _par_nom(
    uow: UnitOfWork, acteur: Acteur, nom: str, prenoms: str | None
) -> list[ResultatRecherche]:
    """Without a birth date: names equal once folded, or name and first names swapped."""
    cle_nom = identite.cle_nom(nom)
    if cle_nom is None:
        raise SneError(
            "Le nom saisi ne contient aucune lettre.",
            code="DONNEES_INVALIDES",
            details={"nom": "saisissez au moins une lettre"},
        )
    if prenoms is None:
        # The name typed may be the person's name, or their first names typed in its place.
        condition = or_(
            Personne.cle_nom == cle_nom, Personne.cle_prenoms == identite.cle_prenoms(nom)
        )
    else:
        condition = Personne.cle_identite == identite.cle_identite(nom, prenoms)
    query = _base(acteur).where(condition, TITULAIRES)
    notes: dict[str, tuple[float, ResultatRecherche]] = {}
    for demande, code, nom_guichet, personne in uow.session.execute(query):
        confiance, raison = _noter_sans_date(personne, nom, prenoms)
        if demande.numero not in notes or notes[demande.numero][0] < confiance:
            notes[demande.numero] = (
                confiance,
                _resultat(demande, code, nom_guichet, personne, raison),
            )
    return _trier(notes.values())


def _noter_sans_date(personne: Personne, nom: str, prenoms: str | None) -> tuple[float, str | None]:
    """Why a person found by name keys matches (their own birth date stands in for ours)."""
    if prenoms is None:
        if personne.cle_nom == identite.cle_nom(nom):
            return 1.0, None
        return identite.CONFIANCE[identite.INVERSION_NOM_PRENOMS], RAISONS[
            identite.INVERSION_NOM_PRENOMS
        ]
    jour = personne.date_naissance or date.min
    correspondance = identite.comparer(
        Identite(nom, prenoms, jour),
        Identite(personne.nom_naissance or "", personne.prenoms or "", jour),
    )
    if correspondance is None:  # same sorted words, yet glued differently
        return identite.CONFIANCE[identite.SEPARATEURS], RAISONS[identite.SEPARATEURS]
    return correspondance.confiance, RAISONS.get(correspondance.code)


def _trier(notes: Iterable[tuple[float, ResultatRecherche]]) -> list[ResultatRecherche]:
    """Surest first, then by name, first names and numéro."""
    return [
        resultat
        for _, resultat in sorted(
            notes,
            key=lambda n: (
                -n[0],
                identite.cle_nom(n[1].nom) or "",
                identite.cle_prenoms(n[1].prenoms) or "",
                n[1].numero,
            ),
        )
    ]
