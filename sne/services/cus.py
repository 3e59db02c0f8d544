"""CUS attribution tables of a landlord for a year (PS-1, PS-2, PS-3, PP-5), and the thresholds.

Landlords report these figures each year under their convention d'utilité
sociale (R.445-5 CCH; the 2017 arrêté asks for numerator and denominator).
They are computed from the attributions recorded (RADATT radiations not
cancelled) and the demandes they closed. Each rule is a small pure function
so that the tests check it on hand-computed households.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import ColumnElement, distinct, extract, func, select
from sqlalchemy.orm import Session, selectinload

from sne.acteurs import Acteur
from sne.documents.tableur import Tableau
from sne.errors import NotFound, ValidationError
from sne.models import Demande, Guichet, Personne, Radiation, SeuilQuartile
from sne.services.indicateurs import territoire_de
from sne.services.trace import tracer
from sne.uow import UnitOfWork

# Codes the rules read, named once here (their lists are in ``sne.codes``; a test checks each
# is there): the lead reconciles this block with the official lists in one place.
MOTIF_ATTRIBUTION = "RADATT"  # codes.MOTIF_RADIATION
QPV_OUI, QPV_NON, QPV_NSP = "ZUSOUI", "ZUSNON", "ZUSNSP"  # codes.ZUS_QPV
#: codes.ACCORD_COLLECTIF: attributed under a départemental or intercommunal agreement.
ACCORDS_COLLECTIFS = ("ACD", "ACI")
DALO_PRIORITAIRES = ("ACTIF", "ACTREL")  # codes.STATUT_DALO: recourse active or rehousing
RESERVATAIRE_PRIORITAIRE = "PPRIOR"  # codes.RESERVATAIRE: prefectoral priority contingent
LOGEMENT_SOCIAL = "HLM"  # codes.LOGEMENT_ACTUEL: already a social-housing tenant
ROLES_HORS_MENAGE = ("a_naitre",)  # codes.ROLE_PERSONNE: not yet in the household
ROLE_DEMANDEUR = "demandeur"
TYPE_PENSION_VERSEE = "PAV"  # codes.RESSOURCE_VERSEE: alimony paid, deducted
TYPE_BAILLEUR = "BAILLEUR"  # codes.TYPE_GUICHET

# The consumption-unit scale (INSEE, "échelle de l'OCDE modifiée").
UC_PREMIER_ADULTE = Decimal("1")
UC_AUTRE_14_ANS_ET_PLUS = Decimal("0.5")
UC_MOINS_DE_14_ANS = Decimal("0.3")
AGE_ADULTE_UC = 14

REGLE_PS1 = (
    "PS-1 : attributions hors QPV à des ménages du premier quartile (ressources annuelles par "
    "unité de consommation inférieures ou égales au seuil de l'EPCI pour l'année), rapportées "
    "aux attributions hors QPV. Unités de consommation : 1 pour le premier adulte, 0,5 par "
    "autre personne de 14 ans ou plus, 0,3 par enfant de moins de 14 ans (échelle de l'OCDE "
    "modifiée, Insee). Ressources : 12 fois les ressources mensuelles déclarées, pensions "
    "versées déduites. QPV « ne sait pas » : ni hors QPV ni en QPV, compté à part."
)
REGLE_PS2 = (
    "PS-2 : attributions aux ménages prioritaires (recours DALO actif ou décision de "
    "relogement, contingent préfectoral des publics prioritaires, accord collectif), "
    "rapportées à toutes les attributions ; part hors QPV parmi elles ; par département du "
    "logement (deux premiers chiffres du code postal, trois outre-mer)."
)
REGLE_PS3 = (
    "PS-3 : attributions aux ménages DALO (recours actif ou décision de relogement), "
    "rapportées à toutes les attributions ; part hors QPV parmi elles."
)
REGLE_PP5 = (
    "PP-5 : mutations (ménages déjà locataires d'un logement social, « Locataire HLM » "
    "au moment de la demande), rapportées à toutes les attributions."
)


def age(naissance: date | None, au: date) -> int | None:
    """Age in whole years on ``au``, or None when the birth date is unknown."""
    if naissance is None:
        return None
    return au.year - naissance.year - ((au.month, au.day) < (naissance.month, naissance.day))


def unites_consommation(ages: Iterable[int | None]) -> Decimal:
    """Consumption units of a household: the first person is the first adult.

    An unknown age counts as 14 or more (the larger weight: it never makes a
    household look poorer than it is).
    """
    uc = UC_PREMIER_ADULTE
    for rang, valeur in enumerate(ages):
        if rang == 0:
            continue
        jeune = valeur is not None and valeur < AGE_ADULTE_UC
        uc += UC_MOINS_DE_14_ANS if jeune else UC_AUTRE_14_ANS_ET_PLUS
    return uc


def ressources_annuelles(mensuelles: Iterable[tuple[str, Decimal]]) -> Decimal:
    """Twelve times the monthly resources declared, alimony paid deducted (never below 0)."""
    total = sum(
        (-montant if type_ == TYPE_PENSION_VERSEE else montant for type_, montant in mensuelles),
        start=Decimal(0),
    )
    return max(total * 12, Decimal(0))


def premier_quartile(ressources_par_uc: Decimal | None, seuil: Decimal | None) -> bool | None:
    """At or under the first-quartile threshold (None when either is unknown)."""
    if ressources_par_uc is None or seuil is None:
        return None
    return ressources_par_uc <= seuil


def departement(code_postal: str | None) -> str:
    """The département of a postal code (three digits overseas), or "inconnu"."""
    if not code_postal or not code_postal[:2].isdigit():
        return "inconnu"
    return code_postal[:3] if code_postal.startswith("97") else code_postal[:2]


@dataclass(frozen=True)
class Attribution:
    """One attribution as the CUS rules see it."""

    numero: str
    qpv: str | None
    statut_dalo: str | None
    reservataire: str | None
    accord_collectif: bool
    code_postal: str | None
    logement_actuel: str | None
    #: Resources per consumption unit per year; None once the household was purged.
    ressources_par_uc: Decimal | None

    @property
    def hors_qpv(self) -> bool:
        """Known to be outside the quartiers prioritaires."""
        return self.qpv == QPV_NON

    @property
    def dalo(self) -> bool:
        """A DALO household (recourse active or rehousing decision)."""
        return self.statut_dalo in DALO_PRIORITAIRES

    @property
    def prioritaire(self) -> bool:
        """A priority household: DALO, the prefect's priority contingent or collective agreement."""
        return self.dalo or self.reservataire == RESERVATAIRE_PRIORITAIRE or self.accord_collectif

    @property
    def mutation(self) -> bool:
        """Already housed in social housing."""
        return self.logement_actuel == LOGEMENT_SOCIAL


def attribution_de(radiation: Radiation, demande: Demande) -> Attribution:
    """The attribution of ``radiation`` with the household of the demande it closed."""
    au = radiation.date_bail or radiation.date_radiation
    personnes = [p for p in demande.personnes if p.role not in ROLES_HORS_MENAGE]
    personnes.sort(key=lambda p: (p.role != ROLE_DEMANDEUR, p.rang))
    par_uc = None
    if personnes:
        uc = unites_consommation(age(p.date_naissance, au) for p in personnes)
        annuelles = ressources_annuelles(
            (r.type, r.montant_mensuel) for p in personnes for r in p.ressources
        )
        par_uc = (annuelles / uc).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Attribution(
        numero=demande.numero,
        qpv=radiation.logement_zus_qpv,
        statut_dalo=radiation.statut_dalo,
        reservataire=radiation.reservataire,
        accord_collectif=radiation.accord_collectif in ACCORDS_COLLECTIFS,
        code_postal=radiation.logement_code_postal,
        logement_actuel=demande.logement_actuel,
        ressources_par_uc=par_uc,
    )


@dataclass(frozen=True)
class Seuil:
    """An EPCI's first-quartile threshold for a year."""

    annee: int
    epci_code: str
    epci_nom: str
    seuil: Decimal
    codes_postaux: tuple[str, ...]


def _part(numerateur: int, denominateur: int) -> float | None:
    return round(100 * numerateur / denominateur, 1) if denominateur else None


def tableau_ps1(
    attributions: list[Attribution], seuils: list[Seuil], bailleur: str, annee: int
) -> Tableau:
    """PS-1 by EPCI: first-quartile households among attributions outside QPV."""
    epci_de = {cp: s for s in seuils for cp in s.codes_postaux}
    groupes: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        seuil = epci_de.get(attribution.code_postal or "")
        groupes[seuil.epci_code if seuil else ""].append(attribution)
    lignes = []
    for seuil in [*sorted(seuils, key=lambda s: s.epci_nom), None]:
        groupe = groupes.get(seuil.epci_code if seuil else "", [])
        if seuil is None and not groupe:
            continue
        hors = [a for a in groupe if a.hors_qpv]
        q1 = [
            a for a in hors if premier_quartile(a.ressources_par_uc, seuil.seuil if seuil else None)
        ]
        lignes.append(
            (
                f"{seuil.epci_nom} ({seuil.epci_code})" if seuil else "EPCI sans seuil saisi",
                seuil.seuil if seuil else None,
                len(q1),
                len(hors),
                _part(len(q1), len(hors)) if seuil else None,
                sum(1 for a in groupe if a.qpv not in (QPV_OUI, QPV_NON)),
                sum(1 for a in hors if a.ressources_par_uc is None),
            )
        )
    return Tableau(
        titre=f"PS-1 {bailleur} {annee}",
        entetes=(
            "EPCI",
            "Seuil du premier quartile (€ par UC et par an)",
            "Numérateur : attributions hors QPV au premier quartile",
            "Dénominateur : attributions hors QPV",
            "Part (%)",
            "QPV inconnu (non compté)",
            "Hors QPV, ressources inconnues",
        ),
        lignes=tuple(lignes),
        nom_fichier=f"cus-ps1-{annee}",
        note=REGLE_PS1,
    )


def tableau_ps2(attributions: list[Attribution], bailleur: str, annee: int) -> Tableau:
    """PS-2 by département: priority households, and their share outside QPV."""
    par_departement: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        par_departement[departement(attribution.code_postal)].append(attribution)
    lignes = []
    for nom, groupe in [*sorted(par_departement.items()), ("Total", attributions)]:
        prioritaires = [a for a in groupe if a.prioritaire]
        hors = [a for a in prioritaires if a.hors_qpv]
        lignes.append(
            (
                nom,
                len(prioritaires),
                len(groupe),
                _part(len(prioritaires), len(groupe)),
                len(hors),
                _part(len(hors), len(prioritaires)),
            )
        )
    return Tableau(
        titre=f"PS-2 {bailleur} {annee}",
        entetes=(
            "Département",
            "Numérateur : attributions à des ménages prioritaires",
            "Dénominateur : toutes les attributions",
            "Part (%)",
            "dont hors QPV",
            "Part hors QPV parmi les prioritaires (%)",
        ),
        lignes=tuple(lignes),
        nom_fichier=f"cus-ps2-{annee}",
        note=REGLE_PS2,
    )


def tableau_ps3(attributions: list[Attribution], bailleur: str, annee: int) -> Tableau:
    """PS-3: DALO households, and their share outside QPV."""
    dalo = [a for a in attributions if a.dalo]
    hors = [a for a in dalo if a.hors_qpv]
    return Tableau(
        titre=f"PS-3 {bailleur} {annee}",
        entetes=(
            "Numérateur : attributions à des ménages DALO",
            "Dénominateur : toutes les attributions",
            "Part (%)",
            "dont hors QPV",
            "Part hors QPV parmi les DALO (%)",
        ),
        lignes=(
            (
                len(dalo),
                len(attributions),
                _part(len(dalo), len(attributions)),
                len(hors),
                _part(len(hors), len(dalo)),
            ),
        ),
        nom_fichier=f"cus-ps3-{annee}",
        note=REGLE_PS3,
    )


def tableau_pp5(attributions: list[Attribution], bailleur: str, annee: int) -> Tableau:
    """PP-5: mutations among all attributions."""
    mutations = [a for a in attributions if a.mutation]
    return Tableau(
        titre=f"PP-5 {bailleur} {annee}",
        entetes=(
            "Numérateur : mutations (ménages déjà logés dans le parc social)",
            "Dénominateur : toutes les attributions",
            "Part (%)",
        ),
        lignes=((len(mutations), len(attributions), _part(len(mutations), len(attributions))),),
        nom_fichier=f"cus-pp5-{annee}",
        note=REGLE_PP5,
    )


@dataclass(frozen=True)
class TableauxCus:
    """The four tables of a landlord for a year."""

    bailleur: str
    annee: int
    attributions: int
    tableaux: dict[str, Tableau]


#: Each table's code and what it counts, as the page titles it.
TABLEAUX = {
    "ps1": "PS-1 : ménages du premier quartile parmi les attributions hors QPV, par EPCI",
    "ps2": "PS-2 : ménages prioritaires parmi toutes les attributions, par département",
    "ps3": "PS-3 : ménages DALO parmi toutes les attributions",
    "pp5": "PP-5 : mutations parmi toutes les attributions",
}


def _annee_attribution() -> ColumnElement[int]:
    return extract("year", func.coalesce(Radiation.date_bail, Radiation.date_radiation))


def bailleurs(uow: UnitOfWork, acteur: Acteur, territoire: str | None = None) -> list[str]:
    """Landlords whose tables the acteur may see: all for a manager, its own for a landlord's agent.

    A landlord's agent sees the landlords named in the attributions its guichet recorded.
    """
    code = territoire_de(acteur, territoire)
    acteur.exiger("consulter_cus", code)
    with uow:
        session = uow.session
        query = (
            select(distinct(Radiation.bailleur))
            .join(Demande, Demande.id == Radiation.demande_id)
            .where(
                Demande.territoire_code == code,
                Radiation.motif == MOTIF_ATTRIBUTION,
                Radiation.annulee_le.is_(None),
                Radiation.bailleur.is_not(None),
            )
            .order_by(Radiation.bailleur)
        )
        if acteur.role == "agent_guichet":
            guichet = session.get(Guichet, acteur.guichet_id) if acteur.guichet_id else None
            if guichet is None or guichet.type != TYPE_BAILLEUR:
                return []
            query = query.where(Radiation.guichet_id == guichet.id)
        return [b for b in session.scalars(query) if b]


def tableaux(
    uow: UnitOfWork, acteur: Acteur, bailleur: str, annee: int, territoire: str | None = None
) -> TableauxCus:
    """The CUS tables of ``bailleur`` for ``annee`` (NotFound for a landlord not the acteur's)."""
    if bailleur not in bailleurs(uow, acteur, territoire):
        raise NotFound(f"Aucune attribution visible pour le bailleur « {bailleur} ».")
    code = territoire_de(acteur, territoire)
    with uow:
        session = uow.session
        lignes = session.execute(
            select(Radiation, Demande)
            .join(Demande, Demande.id == Radiation.demande_id)
            .where(
                Demande.territoire_code == code,
                Radiation.motif == MOTIF_ATTRIBUTION,
                Radiation.annulee_le.is_(None),
                Radiation.bailleur == bailleur,
                _annee_attribution() == annee,
            )
            .options(
                selectinload(Demande.personnes).selectinload(Personne.ressources),
            )
            .order_by(Radiation.id)
        ).all()
        attributions = [attribution_de(r, d) for r, d in lignes]
        seuils = _seuils(session, code, annee)
    return TableauxCus(
        bailleur=bailleur,
        annee=annee,
        attributions=len(attributions),
        tableaux={
            "ps1": tableau_ps1(attributions, seuils, bailleur, annee),
            "ps2": tableau_ps2(attributions, bailleur, annee),
            "ps3": tableau_ps3(attributions, bailleur, annee),
            "pp5": tableau_pp5(attributions, bailleur, annee),
        },
    )


def _seuils(session: Session, territoire: str, annee: int) -> list[Seuil]:
    return [
        Seuil(s.annee, s.epci_code, s.epci_nom, s.seuil, tuple(s.codes_postaux))
        for s in session.scalars(
            select(SeuilQuartile)
            .where(SeuilQuartile.territoire_code == territoire, SeuilQuartile.annee == annee)
            .order_by(SeuilQuartile.epci_nom)
        )
    ]


def seuils(
    uow: UnitOfWork, acteur: Acteur, annee: int, territoire: str | None = None
) -> list[Seuil]:
    """The thresholds entered for ``annee`` in the acteur's territory."""
    code = territoire_de(acteur, territoire)
    acteur.exiger("consulter_cus", code)
    with uow:
        return _seuils(uow.session, code, annee)


EPCI_RE = re.compile(r"^\d{9}$")
CODE_POSTAL_RE = re.compile(r"^\d{5}$")


def _lire_seuil(
    annee: str, epci_code: str, epci_nom: str, seuil: str, codes_postaux: str, ou: str = ""
) -> Seuil:
    """Check one threshold as typed or imported; French problems keyed by field."""
    problemes: dict[str, str] = {}
    if not annee.strip().isdigit() or not 2000 <= int(annee) <= 2100:
        problemes["annee"] = f"{ou}année illisible (quatre chiffres, par exemple 2026)"
    if not EPCI_RE.match(epci_code.strip()):
        problemes["epci_code"] = f"{ou}le code de l'EPCI est son SIREN : neuf chiffres"
    if not epci_nom.strip():
        problemes["epci_nom"] = f"{ou}le nom de l'EPCI manque"
    try:
        montant = Decimal(seuil.strip().replace(" ", "").replace(",", "."))
        if montant <= 0:
            raise InvalidOperation
    except InvalidOperation:
        problemes["seuil"] = f"{ou}seuil illisible (euros par UC et par an, par exemple 9876,50)"
        montant = Decimal(0)
    codes = tuple(c for c in re.split(r"[\s,]+", codes_postaux.strip()) if c)
    if not codes or not all(CODE_POSTAL_RE.match(c) for c in codes):
        problemes["codes_postaux"] = (
            f"{ou}codes postaux de l'EPCI : cinq chiffres chacun, séparés par des espaces"
        )
    if problemes:
        raise ValidationError(problemes)
    return Seuil(int(annee), epci_code.strip(), epci_nom.strip(), montant, codes)


def _enregistrer(uow: UnitOfWork, acteur: Acteur, territoire: str, lus: list[Seuil]) -> int:
    acteur.exiger("gerer_seuils_cus", territoire)
    with uow:
        session = uow.session
        for lu in lus:
            ligne = session.scalar(
                select(SeuilQuartile).where(
                    SeuilQuartile.territoire_code == territoire,
                    SeuilQuartile.annee == lu.annee,
                    SeuilQuartile.epci_code == lu.epci_code,
                )
            )
            if ligne is None:
                ligne = SeuilQuartile(
                    territoire_code=territoire, annee=lu.annee, epci_code=lu.epci_code
                )
                session.add(ligne)
            ligne.epci_nom, ligne.seuil, ligne.codes_postaux = (
                lu.epci_nom,
                lu.seuil,
                list(lu.codes_postaux),
            )
            tracer(
                session,
                acteur,
                entite="seuil_quartile",
                entite_id=f"{lu.annee}:{lu.epci_code}",
                action="seuil_quartile",
                changements={"seuil": lu.seuil, "codes_postaux": list(lu.codes_postaux)},
            )
        uow.commit()
    return len(lus)


def enregistrer_seuil(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    annee: str,
    epci_code: str,
    epci_nom: str,
    seuil: str,
    codes_postaux: str,
    territoire: str | None = None,
) -> Seuil:
    """Enter (or correct) one EPCI's threshold for a year."""
    code = territoire_de(acteur, territoire)
    lu = _lire_seuil(annee, epci_code, epci_nom, seuil, codes_postaux)
    _enregistrer(uow, acteur, code, [lu])
    return lu


COLONNES_CSV = ("annee", "epci", "nom", "seuil", "codes_postaux")


def importer_seuils(
    uow: UnitOfWork, acteur: Acteur, contenu: bytes, *, territoire: str | None = None
) -> int:
    """Import thresholds from a CSV (``annee;epci;nom;seuil;codes_postaux``): all or nothing."""
    code = territoire_de(acteur, territoire)
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"fichier": "le fichier doit être un CSV en UTF-8"}) from None
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    if not lignes or tuple(c.strip().lower() for c in lignes[0]) != COLONNES_CSV:
        raise ValidationError(
            {"fichier": "la première ligne doit être : " + ";".join(COLONNES_CSV)}
        )
    lus, problemes = [], {}
    for numero, ligne in enumerate(lignes[1:], start=2):
        if not any(c.strip() for c in ligne):
            continue
        if len(ligne) != len(COLONNES_CSV):
            problemes[f"ligne {numero}"] = f"{len(COLONNES_CSV)} colonnes attendues"
            continue
        try:
            annee, epci, nom, seuil, codes_postaux = ligne
            lus.append(_lire_seuil(annee, epci, nom, seuil, codes_postaux, f"ligne {numero} : "))
        except ValidationError as erreur:
            problemes.update({f"ligne {numero} ({k})": v for k, v in erreur.problems.items()})
    if problemes:
        raise ValidationError(problemes)
    if not lus:
        raise ValidationError({"fichier": "aucun seuil dans le fichier"})
    return _enregistrer(uow, acteur, code, lus)
