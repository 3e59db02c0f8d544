"""The Cerfa 14069 as web forms (both portals): its sections a–i, and reading them back into the demande document.

Field names are the paths of the document (``code_postal``,
``personnes[2].nom_naissance``, ``personnes[1].ressources[1].type``), so the
services' errors, keyed by the same paths, land beside their fields. Values are
kept as typed (strings) until the services validate them: nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from werkzeug.datastructures import MultiDict

from sne import codes
from sne.services.formulaire import BOOLEENS, CHAMPS_ETAT_CIVIL


@dataclass(frozen=True)
class Section:
    """One section of the Cerfa: its letter, title, and the fields it fills."""

    lettre: str
    titre: str
    champs: tuple[str, ...] = ()
    champs_personne: tuple[str, ...] = ()
    ressources: bool = False


IDENTITE = CHAMPS_ETAT_CIVIL
SECTIONS = (
    Section(
        "a",
        "Vous et les personnes qui vivront avec vous",
        ("type_demandeur", "raison_sociale", "siret"),
        champs_personne=IDENTITE,
    ),
    Section(
        "b",
        "Vos coordonnées",
        (
            "adresse_ligne1",
            "adresse_ligne2",
            "code_postal",
            "commune",
            "pays",
            "email",
            "telephone_fixe",
            "telephone_portable",
            "consentement_sms",
        ),
    ),
    Section("c", "Situation familiale", ("situation_familiale",)),
    Section(
        "d",
        "Situation professionnelle",
        champs_personne=("contrat_travail", "profession", "employeur", "commune_travail"),
    ),
    Section("e", "Ressources", ("revenu_fiscal_n1", "revenu_fiscal_n2"), ressources=True),
    Section(
        "f",
        "Logement actuel",
        (
            "logement_actuel",
            "logement_actuel_bailleur",
            "logement_actuel_loyer",
            "logement_actuel_surface",
            "logement_actuel_type",
        ),
    ),
    Section("g", "Motifs de la demande", ("motifs", "motif_precision")),
    Section(
        "h",
        "Logement recherché",
        (
            "types_logement",
            "categorie_logement",
            "communes_souhaitees",
            "demande_elargie",
            "loyer_maximum",
        ),
    ),
    Section(
        "i",
        "Handicap et perte d'autonomie",
        (
            *codes.OUI_NON_HANDICAP,
            "handicap_precision",
            *codes.CHAMPS_HANDICAP,
            *codes.LISTES_HANDICAP,
        ),
    ),
)
PAR_LETTRE = {s.lettre: s for s in SECTIONS}
#: A legal person fills only sections a, b and h.
MORALE = "abh"
#: Lists ticked in boxes (the others are typed, separated by commas).
CASES = {"motifs", "types_logement"}
CASES.update(codes.LISTES_HANDICAP)
PERSONNE_RE = re.compile(r"^personnes\[(\d+)\]\.(\w+)")
#: Who may join the household (the applicant is there from the start).
ROLES_AJOUTABLES = {"cotitulaire", "a_charge", "a_naitre", "garde_alternee"}
#: Resource lines offered empty below the filled ones, per person.
LIGNES_VIDES = 1


def sections_pour(brouillon: Mapping[str, Any]) -> tuple[Section, ...]:
    """The sections the applicant fills: all of them, or a, b and h for a legal person."""
    if brouillon.get("type_demandeur") == "morale":
        return tuple(s for s in SECTIONS if s.lettre in MORALE)
    return SECTIONS


def vide() -> dict[str, Any]:
    """A new draft: a natural person with just the applicant."""
    return {"type_demandeur": "physique", "personnes": [personne("demandeur")]}


def personne(role: str) -> dict[str, Any]:
    """An empty person of the household with ``role``."""
    return {"role": role, "ressources": []}


def en_texte(valeur: Any) -> Any:
    """Turn a stored value into what a form field shows (dates ISO, amounts plain)."""
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, list):
        return [en_texte(v) for v in valeur]
    if isinstance(valeur, dict):
        return {k: en_texte(v) for k, v in valeur.items()}
    return valeur


def brouillon_de(document: Mapping[str, Any]) -> dict[str, Any]:
    """A draft (form strings) from a stored document, for the modification form."""
    brouillon: dict[str, Any] = en_texte(dict(document))
    communes = brouillon.get("communes_souhaitees")
    if isinstance(communes, list):
        brouillon["communes_souhaitees"] = ", ".join(communes)
    return brouillon


def _valeur(form: MultiDict[str, str], nom: str, champ: str) -> Any:
    if champ in BOOLEENS:
        return form.get(nom) == "oui"
    if champ in CASES:
        return form.getlist(nom)
    return form.get(nom, "").strip()


def lire(form: MultiDict[str, str], brouillon: dict[str, Any], sections: str) -> dict[str, Any]:
    """Copy the fields of ``sections`` (letters) from ``form`` onto a copy of ``brouillon``.

    A person's fields are read only where the page marked them shown (``vu``):
    a section shows some persons only, and must not blank the others.
    """
    suite = dict(brouillon)
    personnes = [dict(p) for p in brouillon.get("personnes", [])]
    vus = set(form.getlist("vu"))
    for lettre in sections:
        section = PAR_LETTRE[lettre]
        for champ in section.champs:
            suite[champ] = _valeur(form, champ, champ)
        for rang, p in enumerate(personnes, start=1):
            if f"personnes[{rang}]:{lettre}" not in vus:
                continue  # this person's part of the section was not on the page
            for champ in section.champs_personne:
                p[champ] = _valeur(form, f"personnes[{rang}].{champ}", champ)
            if section.ressources:
                p["ressources"] = _ressources(form, rang, len(p.get("ressources", [])))
    suite["personnes"] = personnes
    return suite


def _ressources(form: MultiDict[str, str], rang: int, deja: int) -> list[dict[str, str]]:
    """The resource lines of person ``rang`` (empty lines are dropped)."""
    lignes = []
    for i in range(1, deja + LIGNES_VIDES + 1):
        base = f"personnes[{rang}].ressources[{i}]"
        type_ = form.get(f"{base}.type", "").strip()
        montant = form.get(f"{base}.montant_mensuel", "").strip()
        if type_ or montant:
            lignes.append({"type": type_, "montant_mensuel": montant})
    return lignes


def document(brouillon: Mapping[str, Any]) -> dict[str, Any]:
    """The document the services validate, from a draft (empty strings mean "not given").

    For a legal person, the sections it skips are sent empty; keys starting
    with ``_`` are not the Cerfa's and are left out.
    """

    def propre(valeur: Any) -> Any:
        return None if valeur == "" else valeur

    # Keys starting with "_" are the portal's own, kept with the draft (the online filing's piece).
    resultat = {
        k: propre(v) for k, v in brouillon.items() if k != "personnes" and not k.startswith("_")
    }
    if resultat.get("type_demandeur") == "morale":
        # What was typed in the sections a legal person skips is kept in the draft, not sent.
        for section in SECTIONS:
            if section.lettre not in MORALE:
                resultat.update(dict.fromkeys(section.champs))
    resultat["personnes"] = [
        {
            **{k: propre(v) for k, v in p.items() if k != "ressources"},
            "ressources": list(p.get("ressources", [])),
        }
        for p in brouillon.get("personnes", [])
    ]
    return resultat


def changer_foyer(form: MultiDict[str, str], brouillon: dict[str, Any]) -> bool:
    """Add or remove a person as the pressed button asks; tell whether one was pressed."""
    personnes = brouillon["personnes"]
    role = form.get("ajouter")
    if role is not None and role in ROLES_AJOUTABLES:
        personnes.append(personne(role))
        return True
    retirer = form.get("retirer", "")
    if retirer.isdigit() and 1 < int(retirer) <= len(personnes):
        del personnes[int(retirer) - 1]
        return True
    return False


def section_de(cle: str) -> str:
    """The letter of the section where the field at fault ``cle`` is typed."""
    trouve = PERSONNE_RE.match(cle)
    if trouve:
        champ = trouve.group(2)
        if champ == "ressources":
            return "e"
        for section in SECTIONS:
            if champ in section.champs_personne:
                return section.lettre
        return "a"
    for section in SECTIONS:
        if cle in section.champs:
            return section.lettre
    return "a"


def lettres_a_corriger(erreurs: Mapping[str, str]) -> list[str]:
    """The sections holding a field at fault, in the Cerfa's order."""
    fautives = {section_de(cle) for cle in erreurs}
    return [s.lettre for s in SECTIONS if s.lettre in fautives]


def globales(mots: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the ``ui/cerfa.html`` macros read from the template globals (both portals set them).

    ``mots`` rewords labels and hints for a portal's readers (the applicants' plain words;
    the guichets keep the Cerfa's): ``mot(cle, texte)`` gives ``mots[cle]``, else ``texte``.
    """
    propres = dict(mots or {})
    return {
        "codes": codes,
        "libelle": codes.libelle,
        "types_ressource": {**codes.RESSOURCE_RECUE, **codes.RESSOURCE_VERSEE},
        "sections_pour": sections_pour,
        "mot": lambda cle, texte: propres.get(cle, texte),
    }
