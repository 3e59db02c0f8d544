"""Demonstration data: a département with its guichets, accounts and realistic demandes.

Everything goes through the services, so the demo exercises the same rules as
real use. Households are drawn from a seeded random generator: the same seed
gives the same demandes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from sne import codes
from sne.acteurs import ADMIN_CLI, Acteur, acteur_pour
from sne.models import Demande, Guichet, Territoire, Utilisateur
from sne.services import demandes, radiation, referentiel
from sne.uow import UnitOfWork

DEMO_MOT_DE_PASSE = "demo-sne-2026"

TERRITOIRE = ("013", "Bouches-du-Rhône")
GUICHETS = (
    (
        "G1301",
        "13 Habitat — agence Marseille Nord",
        "BAILLEUR",
        "accueil.nord@13habitat.example.fr",
    ),
    ("G1302", "Mairie de Marseille — service logement", "COMMUNE", "logement@marseille.example.fr"),
    ("G1303", "Action Logement Services Provence", "ACTION_LOGEMENT", "sne@al-provence.example.fr"),
    ("G1304", "DDETS des Bouches-du-Rhône", "ETAT", "ddets-logement@bdr.example.fr"),
    ("GDPUB", "Portail grand public", "PORTAIL", None),
)
COMPTES = (
    ("agent.nord", "Lucie", "Fabre", "agent_guichet", "G1301"),
    ("agent.mairie", "Rachid", "Haddad", "agent_guichet", "G1302"),
    ("agent.al", "Sophie", "Giraud", "agent_guichet", "G1303"),
    ("agent.ddets", "Paul", "Mercier", "agent_guichet", "G1304"),
    ("gestion.13", "Isabelle", "Roux", "gestionnaire_territorial", None),
    ("consult.liste", "Marc", "Blanc", "consultant_liste", None),
    ("consult.standard", "Nadia", "Chevalier", "consultant_standard", None),
    ("consult.complet", "Hugo", "Morel", "consultant_complet", None),
    ("operateur.scan", "Chloé", "Lambert", "operateur_numerisation", None),
)
# (INSEE code, postal code, name) of communes of the Bouches-du-Rhône.
COMMUNES = (
    ("13055", "13001", "Marseille"),
    ("13055", "13003", "Marseille"),
    ("13055", "13013", "Marseille"),
    ("13055", "13015", "Marseille"),
    ("13001", "13100", "Aix-en-Provence"),
    ("13005", "13400", "Aubagne"),
    ("13004", "13200", "Arles"),
    ("13056", "13500", "Martigues"),
    ("13103", "13300", "Salon-de-Provence"),
    ("13117", "13127", "Vitrolles"),
    ("13047", "13800", "Istres"),
    ("13063", "13140", "Miramas"),
    ("13054", "13700", "Marignane"),
    ("13071", "13170", "Les Pennes-Mirabeau"),
)
NOMS = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Haddad",
    "Nguyen",
    "Diallo",
    "Traoré",
    "Rossi",
    "Da Silva",
    "Ferreira",
    "Mansouri",
    "Belkacem",
    "Koné",
    "N'Diaye",
    "Le Gall",
    "Saint-Martin",
    "Ozturk",
)
PRENOMS_F = (
    "Marie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Fatima",
    "Aïcha",
    "Nathalie",
    "Sandrine",
    "Émilie",
    "Anne-Sophie",
    "Yasmine",
    "Océane",
    "Maëlle",
    "Zoé",
)
PRENOMS_M = (
    "Thomas",
    "Nicolas",
    "Julien",
    "Mehdi",
    "Karim",
    "Lucas",
    "Hugo",
    "Mohamed",
    "Jean-Pierre",
    "Sébastien",
    "Antoine",
    "Youssef",
    "Mamadou",
    "Éric",
    "François",
    "Noah",
    "Théo",
    "Rayan",
)
RUES = (
    "rue de la République",
    "boulevard National",
    "avenue du Prado",
    "chemin de la Madrague",
    "rue Paradis",
    "boulevard Baille",
    "avenue de Saint-Just",
    "traverse des Pins",
    "rue Sainte-Cécile",
    "allée des Mimosas",
    "cours Mirabeau",
    "impasse des Oliviers",
)
METIERS = (
    ("CDI", "Aide-soignante", "SAL", 1650),
    ("CDI", "Agent d'entretien", "SAL", 1420),
    ("CDD", "Vendeur", "SAL", 1390),
    ("CDI", "Chauffeur-livreur", "SAL", 1750),
    ("ART", "Coiffeuse à domicile", "SAL", 1200),
    ("CHO", None, "CHO", 980),
    ("RET", None, "RET", 1150),
    ("ETU", None, "BE", 450),
    ("AUT", None, "RSA", 607),
    ("APP", "Apprenti boulanger", "SAL", 850),
)


@dataclass
class BilanDemo:
    """What the demo created, for the command line to print."""

    territoire: str
    guichets: list[str] = field(default_factory=list)
    comptes: list[str] = field(default_factory=list)
    enregistrees: int = 0
    renouvelees: int = 0
    radiees: dict[str, int] = field(default_factory=dict)
    exemple: str | None = None


def preparer_referentiel(uow: Callable[[], UnitOfWork], bilan: BilanDemo) -> None:
    """Create the demo territory, guichets and accounts that do not exist yet."""
    code, nom = TERRITOIRE
    with uow() as unit:
        existe = unit.session.get(Territoire, code) is not None
        guichets = set(unit.session.scalars(select(Guichet.code)))
        comptes = set(unit.session.scalars(select(Utilisateur.login)))
    if not existe:
        referentiel.creer_territoire(uow(), ADMIN_CLI, code, nom)
    for g_code, g_nom, g_type, email in GUICHETS:
        if g_code not in guichets:
            referentiel.creer_guichet(
                uow(),
                ADMIN_CLI,
                code=g_code,
                nom=g_nom,
                type=g_type,
                territoire=code,
                referent_email=email,
            )
            bilan.guichets.append(g_code)
    for login, prenom, nom_, role, guichet in COMPTES:
        if login not in comptes:
            referentiel.creer_utilisateur(
                uow(),
                ADMIN_CLI,
                login=login,
                nom=nom_,
                prenom=prenom,
                role=role,
                mot_de_passe=DEMO_MOT_DE_PASSE,
                email=f"{login}@sne-demo.example.fr",
                guichet=guichet,
                territoire=None if guichet else code,
                provisoire=False,  # the demo prints its password: no change forced at sign-in
            )
            bilan.comptes.append(login)


def foyer(rng: random.Random, depot: date) -> dict[str, Any]:
    """Draw a realistic household and its Cerfa document for a filing on ``depot``."""
    nom = rng.choice(NOMS)
    femme = rng.random() < 0.6
    age = rng.randint(19, 78)
    naissance = depot - relativedelta(years=age) - timedelta(days=rng.randint(1, 360))
    contrat, profession, ressource, montant = rng.choice(METIERS)
    if age >= 63:
        contrat, profession, ressource, montant = METIERS[6]
    demandeur: dict[str, Any] = {
        "role": "demandeur",
        "civilite": "2" if femme else "1",
        "nom_naissance": nom,
        "prenoms": rng.choice(PRENOMS_F if femme else PRENOMS_M),
        "date_naissance": naissance.isoformat(),
        "nationalite": rng.choices(["1", "2", "3"], weights=[75, 8, 17])[0],
        "contrat_travail": contrat,
        "profession": profession,
        "ressources": [
            {"type": ressource, "montant_mensuel": f"{montant + rng.randint(-80, 80)}.00"}
        ],
    }
    personnes = [demandeur]
    couple = age < 70 and rng.random() < 0.4
    situation = rng.choice("CDSV") if not couple else rng.choice("MPU")
    if couple:
        age_c = max(19, age + rng.randint(-6, 6))
        personnes.append(
            {
                "role": "cotitulaire",
                "civilite": "1" if femme else "2",
                "nom_naissance": rng.choice(NOMS),
                "prenoms": rng.choice(PRENOMS_M if femme else PRENOMS_F),
                "date_naissance": (
                    depot - relativedelta(years=age_c, days=rng.randint(1, 300))
                ).isoformat(),
                "nationalite": rng.choice("113"),
                "lien": {"M": "M", "P": "P", "U": "C"}[situation],
                "contrat_travail": "CDI",
                "ressources": [{"type": "SAL", "montant_mensuel": f"{rng.randint(1300, 2100)}.00"}],
            }
        )
    enfants = rng.choices([0, 1, 2, 3, 4], weights=[40, 25, 20, 10, 5])[0] if 22 <= age <= 55 else 0
    for _ in range(enfants):
        age_e = rng.randint(0, min(17, age - 18))
        personnes.append(
            {
                "role": "a_charge" if rng.random() < 0.85 else "garde_alternee",
                "nom_naissance": nom,
                "prenoms": rng.choice(PRENOMS_F + PRENOMS_M),
                "date_naissance": (
                    depot - relativedelta(years=age_e, days=rng.randint(1, 300))
                ).isoformat(),
                "lien": "E",
            }
        )
    if couple and age < 40 and rng.random() < 0.15:
        personnes.append(
            {
                "role": "a_naitre",
                "date_naissance_prevue": (depot + timedelta(days=rng.randint(30, 240))).isoformat(),
            }
        )
    if enfants and rng.random() < 0.5:
        demandeur["ressources"].append(
            {"type": "AF", "montant_mensuel": f"{148 * max(1, enfants - 1)}.00"}
        )
    insee, postal, commune = rng.choice(COMMUNES)
    taille = len(personnes)
    types = (
        ["T1", "T2"]
        if taille == 1
        else ["T2", "T3"]
        if taille == 2
        else ["T3", "T4"]
        if taille <= 4
        else ["T4", "T5"]
    )
    logement = rng.choices(
        ["LP", "HLM", "CP", "SLHT", "SH", "HOT", "SD"], weights=[40, 20, 15, 12, 6, 4, 3]
    )[0]
    motifs = {
        "LP": ["09", "13"],
        "HLM": ["13", "10"],
        "CP": ["12"],
        "SLHT": ["01"],
        "SH": ["01"],
        "HOT": ["01"],
        "SD": ["01"],
    }[logement]
    souhaits = list(
        dict.fromkeys([insee, *(rng.choice(COMMUNES)[0] for _ in range(rng.randint(0, 3)))])
    )
    prenom = demandeur["prenoms"].split()[0].lower()
    ascii_nom = nom.lower().replace(" ", "").replace("'", "").replace("è", "e").replace("é", "e")
    return {
        "type_demandeur": "physique",
        "adresse_ligne1": f"{rng.randint(1, 180)} {rng.choice(RUES)}",
        "code_postal": postal,
        "commune": commune,
        "email": f"{prenom}.{ascii_nom}{rng.randint(1, 99)}@example.fr".encode(
            "ascii", "ignore"
        ).decode()
        if rng.random() < 0.7
        else None,
        "telephone_portable": f"06{rng.randint(10_000_000, 99_999_999)}",
        "consentement_sms": rng.random() < 0.5,
        "situation_familiale": situation,
        "revenu_fiscal_n1": rng.randint(6_000, 32_000),
        "revenu_fiscal_n2": rng.randint(6_000, 32_000),
        "logement_actuel": logement,
        "logement_actuel_loyer": f"{rng.randint(380, 950)}.00"
        if logement in {"LP", "HLM"}
        else None,
        "motifs": motifs,
        "types_logement": types,
        "categorie_logement": rng.choice("AAAMI"),
        "communes_souhaitees": souhaits,
        "demande_elargie": rng.random() < 0.3,
        "personnes": personnes,
    }


def _jours(debut: date, fin: date, nombre: int, rng: random.Random) -> Iterator[date]:
    etendue = (fin - debut).days
    return iter(sorted(debut + timedelta(days=rng.randint(0, etendue)) for _ in range(nombre)))


def generer(
    uow: Callable[[], UnitOfWork], *, aujourd_hui: date, nombre: int = 300, graine: int = 14069
) -> BilanDemo:
    """Create the referentiel if needed, then ``nombre`` demandes filed over the last 14 months."""
    bilan = BilanDemo(territoire=TERRITOIRE[0])
    preparer_referentiel(uow, bilan)
    rng = random.Random(graine)
    with uow() as unit:
        agents = [acteur_pour(unit.session, c[0]) for c in COMPTES if c[3] == "agent_guichet"]
        deja = unit.session.scalar(select(func.count(Demande.id))) or 0
    rng.seed(graine + deja)  # a second run adds different households
    numeros: list[tuple[str, date]] = []
    for depot in _jours(aujourd_hui - relativedelta(months=14), aujourd_hui, nombre, rng):
        agent = rng.choice(agents)
        faite = demandes.enregistrer(uow(), agent, foyer(rng, depot), aujourd_hui=depot)
        numeros.append((faite.numero, depot))
        bilan.enregistrees += 1
    for numero, depot in numeros:
        age = relativedelta(aujourd_hui, depot)
        tirage = rng.random()
        if age.years >= 1 or age.months >= 11:
            if tirage < 0.55:
                jour = min(aujourd_hui, depot + relativedelta(months=11, days=rng.randint(0, 25)))
                demandes.renouveler(uow(), rng.choice(agents), numero, aujourd_hui=jour)
                bilan.renouvelees += 1
        elif tirage < 0.06:
            bail = depot + timedelta(days=rng.randint(30, 200))
            if bail < aujourd_hui:
                _attribuer(uow, rng, agents[0], numero, bail)
                bilan.radiees["RADATT"] = bilan.radiees.get("RADATT", 0) + 1
        elif tirage < 0.08:
            jour = depot + timedelta(days=rng.randint(10, 60))
            if jour <= aujourd_hui:
                radiation.radier(uow(), rng.choice(agents), numero, "RADABA", aujourd_hui=jour)
                bilan.radiees["RADABA"] = bilan.radiees.get("RADABA", 0) + 1
    bilan.exemple = numeros[-1][0] if numeros else None
    return bilan


def _attribuer(
    uow: Callable[[], UnitOfWork], rng: random.Random, agent: Acteur, numero: str, bail: date
) -> None:
    _insee, postal, commune = rng.choice(COMMUNES)
    radiation.radier(
        uow(),
        agent,
        numero,
        "RADATT",
        aujourd_hui=bail + timedelta(days=rng.randint(0, 5)),
        donnees={
            "logement_adresse": f"{rng.randint(1, 60)} {rng.choice(RUES)}, bât. {rng.choice('ABCD')}",
            "logement_code_postal": postal,
            "logement_commune": commune,
            "logement_rpls": f"RPLS13-{rng.randint(100000, 999999)}",
            "logement_zus_qpv": rng.choice(list(codes.ZUS_QPV)),
            "logement_surface": rng.randint(28, 95),
            "logement_typologie": rng.choice(["T1", "T2", "T3", "T4", "T5"]),
            "reservataire": rng.choice(["COLTER", "COLACT", "PPRIOR", "PFONCT", "AUTRES", "AUCUN"]),
            "statut_dalo": rng.choices(["NON", "ACTIF", "ACTREL"], weights=[85, 10, 5])[0],
            "accord_collectif": rng.choices(list(codes.ACCORD_COLLECTIF), weights=[15, 5, 75, 5])[
                0
            ],
            "date_bail": bail.isoformat(),
            "bailleur": "13 Habitat",
        },
    )
