"""The guichets of a territory: the public list, and the manager's edits and closures.

Creating a guichet is ``referentiel.creer_guichet``. A closed guichet stays in
the référentiel (its demandes and traces name it) but leaves the public list,
and its agents can no longer sign in (``acteurs.acteur_pour``, ``comptes.charger``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, Forbidden, NotFound, ValidationError
from sne.models import Guichet
from sne.services.formulaire import EMAIL_RE
from sne.services.trace import tracer
from sne.uow import UnitOfWork

#: The fields a manager may change, with the history's names.
MODIFIABLES = ("nom", "type", "adresse", "horaires", "referent_email")


@dataclass(frozen=True)
class GuichetPublic:
    """A guichet as shown to the public: where to go to register or renew."""

    code: str
    nom: str
    type_libelle: str
    adresse: tuple[str, ...]
    horaires: tuple[str, ...]
    #: "Bouches-du-Rhône (013)": the public portal lists every territory's guichets.
    territoire: str


@dataclass(frozen=True)
class GuichetVu:
    """A guichet as the manager sees and edits it."""

    code: str
    nom: str
    type: str
    adresse: str
    horaires: str
    referent_email: str
    actif: bool


def _lignes(texte: str | None) -> tuple[str, ...]:
    return tuple(ligne.strip() for ligne in (texte or "").splitlines() if ligne.strip())


def lister(uow: UnitOfWork, territoire: str | None = None) -> list[GuichetPublic]:
    """The open guichets of ``territoire`` (all by default; public data: no actor needed)."""
    query = select(Guichet).where(Guichet.actif.is_(True), Guichet.type != "PORTAIL")
    if territoire is not None:
        query = query.where(Guichet.territoire_code == territoire)
    with uow:
        guichets = uow.session.scalars(query.order_by(Guichet.territoire_code, Guichet.nom))
        return [
            GuichetPublic(
                code=g.code,
                nom=g.nom,
                type_libelle=codes.libelle(codes.TYPE_GUICHET, g.type),
                adresse=_lignes(g.adresse),
                horaires=_lignes(g.horaires),
                territoire=f"{g.territoire.nom} ({g.territoire_code})",
            )
            for g in guichets
        ]


def _vu(g: Guichet) -> GuichetVu:
    return GuichetVu(
        g.code, g.nom, g.type, g.adresse or "", g.horaires or "", g.referent_email or "", g.actif
    )


def gerer(uow: UnitOfWork, acteur: Acteur) -> list[GuichetVu]:
    """Every guichet of the manager's territory, open ones first."""
    acteur.exiger("gerer_guichets", acteur.territoire_code)
    with uow:
        query = select(Guichet).order_by(Guichet.actif.desc(), Guichet.code)
        if acteur.role != "administrateur":
            query = query.where(Guichet.territoire_code == acteur.territoire_code)
        return [_vu(g) for g in uow.session.scalars(query)]


def _charger(uow: UnitOfWork, acteur: Acteur, code: str) -> Guichet:
    guichet = uow.session.scalar(select(Guichet).where(Guichet.code == code.strip().upper()))
    if guichet is None:
        raise NotFound(f"Aucun guichet {code}.")
    try:
        acteur.exiger("gerer_guichets", guichet.territoire_code)
    except Forbidden as exc:
        raise NotFound(f"Aucun guichet {code}.") from exc
    return guichet


def consulter(uow: UnitOfWork, acteur: Acteur, code: str) -> GuichetVu:
    """One guichet the actor manages."""
    with uow:
        return _vu(_charger(uow, acteur, code))


def modifier(uow: UnitOfWork, acteur: Acteur, code: str, valeurs: dict[str, str]) -> list[str]:
    """Change a guichet's public data and référent; return the fields changed (traced)."""
    propres = {k: (valeurs.get(k) or "").strip() or None for k in MODIFIABLES}
    problemes = {}
    if not propres["nom"]:
        problemes["nom"] = "nom obligatoire"
    if propres["type"] not in codes.TYPE_GUICHET:
        problemes["type"] = "type inconnu"
    if propres["referent_email"] and not EMAIL_RE.match(propres["referent_email"]):
        problemes["referent_email"] = "adresse invalide"
    if problemes:
        raise ValidationError(problemes)
    with uow:
        guichet = _charger(uow, acteur, code)
        changes = {
            k: [getattr(guichet, k), v] for k, v in propres.items() if getattr(guichet, k) != v
        }
        for champ, (_, nouveau) in changes.items():
            setattr(guichet, champ, nouveau)
        if changes:
            tracer(
                uow.session,
                acteur,
                entite="guichet",
                entite_id=guichet.code,
                action="modification",
                changements=changes,
            )
        uow.commit()
        return list(changes)


def fermer(uow: UnitOfWork, acteur: Acteur, code: str, motif: str) -> None:
    """Close a guichet: off the public list, its agents can no longer sign in."""
    if not motif.strip():
        raise ValidationError({"motif": "indiquez pourquoi le guichet ferme"})
    with uow:
        guichet = _charger(uow, acteur, code)
        if not guichet.actif:
            raise Conflict(f"Le guichet {guichet.code} est déjà fermé.", code="DEJA_FERME")
        guichet.actif = False
        tracer(
            uow.session,
            acteur,
            entite="guichet",
            entite_id=guichet.code,
            action="fermeture",
            changements={"actif": [True, False]},
            justification=motif.strip(),
        )
        uow.commit()
