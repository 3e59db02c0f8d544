"""Duplicates: the check at registration, forced duplicates, the territorial sweep, merges.

One applicant, one demand per territory. The check looks up the applicants and
co-holders of active demandes born on the same date (or with day and month
swapped) through the partial index ``ix_personne_naissance_cle`` and compares
names in Python (``sne.identite``): a registration costs one indexed query. The
sweep groups a whole territory in SQL on the stored normalised keys, so Python
only compares persons already sharing a birth date and a name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    CursorResult,
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, selectinload

from sne import identite
from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, SneError, ValidationError
from sne.identite import Correspondance, Identite
from sne.models import (
    TITULAIRES_SQL,
    Demande,
    DoublonForce,
    Fusion,
    Guichet,
    Personne,
    Piece,
    SignalementDoublon,
    Utilisateur,
)
from sne.services import formulaire
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: The partial index's predicate, repeated literally so the planner can use the index.
_TITULAIRES = text(f"personne.{TITULAIRES_SQL}")

# --------------------------------------------------------------------------- the check


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


def _ecrite(nom: str | None, prenoms: str | None, naissance: date | None) -> str:
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
            _TITULAIRES,
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
                    personne=_ecrite(nom, prenoms, naissance),
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


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class MembreDoublon:
    """One demande of a group of probable duplicates."""

    numero: str
    date_depot: date
    personne: str
    role: str


@dataclass(frozen=True)
class Lien:
    """Why two demandes of a group are probably the same person's."""

    numero_a: str
    numero_b: str
    code: str
    motif: str
    confiance: float


@dataclass(frozen=True)
class GroupeDoublons:
    """Demandes probably held by one person; ``confiance`` is that of the surest link."""

    confiance: float
    code: str
    motif: str
    membres: tuple[MembreDoublon, ...]
    liens: tuple[Lien, ...]

    @property
    def numeros(self) -> list[str]:
        return [m.numero for m in self.membres]


@dataclass
class _Ligne:
    personne_id: int
    demande_id: int
    numero: str
    date_depot: date
    role: str
    nom: str
    prenoms: str
    naissance: date

    @property
    def identite(self) -> Identite:
        return Identite(self.nom, self.prenoms, self.naissance)


def _cle_naissance_sql() -> Any:
    """SQL twin of ``identite.cle_naissance``: year, then day and month in ascending order."""
    jour = cast(extract("day", Personne.date_naissance), Integer)
    mois = cast(extract("month", Personne.date_naissance), Integer)
    annee = cast(extract("year", Personne.date_naissance), Integer)
    return annee * 10_000 + case((mois <= jour, mois * 100 + jour), else_=jour * 100 + mois)


def balayer(uow: UnitOfWork, acteur: Acteur, territoire: str) -> list[GroupeDoublons]:
    """Every group of probable duplicates among the territory's active demandes, surest first.

    Three SQL groupings find the persons worth comparing: same identity key
    and birth date up to a day/month swap; same birth date and first names
    (a typing error in the name); same birth date and name (one in the first
    names). Python then compares only inside those small blocks.
    """
    acteur.exiger("balayer_doublons", territoire)
    with uow:
        session = uow.session
        base = [
            Demande.territoire_code == territoire,
            Demande.statut == "active",
            _TITULAIRES,
            Personne.cle_identite.is_not(None),
            Personne.date_naissance.is_not(None),
        ]
        blocages = [
            (Personne.cle_identite, _cle_naissance_sql()),
            (Personne.date_naissance, Personne.cle_prenoms),
            (Personne.date_naissance, Personne.cle_nom),
        ]
        liens: dict[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]] = {}
        for cles in blocages:
            for bloc in _blocs(session, base, cles):
                _comparer_bloc(bloc, liens)
        return _grouper(liens)


def _blocs(session: Session, base: list[Any], cles: tuple[Any, Any]) -> list[list[_Ligne]]:
    """The persons sharing both ``cles`` with a person of another demande, block by block."""
    a, b = (c.label(f"k{i}") for i, c in enumerate(cles))
    groupes = (
        select(a, b)
        .select_from(Personne)
        .join(Demande, Demande.id == Personne.demande_id)
        .where(*base)
        .group_by(*cles)
        .having(func.count(func.distinct(Personne.demande_id)) > 1)
        .subquery()
    )
    query = (
        select(
            Personne.id,
            Personne.demande_id,
            Demande.numero,
            Demande.date_depot,
            Personne.role,
            Personne.nom_naissance,
            Personne.prenoms,
            Personne.date_naissance,
            cles[0],
            cles[1],
        )
        .join(Demande, Demande.id == Personne.demande_id)
        .join(groupes, and_(cles[0] == groupes.c.k0, cles[1] == groupes.c.k1))
        .where(*base)
    )
    blocs: dict[tuple[Any, Any], list[_Ligne]] = defaultdict(list)
    for pid, did, numero, depot, role, nom, prenoms, naissance, k0, k1 in session.execute(query):
        blocs[(k0, k1)].append(_Ligne(pid, did, numero, depot, role, nom, prenoms, naissance))
    return list(blocs.values())


def _comparer_bloc(
    bloc: list[_Ligne], liens: dict[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]]
) -> None:
    for i, a in enumerate(bloc):
        for b in bloc[i + 1 :]:
            if a.demande_id == b.demande_id:
                continue
            premier, second = (a, b) if a.demande_id < b.demande_id else (b, a)
            cle = (premier.personne_id, second.personne_id)
            if cle in liens:
                continue
            correspondance = identite.comparer(premier.identite, second.identite)
            if correspondance is not None:
                liens[cle] = (premier, second, correspondance)


def _grouper(
    liens: Mapping[tuple[int, int], tuple[_Ligne, _Ligne, Correspondance]],
) -> list[GroupeDoublons]:
    """Join linked demandes into groups (union-find) and rank them by confidence."""
    parent: dict[int, int] = {}

    def racine(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    membres: dict[int, _Ligne] = {}
    for a, b, _ in liens.values():
        membres.setdefault(a.demande_id, a)
        membres.setdefault(b.demande_id, b)
        parent[racine(a.demande_id)] = racine(b.demande_id)
    par_groupe: dict[int, list[tuple[_Ligne, _Ligne, Correspondance]]] = defaultdict(list)
    for a, b, correspondance in liens.values():
        par_groupe[racine(a.demande_id)].append((a, b, correspondance))
    demandes_du_groupe: dict[int, list[int]] = defaultdict(list)
    for demande_id in membres:
        demandes_du_groupe[racine(demande_id)].append(demande_id)
    groupes = []
    for racine_id, ses_liens in par_groupe.items():
        ids = sorted(
            demandes_du_groupe[racine_id],
            key=lambda d: (membres[d].date_depot, membres[d].numero),
        )
        ses_liens.sort(key=lambda t: -t[2].confiance)
        meilleur = ses_liens[0][2]
        groupes.append(
            GroupeDoublons(
                confiance=meilleur.confiance,
                code=meilleur.code,
                motif=meilleur.motif,
                membres=tuple(
                    MembreDoublon(
                        numero=membres[d].numero,
                        date_depot=membres[d].date_depot,
                        personne=_ecrite(membres[d].nom, membres[d].prenoms, membres[d].naissance),
                        role=membres[d].role,
                    )
                    for d in ids
                ),
                liens=tuple(
                    Lien(a.numero, b.numero, c.code, c.motif, c.confiance) for a, b, c in ses_liens
                ),
            )
        )
    groupes.sort(key=lambda g: (-g.confiance, g.membres[0].date_depot, g.membres[0].numero))
    return groupes


# --------------------------------------------------------------------------- merge


@dataclass(frozen=True)
class FusionFaite:
    """The outcome of a merge."""

    survivante: str
    absorbees: tuple[str, ...]
    pieces_deplacees: int
    changements: dict[str, list[Any]] = field(default_factory=dict)


def _charger_groupe(session: Session, numeros: Sequence[str]) -> list[Demande]:
    """Lock and load the demandes ``numeros`` (in id order, so concurrent merges do not deadlock)."""
    voulus = list(dict.fromkeys(n.strip().upper() for n in numeros if n.strip()))
    if len(voulus) < 2:
        raise SneError("Indiquer au moins deux demandes distinctes.", code="GROUPE_INCOMPLET")
    trouvees = list(
        session.scalars(
            select(Demande)
            .where(Demande.numero.in_(voulus))
            .order_by(Demande.id)
            .options(selectinload(Demande.personnes).selectinload(Personne.ressources))
            .with_for_update()
        )
    )
    manquants = sorted(set(voulus) - {d.numero for d in trouvees})
    if manquants:
        raise NotFound(
            f"Aucune demande ne porte le numéro {', '.join(manquants)}.", code="NUMERO_INCONNU"
        )
    return trouvees


def _exiger_meme_territoire(demandes_: Sequence[Demande], acteur: Acteur, action: str) -> str:
    territoires = {d.territoire_code for d in demandes_}
    if len(territoires) > 1:
        raise Conflict(
            "Les demandes appartiennent à des territoires différents : "
            f"{', '.join(sorted(territoires))}.",
            code="TERRITOIRES_DIFFERENTS",
        )
    territoire = territoires.pop()
    acteur.exiger(action, territoire)
    return territoire


def _choix_valides(
    donnees: Mapping[str, str], numeros: Iterable[str], champ: str = "donnees"
) -> dict[str, str]:
    """Check a field → numéro choice: known fields, numéros of the group."""
    permis = {*formulaire.CHAMPS_DEMANDE, "personnes"}
    groupe = set(numeros)
    problemes: dict[str, str] = {}
    propres: dict[str, str] = {}
    for cle, numero in donnees.items():
        numero = str(numero).strip().upper()
        if cle not in permis:
            problemes[f"{champ}.{cle}"] = "rubrique inconnue du formulaire"
        elif numero not in groupe:
            problemes[f"{champ}.{cle}"] = f"la demande {numero} ne fait pas partie du groupe"
        else:
            propres[cle] = numero
    if problemes:
        raise ValidationError(problemes)
    return propres


def fusionner(
    uow: UnitOfWork,
    acteur: Acteur,
    numeros: Sequence[str],
    *,
    donnees: Mapping[str, str] | None = None,
    justification: str | None = None,
    signalement: int | None = None,
) -> FusionFaite:
    """Merge a group of duplicates into the demande with the oldest ancienneté.

    The survivor keeps its number and its filing date; ``donnees`` says, field
    by field (top-level keys of the Cerfa document, ``personnes`` for the
    household), which demande's value to keep (the survivor's by default). The
    others are closed as ``fusionnee`` with a trace naming the survivor, their
    pieces move to it, and the latest validity of the group is kept.
    """
    with uow:
        session = uow.session
        groupe = _charger_groupe(session, numeros)
        territoire = _exiger_meme_territoire(groupe, acteur, "fusionner")
        closes = [d.numero for d in groupe if d.statut != "active"]
        if closes:
            raise Conflict(
                f"Seules des demandes actives se fusionnent ; pas : {', '.join(closes)}.",
                code="DEMANDE_CLOSE",
            )
        choix = _choix_valides(donnees or {}, [d.numero for d in groupe])
        survivante = min(groupe, key=lambda d: (d.date_depot, d.id))
        absorbees = [d for d in groupe if d is not survivante]
        par_numero = {d.numero: d for d in groupe}
        avant = formulaire.en_document(survivante)
        document = dict(avant)
        for cle, numero in choix.items():
            document[cle] = formulaire.en_document(par_numero[numero])[cle]
        propre = formulaire.valider(document, date_depot=survivante.date_depot)
        changes = formulaire.differences(avant, propre)
        if changes:
            formulaire.appliquer(survivante, propre)
        la_plus_valide = max(groupe, key=lambda d: d.date_expiration)
        if la_plus_valide.date_expiration > survivante.date_expiration:
            changes["date_expiration"] = [
                survivante.date_expiration,
                la_plus_valide.date_expiration,
            ]
            survivante.date_expiration = la_plus_valide.date_expiration
            survivante.date_renouvellement = la_plus_valide.date_renouvellement
        now = utcnow()
        survivante.updated_at = now
        ids = [d.id for d in absorbees]
        resultat: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Piece).where(Piece.demande_id.in_(ids)).values(demande_id=survivante.id)
        )
        pieces = resultat.rowcount
        for absorbee in absorbees:
            absorbee.statut = "fusionnee"
            absorbee.updated_at = now
            session.add(
                Fusion(
                    survivante_id=survivante.id,
                    absorbee_id=absorbee.id,
                    at=now,
                    gestionnaire_id=acteur.utilisateur_id,
                    justification=justification,
                )
            )
            tracer(
                session,
                acteur,
                entite="demande",
                entite_id=absorbee.numero,
                action="fusion",
                demande_id=absorbee.id,
                changements={
                    "statut": ["active", "fusionnee"],
                    "fusionnee_dans": survivante.numero,
                },
                justification=justification,
            )
        absorbees_numeros = tuple(d.numero for d in absorbees)
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=survivante.numero,
            action="fusion",
            demande_id=survivante.id,
            changements={
                **changes,
                "demandes_absorbees": list(absorbees_numeros),
                "pieces_deplacees": pieces,
                "donnees_retenues": choix,
            },
            justification=justification,
            changement_identite=bool(formulaire.changement_identite(changes)),
        )
        if signalement is not None:
            _clore(
                session,
                acteur,
                signalement,
                territoire,
                statut="traite",
                conclusion=f"Fusion dans {survivante.numero}",
            )
        uow.commit()
        return FusionFaite(survivante.numero, absorbees_numeros, pieces, changes)


# --------------------------------------------------------------------------- name correction


@dataclass(frozen=True)
class CorrectionFaite:
    """A corrected identity, and the duplicates the new spelling now points at."""

    numero: str
    changements: dict[str, list[Any]]
    candidats: list[Candidat]


def corriger_identite(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    *,
    rang: int = 1,
    nom_naissance: str | None = None,
    prenoms: str | None = None,
    piece: int | None = None,
    justification: str,
) -> CorrectionFaite:
    """Correct the birth name or first names of person ``rang`` on a supporting piece.

    Traced as an identity change with the justification (and the piece, when
    it is in the dossier); returns the candidates the corrected name matches.
    """
    with uow:
        session = uow.session
        demande = session.scalar(
            select(Demande)
            .where(Demande.numero == numero.strip().upper())
            .options(selectinload(Demande.personnes))
            .with_for_update()
        )
        if demande is None:
            raise NotFound(
                f"Aucune demande ne porte le numéro unique {numero}.", code="NUMERO_INCONNU"
            )
        acteur.exiger("corriger_identite", demande.territoire_code)
        if demande.statut != "active":
            raise Conflict(
                f"La demande {demande.numero} n'est pas active : rien à corriger.",
                code="DEMANDE_CLOSE",
            )
        if not justification or not justification.strip():
            raise SneError(
                "Une correction d'identité exige une justification (pièce produite).",
                code="JUSTIFICATION_REQUISE",
            )
        personne = next((p for p in demande.personnes if p.rang == rang), None)
        if personne is None or personne.nom_naissance is None:
            raise NotFound(
                f"La demande {demande.numero} n'a pas de personne identifiée au rang {rang}.",
                code="PERSONNE_INCONNUE",
            )
        if piece is not None and (
            session.scalar(select(Piece.demande_id).where(Piece.id == piece)) != demande.id
        ):
            raise NotFound(
                f"La pièce {piece} n'est pas dans le dossier de la demande {demande.numero}.",
                code="PIECE_INCONNUE",
            )
        v = formulaire.Verificateur()
        nouveau_nom = v.nom("nom_naissance", nom_naissance) if nom_naissance else None
        nouveaux_prenoms = v.nom("prenoms", prenoms) if prenoms else None
        if nouveau_nom is None and nouveaux_prenoms is None:
            v.erreur("nom_naissance", "indiquer le nom de naissance ou les prénoms corrigés")
        if v.problemes:
            raise ValidationError(v.problemes)
        changes: dict[str, list[Any]] = {}
        if nouveau_nom is not None and nouveau_nom != personne.nom_naissance:
            changes[f"personnes[{rang}].nom_naissance"] = [personne.nom_naissance, nouveau_nom]
            personne.nom_naissance = nouveau_nom
        if nouveaux_prenoms is not None and nouveaux_prenoms != personne.prenoms:
            changes[f"personnes[{rang}].prenoms"] = [personne.prenoms, nouveaux_prenoms]
            personne.prenoms = nouveaux_prenoms
        if not changes:
            return CorrectionFaite(demande.numero, {}, [])
        demande.updated_at = utcnow()
        session.flush()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="correction_identite",
            demande_id=demande.id,
            changements={**changes, **({"piece": piece} if piece is not None else {})},
            justification=justification.strip(),
            changement_identite=True,
        )
        trouves = candidats(
            session,
            demande.territoire_code,
            [
                {
                    "role": personne.role,
                    "nom_naissance": personne.nom_naissance,
                    "prenoms": personne.prenoms,
                    "date_naissance": personne.date_naissance,
                }
            ],
            exclure_demande_id=demande.id,
        )
        uow.commit()
        return CorrectionFaite(demande.numero, changes, trouves)


# --------------------------------------------------------------------------- forced duplicates


@dataclass(frozen=True)
class ForcagesGuichet:
    """How many duplicates a guichet forced over a period, and by which agents."""

    guichet: str
    nom: str
    nombre: int
    par_agent: tuple[tuple[str, int], ...]


def compter_forcages(
    uow: UnitOfWork, acteur: Acteur, *, territoire: str, du: date, au: date
) -> list[ForcagesGuichet]:
    """Forced duplicates per guichet of ``territoire`` between ``du`` and ``au`` (inclusive)."""
    acteur.exiger("suivre_doublons_forces", territoire)
    if au < du:
        raise SneError("La fin de la période précède son début.", code="PERIODE_INVALIDE")
    with uow:
        lignes = uow.session.execute(
            select(Guichet.code, Guichet.nom, Utilisateur.login, func.count(DoublonForce.id))
            .select_from(DoublonForce)
            .join(Guichet, Guichet.id == DoublonForce.guichet_id)
            .outerjoin(Utilisateur, Utilisateur.id == DoublonForce.agent_id)
            .where(
                DoublonForce.territoire_code == territoire,
                DoublonForce.jour >= du,
                DoublonForce.jour <= au,
            )
            .group_by(Guichet.code, Guichet.nom, Utilisateur.login)
        ).all()
    par_guichet: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for code, nom, login, nombre in lignes:
        par_guichet[(code, nom)].append((login or "?", int(nombre)))
    resultat = [
        ForcagesGuichet(
            guichet=code,
            nom=nom,
            nombre=sum(n for _, n in agents),
            par_agent=tuple(sorted(agents, key=lambda a: (-a[1], a[0]))),
        )
        for (code, nom), agents in par_guichet.items()
    ]
    return sorted(resultat, key=lambda f: (-f.nombre, f.guichet))


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class SignalementVue:
    """A guichet's report of suspected duplicates, as the manager sees it."""

    id: int
    guichet: str | None
    agent: str | None
    created_at: Any
    numeros: tuple[str, ...]
    donnees: dict[str, str]
    commentaire: str | None
    statut: str
    conclusion: str | None


def signaler(
    uow: UnitOfWork,
    acteur: Acteur,
    numeros: Sequence[str],
    *,
    donnees: Mapping[str, str] | None = None,
    commentaire: str | None = None,
) -> int:
    """Report demandes suspected to be duplicates, saying which data to keep; return the id."""
    acteur.exiger("signaler_doublon")
    with uow:
        session = uow.session
        voulus = list(dict.fromkeys(n.strip().upper() for n in numeros if n.strip()))
        if len(voulus) < 2:
            raise SneError("Indiquer au moins deux demandes distinctes.", code="GROUPE_INCOMPLET")
        trouvees = list(session.scalars(select(Demande).where(Demande.numero.in_(voulus))))
        manquants = sorted(set(voulus) - {d.numero for d in trouvees})
        if manquants:
            raise NotFound(
                f"Aucune demande ne porte le numéro {', '.join(manquants)}.",
                code="NUMERO_INCONNU",
            )
        territoire = _exiger_meme_territoire(trouvees, acteur, "signaler_doublon")
        choix = _choix_valides(donnees or {}, voulus)
        signalement = SignalementDoublon(
            territoire_code=territoire,
            guichet_id=acteur.guichet_id,
            agent_id=acteur.utilisateur_id,
            created_at=utcnow(),
            numeros=voulus,
            donnees=choix,
            commentaire=(commentaire or "").strip() or None,
            statut="ouvert",
        )
        session.add(signalement)
        session.flush()
        tracer(
            session,
            acteur,
            entite="signalement_doublon",
            entite_id=signalement.id,
            action="signalement",
            changements={"numeros": voulus, "donnees": choix},
            justification=signalement.commentaire,
        )
        uow.commit()
        return signalement.id


def lister_signalements(
    uow: UnitOfWork, acteur: Acteur, *, territoire: str, statut: str | None = "ouvert"
) -> list[SignalementVue]:
    """The reports of ``territoire`` (open ones by default), oldest first."""
    acteur.exiger("traiter_signalements", territoire)
    with uow:
        query = (
            select(SignalementDoublon, Guichet.code, Utilisateur.login)
            .outerjoin(Guichet, Guichet.id == SignalementDoublon.guichet_id)
            .outerjoin(Utilisateur, Utilisateur.id == SignalementDoublon.agent_id)
            .where(SignalementDoublon.territoire_code == territoire)
            .order_by(SignalementDoublon.id)
        )
        if statut is not None:
            query = query.where(SignalementDoublon.statut == statut)
        return [
            SignalementVue(
                id=s.id,
                guichet=guichet,
                agent=login,
                created_at=s.created_at,
                numeros=tuple(s.numeros),
                donnees=dict(s.donnees),
                commentaire=s.commentaire,
                statut=s.statut,
                conclusion=s.conclusion,
            )
            for s, guichet, login in uow.session.execute(query)
        ]


def _clore(
    session: Session,
    acteur: Acteur,
    signalement_id: int,
    territoire: str | None,
    *,
    statut: str,
    conclusion: str,
) -> SignalementDoublon:
    signalement = session.get(SignalementDoublon, signalement_id, with_for_update=True)
    if signalement is None:
        raise NotFound(f"Aucun signalement n° {signalement_id}.", code="SIGNALEMENT_INCONNU")
    acteur.exiger("traiter_signalements", signalement.territoire_code)
    if territoire is not None and signalement.territoire_code != territoire:
        raise Conflict(
            f"Le signalement n° {signalement_id} concerne un autre territoire.",
            code="TERRITOIRES_DIFFERENTS",
        )
    if signalement.statut != "ouvert":
        raise Conflict(
            f"Le signalement n° {signalement_id} est déjà clos.", code="SIGNALEMENT_CLOS"
        )
    signalement.statut = statut
    signalement.conclusion = conclusion
    signalement.traite_le = utcnow()
    signalement.traite_par_id = acteur.utilisateur_id
    tracer(
        session,
        acteur,
        entite="signalement_doublon",
        entite_id=signalement.id,
        action="cloture",
        changements={"statut": ["ouvert", statut]},
        justification=conclusion,
    )
    return signalement


def clore_signalement(
    uow: UnitOfWork, acteur: Acteur, signalement_id: int, *, conclusion: str, rejete: bool = False
) -> None:
    """Close a report: treated, or rejected (not duplicates), with the manager's conclusion."""
    if not conclusion.strip():
        raise SneError("Indiquer la conclusion du signalement.", code="JUSTIFICATION_REQUISE")
    with uow:
        _clore(
            uow.session,
            acteur,
            signalement_id,
            None,
            statut="rejete" if rejete else "traite",
            conclusion=conclusion.strip(),
        )
        uow.commit()
