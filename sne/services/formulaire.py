"""The Cerfa 14069 content as a plain document: validate, normalise, apply, serialise.

A demande travels as a JSON-like dict whose top-level keys are the demande's
fields (sections b–i) plus ``personnes`` (section a, with d and e per person).
The same shape is read from JSON files, written by ``sne demande show``, and
compared field by field to trace modifications.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta

from sne import codes
from sne.errors import ValidationError
from sne.models import Demande, Personne, Ressource

# Demande-level fields, by Cerfa section; legal persons fill only a, b and h.
CHAMPS_B = (
    "adresse_numero",
    "adresse_ligne1",
    "adresse_ligne2",
    "code_postal",
    "commune",
    "commune_insee",
    "pays",
    "adresse_etranger",
    "email",
    "telephone_fixe",
    "telephone_portable",
    "consentement_sms",
)
CHAMPS_C_A_G_I = (
    "situation_familiale",
    "revenu_fiscal_annee_n1",
    "revenu_fiscal_n1",
    "revenu_fiscal_annee_n2",
    "revenu_fiscal_n2",
    "logement_actuel",
    "logement_actuel_bailleur",
    "logement_actuel_loyer",
    "logement_actuel_surface",
    "logement_actuel_type",
    "logement_actuel_categorie",
    "logement_actuel_habitants",
    "logement_actuel_proprietaire",
    "motifs",
    "motif_precision",
    "handicap_logement_adapte",
    "handicap_fauteuil_roulant",
    "handicap_precision",
    *codes.CHAMPS_HANDICAP,
    *codes.LISTES_HANDICAP,
)
CHAMPS_H = (
    "types_logement",
    "categorie_logement",
    "communes_souhaitees",
    "demande_elargie",
    "loyer_maximum",
)
CHAMPS_MORALE = ("raison_sociale", "siret")
CHAMPS_DEMANDE = ("type_demandeur", *CHAMPS_MORALE, *CHAMPS_B, *CHAMPS_C_A_G_I, *CHAMPS_H)

#: Who a person is (section a of the Cerfa), as the portals ask for it.
CHAMPS_ETAT_CIVIL = (
    "civilite",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "date_naissance",
    "date_naissance_prevue",
    "commune_naissance",
    "nationalite",
    "lien",
    "mineur_emancipe",
)
CHAMPS_PERSONNE = (
    "role",
    *CHAMPS_ETAT_CIVIL,
    "sexe",
    "co_parentalite",
    "situation_familiale",
    "revenu_fiscal_annee_n1",
    "revenu_fiscal_n1",
    "revenu_fiscal_annee_n2",
    "revenu_fiscal_n2",
    "contrat_travail",
    "profession",
    "employeur",
    "commune_travail",
    "travail_etranger",
    "travail_code_postal",
    "travail_commune_insee",
)
#: Fields whose change is an identity change (justification required, traced as such).
CHAMPS_IDENTITE = ("nom_naissance", "prenoms", "date_naissance")

BOOLEENS = {
    "adresse_etranger",
    "logement_actuel_proprietaire",
    "travail_etranger",
    "consentement_sms",
    "demande_elargie",
    "mineur_emancipe",
}
#: Integers, of the demande or of a person (the co-holder's tax income).
ENTIERS = {
    "revenu_fiscal_annee_n1",
    "revenu_fiscal_n1",
    "revenu_fiscal_annee_n2",
    "revenu_fiscal_n2",
    "logement_actuel_surface",
    "logement_actuel_habitants",
    "loyer_maximum",
}
DECIMAUX = {"logement_actuel_loyer"}
DATES = {"date_naissance", "date_naissance_prevue"}
LISTES = {"motifs", "types_logement", "communes_souhaitees", *codes.LISTES_HANDICAP}

CODE_POSTAL_RE = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}$")
COMMUNE_INSEE_RE = re.compile(r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEPHONE_RE = re.compile(r"^(?:0[1-9][0-9]{8}|\+[1-9][0-9]{7,14})$")
SIRET_RE = re.compile(r"^[0-9]{14}$")
NOM_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’\-.])*$", re.UNICODE)

AGE_MAJORITE = 18
AGE_EMANCIPATION = 16
AGE_MAXIMUM = 120
MAX_COMMUNES = 8
MAX_PERSONNES = 20


def nettoyer(valeur: Any) -> str | None:
    """Strip and fold repeated spaces; empty becomes None."""
    if valeur is None:
        return None
    texte = re.sub(r"\s+", " ", str(valeur)).strip()
    return texte or None


def normaliser_telephone(valeur: str) -> str:
    """Remove spaces, dots and dashes from a phone number."""
    return re.sub(r"[\s.\-()]", "", valeur)


class Verificateur:
    """Collects every problem of a document so the agent sees them all at once."""

    def __init__(self) -> None:
        self.problemes: dict[str, str] = {}

    def erreur(self, champ: str, texte: str) -> None:
        self.problemes.setdefault(champ, texte)

    def code(self, champ: str, valeur: Any, table: Mapping[str, str], nom: str) -> str | None:
        texte = nettoyer(valeur)
        if texte is None:
            return None
        texte = texte.upper() if texte.upper() in table else texte
        if texte not in table:
            permis = ", ".join(table)
            self.erreur(champ, f"code {nom} « {texte} » inconnu (codes admis : {permis})")
            return None
        return texte

    def date(self, champ: str, valeur: Any) -> date | None:
        if valeur is None or valeur == "":
            return None
        if isinstance(valeur, date):
            return valeur
        try:
            return date.fromisoformat(str(valeur).strip())
        except ValueError:
            self.erreur(champ, f"date « {valeur} » illisible (format attendu AAAA-MM-JJ)")
            return None

    def entier(self, champ: str, valeur: Any) -> int | None:
        if valeur is None or valeur == "":
            return None
        try:
            nombre = int(str(valeur).replace(" ", ""))
        except ValueError:
            self.erreur(champ, f"nombre entier attendu, reçu « {valeur} »")
            return None
        if nombre < 0:
            self.erreur(champ, "ne peut pas être négatif")
            return None
        return nombre

    def montant(self, champ: str, valeur: Any) -> Decimal | None:
        if valeur is None or valeur == "":
            return None
        try:
            montant = Decimal(str(valeur).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            self.erreur(champ, f"montant « {valeur} » illisible")
            return None
        if not montant.is_finite() or montant < 0:
            self.erreur(champ, "montant négatif ou impossible")
            return None
        return montant.quantize(Decimal("0.01"))

    def booleen(self, champ: str, valeur: Any) -> bool:
        if isinstance(valeur, bool):
            return valeur
        if valeur is None or valeur == "":
            return False
        texte = str(valeur).strip().lower()
        if texte in {"1", "true", "oui", "o", "vrai"}:
            return True
        if texte in {"0", "false", "non", "n", "faux"}:
            return False
        self.erreur(champ, f"oui ou non attendu, reçu « {valeur} »")
        return False

    def nom(self, champ: str, valeur: Any) -> str | None:
        texte = nettoyer(valeur)
        if texte is not None and not NOM_RE.match(texte):
            self.erreur(champ, f"« {texte} » contient des caractères non admis dans un nom")
        return texte


def _age(naissance: date, au: date) -> int:
    return relativedelta(au, naissance).years


def valider(
    document: Mapping[str, Any], *, date_depot: date, modifie_le: date | None = None
) -> dict[str, Any]:
    """Return the normalised document, or raise ``ValidationError`` listing every problem.

    ``date_depot`` is the filing date (ancienneté) against which ages and dates are
    checked; ``modifie_le``, for a change to a registered demande, is the day of the
    change: the household then lives in that day (a child born since the filing, a
    pregnancy announced months later, a co-holder who came of age meanwhile).
    """
    v = Verificateur()
    inconnus = set(document) - set(CHAMPS_DEMANDE) - {"personnes"}
    for champ in sorted(inconnus):
        v.erreur(champ, "rubrique inconnue du formulaire")
    propre: dict[str, Any] = {}
    type_demandeur = nettoyer(document.get("type_demandeur")) or "physique"
    if type_demandeur not in {"physique", "morale"}:
        v.erreur("type_demandeur", "« physique » ou « morale » attendu")
        type_demandeur = "physique"
    propre["type_demandeur"] = type_demandeur

    _valider_demande(v, document, propre)
    au = max(date_depot, modifie_le) if modifie_le else date_depot
    propre["personnes"] = _valider_personnes(v, document.get("personnes"), date_depot, au)

    if type_demandeur == "morale":
        if not propre["raison_sociale"]:
            v.erreur("raison_sociale", "obligatoire pour une personne morale")
        remplis = [c for c in CHAMPS_C_A_G_I if propre[c] not in (None, False, [], "", "NONDOC")]
        for champ in remplis:
            v.erreur(champ, "une personne morale ne remplit que les rubriques a, b et h")
    else:
        for champ in CHAMPS_MORALE:
            if propre[champ]:
                v.erreur(champ, "réservé aux personnes morales")
        for champ, texte in (
            ("situation_familiale", "situation familiale obligatoire"),
            ("logement_actuel", "logement actuel obligatoire"),
        ):
            if not propre[champ]:
                v.erreur(champ, texte)
        if not propre["motifs"]:
            v.erreur("motifs", "indiquer au moins un motif de la demande")
    en_france = not propre["adresse_etranger"] and (propre["pays"] or "France") == "France"
    if not propre["adresse_ligne1"]:
        v.erreur("adresse_ligne1", "adresse obligatoire")
    if not propre["code_postal"] and en_france:
        v.erreur("code_postal", "code postal obligatoire")
    if not propre["commune"] and not propre["commune_insee"]:
        v.erreur("commune", "commune obligatoire")
    if not propre["types_logement"]:
        v.erreur("types_logement", "indiquer au moins un type de logement recherché")
    if not propre["communes_souhaitees"]:
        v.erreur("communes_souhaitees", "indiquer au moins une commune souhaitée")
    if propre["consentement_sms"] and not propre["telephone_portable"]:
        v.erreur("consentement_sms", "un téléphone portable est nécessaire pour recevoir des SMS")

    if v.problemes:
        raise ValidationError(v.problemes)
    return propre


def _valider_demande(v: Verificateur, document: Mapping[str, Any], propre: dict[str, Any]) -> None:
    for champ in CHAMPS_DEMANDE:
        if champ == "type_demandeur":
            continue
        valeur = document.get(champ)
        if champ in BOOLEENS:
            propre[champ] = v.booleen(champ, valeur)
        elif champ in ENTIERS:
            propre[champ] = v.entier(champ, valeur)
        elif champ in DECIMAUX:
            propre[champ] = v.montant(champ, valeur)
        elif champ in LISTES:
            propre[champ] = _liste(v, champ, valeur)
        else:
            propre[champ] = nettoyer(valeur)
    propre["situation_familiale"] = v.code(
        "situation_familiale",
        propre["situation_familiale"],
        codes.SITUATION_FAMILIALE,
        "situation familiale",
    )
    propre["logement_actuel"] = v.code(
        "logement_actuel", propre["logement_actuel"], codes.LOGEMENT_ACTUEL, "logement actuel"
    )
    propre["logement_actuel_type"] = v.code(
        "logement_actuel_type",
        propre["logement_actuel_type"],
        codes.TYPE_LOGEMENT,
        "type de logement",
    )
    propre["categorie_logement"] = v.code(
        "categorie_logement", propre["categorie_logement"], codes.CATEGORIE_LOGEMENT, "catégorie"
    )
    propre["logement_actuel_categorie"] = v.code(
        "logement_actuel_categorie",
        propre["logement_actuel_categorie"],
        codes.CATEGORIE_LOGEMENT_ACTUEL,
        "catégorie",
    )
    if propre["commune_insee"]:
        propre["commune_insee"] = propre["commune_insee"].upper()
        if not COMMUNE_INSEE_RE.match(propre["commune_insee"]):
            v.erreur(
                "commune_insee",
                f"« {propre['commune_insee']} » n'est pas un code commune INSEE (5 caractères)",
            )
    for champ, (table, nom) in codes.CHAMPS_HANDICAP.items():
        propre[champ] = v.code(champ, propre[champ], table, nom)
    for champ, nom in codes.OUI_NON_HANDICAP.items():  # not said: NONDOC, as the format says
        propre[champ] = v.code(champ, propre[champ], codes.BOOLEEN_DOC, nom) or "NONDOC"
    for champ, table, nom in (
        ("motifs", codes.MOTIF_DEMANDE, "motif"),
        ("types_logement", codes.TYPE_LOGEMENT, "type de logement"),
        *((c, table, nom) for c, (table, nom) in codes.LISTES_HANDICAP.items()),
    ):
        valeurs = [
            v.code(champ, x.zfill(2) if champ == "motifs" else x, table, nom) for x in propre[champ]
        ]
        propre[champ] = list(dict.fromkeys(x for x in valeurs if x))
    communes = [x.upper() for x in propre["communes_souhaitees"]]
    for commune in communes:
        if not COMMUNE_INSEE_RE.match(commune):
            v.erreur(
                "communes_souhaitees",
                f"« {commune} » n'est pas un code commune INSEE (5 caractères)",
            )
    if len(communes) > MAX_COMMUNES:
        v.erreur("communes_souhaitees", f"{MAX_COMMUNES} communes au plus")
    propre["communes_souhaitees"] = list(dict.fromkeys(communes))
    if propre["code_postal"] and not CODE_POSTAL_RE.match(propre["code_postal"]):
        v.erreur("code_postal", f"« {propre['code_postal']} » n'est pas un code postal français")
    if propre["email"]:
        propre["email"] = propre["email"].lower()
        if not EMAIL_RE.match(propre["email"]):
            v.erreur("email", f"adresse électronique « {propre['email']} » invalide")
    for champ in ("telephone_fixe", "telephone_portable"):
        if propre[champ]:
            propre[champ] = normaliser_telephone(propre[champ])
            if not TELEPHONE_RE.match(propre[champ]):
                v.erreur(champ, f"numéro « {propre[champ]} » invalide (10 chiffres ou +indicatif)")
    if propre["siret"] and not SIRET_RE.match(propre["siret"].replace(" ", "")):
        v.erreur("siret", "le SIRET compte 14 chiffres")
    elif propre["siret"]:
        propre["siret"] = propre["siret"].replace(" ", "")


def _liste(v: Verificateur, champ: str, valeur: Any) -> list[str]:
    if valeur is None or valeur == "":
        return []
    if isinstance(valeur, str):
        valeur = [x for x in re.split(r"[,;\s]+", valeur) if x]
    if not isinstance(valeur, list | tuple):
        v.erreur(champ, "liste attendue")
        return []
    return [str(x).strip() for x in valeur if str(x).strip()]


def _valider_personnes(
    v: Verificateur, personnes: Any, date_depot: date, au: date
) -> list[dict[str, Any]]:
    if not isinstance(personnes, list) or not personnes:
        v.erreur("personnes", "indiquer au moins le demandeur")
        return []
    if len(personnes) > MAX_PERSONNES:
        v.erreur("personnes", f"{MAX_PERSONNES} personnes au plus")
        return []
    propres = []
    for rang, personne in enumerate(personnes, start=1):
        if not isinstance(personne, Mapping):
            v.erreur(f"personnes[{rang}]", "fiche de personne attendue")
            continue
        propres.append(_valider_personne(v, personne, rang, date_depot, au))
    roles = [p["role"] for p in propres]
    if roles.count("demandeur") != 1:
        v.erreur("personnes", "il faut exactement un demandeur")
    if roles.count("cotitulaire") > 1:
        v.erreur("personnes", "un seul co-titulaire possible")
    if propres and propres[0]["role"] != "demandeur" and "demandeur" in roles:
        # The applicant comes first: documents and exports rely on it.
        propres.sort(key=lambda p: p["role"] != "demandeur")
    return propres


def _valider_personne(
    v: Verificateur, personne: Mapping[str, Any], rang: int, date_depot: date, au: date
) -> dict[str, Any]:
    """One person, checked as of ``au`` (the filing day, or the day of a change)."""
    ici = f"personnes[{rang}]"
    for champ in sorted(set(personne) - set(CHAMPS_PERSONNE) - {"ressources"}):
        v.erreur(f"{ici}.{champ}", "rubrique inconnue")
    p: dict[str, Any] = {}
    role = nettoyer(personne.get("role"))
    if role not in codes.ROLE_PERSONNE:
        v.erreur(
            f"{ici}.role", f"rôle « {role} » inconnu (admis : {', '.join(codes.ROLE_PERSONNE)})"
        )
        role = "a_charge"
    p["role"] = role
    p["civilite"] = v.code(f"{ici}.civilite", personne.get("civilite"), codes.CIVILITE, "civilité")
    p["nom_naissance"] = v.nom(f"{ici}.nom_naissance", personne.get("nom_naissance"))
    p["nom_usage"] = v.nom(f"{ici}.nom_usage", personne.get("nom_usage"))
    p["prenoms"] = v.nom(f"{ici}.prenoms", personne.get("prenoms"))
    p["date_naissance"] = v.date(f"{ici}.date_naissance", personne.get("date_naissance"))
    p["date_naissance_prevue"] = v.date(
        f"{ici}.date_naissance_prevue", personne.get("date_naissance_prevue")
    )
    p["commune_naissance"] = nettoyer(personne.get("commune_naissance"))
    p["nationalite"] = v.code(
        f"{ici}.nationalite", personne.get("nationalite"), codes.NATIONALITE, "nationalité"
    )
    table_lien = codes.LIEN_COTITULAIRE if role == "cotitulaire" else codes.LIEN_PERSONNE_A_CHARGE
    p["lien"] = v.code(f"{ici}.lien", personne.get("lien"), table_lien, "lien")
    p["mineur_emancipe"] = v.booleen(f"{ici}.mineur_emancipe", personne.get("mineur_emancipe"))
    for champ, table, nom in (
        ("sexe", codes.SEXE, "sexe"),
        ("co_parentalite", codes.CO_PARENTALITE, "coparentalité"),
        ("situation_familiale", codes.SITUATION_FAMILIALE, "situation familiale"),
        ("contrat_travail", codes.CONTRAT_TRAVAIL, "contrat"),
    ):
        p[champ] = v.code(f"{ici}.{champ}", personne.get(champ), table, nom)
    for champ in ("revenu_fiscal_annee_n1", "revenu_fiscal_n1"):
        p[champ] = v.entier(f"{ici}.{champ}", personne.get(champ))
    for champ in ("revenu_fiscal_annee_n2", "revenu_fiscal_n2"):
        p[champ] = v.entier(f"{ici}.{champ}", personne.get(champ))
    p["travail_etranger"] = v.booleen(f"{ici}.travail_etranger", personne.get("travail_etranger"))
    for champ in ("profession", "employeur", "commune_travail", "travail_code_postal"):
        p[champ] = nettoyer(personne.get(champ))
    p["travail_commune_insee"] = nettoyer(personne.get("travail_commune_insee"))
    if p["travail_commune_insee"] and not COMMUNE_INSEE_RE.match(p["travail_commune_insee"]):
        v.erreur(f"{ici}.travail_commune_insee", "code commune INSEE attendu (5 caractères)")
    p["ressources"] = _valider_ressources(v, personne.get("ressources"), ici)

    naissance = p["date_naissance"]
    if role == "a_naitre":
        prevue = p["date_naissance_prevue"]
        if prevue is None:
            v.erreur(f"{ici}.date_naissance_prevue", "date de naissance prévue obligatoire")
        elif not date_depot - relativedelta(months=1) <= prevue <= au + relativedelta(months=9):
            v.erreur(
                f"{ici}.date_naissance_prevue",
                "une naissance attendue doit être prévue dans les neuf mois"
                + (" suivant le dépôt" if au == date_depot else ""),
            )
        return p
    # Children in shared custody travel without names in interfaceNuu files.
    sans_nom = role == "garde_alternee"
    for champ, texte in (
        ("nom_naissance", "nom de naissance obligatoire"),
        ("prenoms", "prénoms obligatoires"),
        ("date_naissance", "date de naissance obligatoire"),
    ):
        if not p[champ] and not (sans_nom and champ != "date_naissance"):
            v.erreur(f"{ici}.{champ}", texte)
    if role in {"demandeur", "cotitulaire"}:
        if not p["civilite"]:
            v.erreur(f"{ici}.civilite", "civilité obligatoire")
        if not p["nationalite"]:
            v.erreur(f"{ici}.nationalite", "nationalité obligatoire")
    if role == "cotitulaire" and not p["lien"]:
        v.erreur(f"{ici}.lien", "lien avec le demandeur obligatoire (M, P, C ou L)")
    if naissance is None:
        return p
    if naissance > au:
        v.erreur(
            f"{ici}.date_naissance",
            "date de naissance postérieure à la date de dépôt"
            if au == date_depot
            else "date de naissance dans le futur",
        )
        return p
    age = _age(naissance, au)
    if age > AGE_MAXIMUM:
        v.erreur(f"{ici}.date_naissance", f"âge de {age} ans impossible")
    if role in {"demandeur", "cotitulaire"}:
        minimum = AGE_EMANCIPATION if p["mineur_emancipe"] else AGE_MAJORITE
        if age < minimum:
            v.erreur(
                f"{ici}.date_naissance",
                f"le {codes.ROLE_PERSONNE[role].lower()} doit être majeur ou mineur émancipé "
                f"d'au moins {AGE_EMANCIPATION} ans "
                f"(âge {'au dépôt' if au == date_depot else 'ce jour'} : {age} ans)",
            )
    # A child in custody is judged at the filing: turning 18 since must not block a change.
    if role == "garde_alternee" and _age(naissance, date_depot) >= AGE_MAJORITE:
        v.erreur(
            f"{ici}.date_naissance", "la garde alternée ou le droit de visite concerne un mineur"
        )
    return p


def _valider_ressources(v: Verificateur, ressources: Any, ici: str) -> list[dict[str, Any]]:
    if ressources in (None, ""):
        return []
    if not isinstance(ressources, list):
        v.erreur(f"{ici}.ressources", "liste de ressources attendue")
        return []
    propres = []
    toutes = {**codes.RESSOURCE_RECUE, **codes.RESSOURCE_VERSEE}
    for i, ressource in enumerate(ressources, start=1):
        champ = f"{ici}.ressources[{i}]"
        if not isinstance(ressource, Mapping):
            v.erreur(champ, "ressource attendue (type et montant mensuel)")
            continue
        type_ = v.code(f"{champ}.type", ressource.get("type"), toutes, "ressource")
        montant = v.montant(f"{champ}.montant_mensuel", ressource.get("montant_mensuel"))
        if montant is None:
            v.erreur(f"{champ}.montant_mensuel", "montant mensuel obligatoire")
        if type_ and montant is not None:
            propres.append({"type": type_, "montant_mensuel": montant})
    return propres


def appliquer(demande: Demande, propre: Mapping[str, Any]) -> None:
    """Write a validated document onto ``demande``, rebuilding its household."""
    for champ in CHAMPS_DEMANDE:
        setattr(demande, champ, propre[champ])
    demande.personnes = [
        Personne(
            rang=rang,
            **{c: p[c] for c in CHAMPS_PERSONNE},
            ressources=[Ressource(**r) for r in p["ressources"]],
        )
        for rang, p in enumerate(propre["personnes"], start=1)
    ]


def en_document(demande: Demande) -> dict[str, Any]:
    """Serialise ``demande`` to the document shape (the inverse of ``appliquer``)."""
    document: dict[str, Any] = {champ: getattr(demande, champ) for champ in CHAMPS_DEMANDE}
    for champ in LISTES:
        document[champ] = list(document[champ] or [])
    document["personnes"] = [
        {
            **{c: getattr(p, c) for c in CHAMPS_PERSONNE},
            "ressources": [
                {"type": r.type, "montant_mensuel": r.montant_mensuel} for r in p.ressources
            ],
        }
        for p in demande.personnes
    ]
    return document


def differences(avant: Mapping[str, Any], apres: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field differences as ``{path: [old, new]}``, persons compared by rank."""
    changes: dict[str, list[Any]] = {}
    for champ in CHAMPS_DEMANDE:
        if avant.get(champ) != apres.get(champ):
            changes[champ] = [avant.get(champ), apres.get(champ)]
    anciennes, nouvelles = avant.get("personnes", []), apres.get("personnes", [])
    for rang in range(1, max(len(anciennes), len(nouvelles)) + 1):
        a = anciennes[rang - 1] if rang <= len(anciennes) else {}
        n = nouvelles[rang - 1] if rang <= len(nouvelles) else {}
        for champ in (*CHAMPS_PERSONNE, "ressources"):
            if a.get(champ) != n.get(champ):
                changes[f"personnes[{rang}].{champ}"] = [a.get(champ), n.get(champ)]
    return changes


def changement_identite(changes: Mapping[str, list[Any]]) -> list[str]:
    """The changed paths that alter an existing person's birth name, first names or birth date.

    Adding or removing a person of the household is not an identity change.
    """
    return [
        path
        for path, (avant, apres) in changes.items()
        if path.startswith("personnes[")
        and path.rsplit(".", 1)[-1] in CHAMPS_IDENTITE
        and avant is not None
        and apres is not None
    ]


def comparable(valeur: Any) -> str:
    """Fold case, accents and spacing so two spellings of one name compare equal."""
    texte = nettoyer(valeur) or ""
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()
