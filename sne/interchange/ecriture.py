"""Write a demande document as an interfaceNuu CRE or MOD file (the inverse of ``lecture``).

Contract: a document of the ``sne.services.formulaire`` shape in, UTF-8 bytes
out, with the elements in the schema's order (the real files'). Empty values
are left out; ``demandeElargie``, ``etranger`` of the address and
``proprietaire`` are always written. Persons are written grouped by role
(demandeur, personnes à charge, enfants à naître counted per expected date,
enfants en garde, co-titulaire), received resources before paid ones, the
dependants' resources in the applicant's ``…PersACharge`` lists. A 02.00 file
cannot carry ``consentementSms``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from sne import codes
from sne.interchange import format as f
from sne.interchange.lecture import Evenement


def _valeur(valeur: Any) -> str:
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, Decimal):
        return format(valeur, ".2f")
    if isinstance(valeur, date):
        return valeur.isoformat()
    return str(valeur)


def _element(parent: ET.Element, nom: str, code: str | None = None) -> ET.Element:
    return ET.SubElement(parent, nom, {"code": code} if code is not None else {})


def _texte(parent: ET.Element, nom: str, valeur: Any) -> None:
    if valeur is None or valeur == "":
        return
    _element(parent, nom).text = _valeur(valeur)


def _code(parent: ET.Element, nom: str, valeur: str | None) -> None:
    if valeur:
        _element(parent, nom, valeur)


def ecrire(
    document: Mapping[str, Any],
    *,
    type_fichier: str | None,
    version: str,
    date_fichier: date,
    guichet: str,
    numero: str | None = None,
    date_creation: date | None = None,
    justification: str | None = None,
    date_renouvellement: date | None = None,
    evenements: Sequence[Evenement] = (),
    radiation: Mapping[str, Any] | None = None,
) -> bytes:
    """Serialise ``document`` as a ``type_fichier`` (CRE or MOD) file of interface ``version``.

    Without ``type_fichier``, an extract of the demande ``numero`` (what a take-over
    reads), which may carry its last renewal and its history, and the ``radiation``
    of a radiated demande (``motif``, ``date_radiation`` and the data ``radier`` takes).
    """
    if type_fichier is None and numero is None:
        raise ValueError("un extrait porte le numéro unique de sa demande")
    if type_fichier is not None and type_fichier not in f.TYPES_EXPORT:
        raise ValueError(f"type de fichier {type_fichier} : seuls CRE et MOD portent une demande")
    if version not in f.VERSIONS:
        raise ValueError(f"version {version} inconnue")
    # Local names under a literal default-namespace declaration: ElementTree's
    # ``default_namespace`` refuses unqualified attributes, and ``register_namespace``
    # is process-wide state.
    racine = ET.Element(f.RACINE, {"xmlns": f.NS, "versionInterface": version})
    entete = _element(racine, "entete")
    _texte(entete, "typeFichier", type_fichier)
    _texte(entete, "dateFichier", date_fichier)
    dl = _element(_element(racine, "demande"), "demandeLogement")
    _texte(dl, "numUnique", numero)
    _texte(dl, "numGuichet", guichet)
    _texte(dl, "dateCreationDemande", date_creation)
    _texte(dl, "dateDernierRenouvellement", date_renouvellement)
    if evenements:
        liste = _element(dl, "listeEvenement")
        for evenement in evenements:
            element = _element(liste, "evenement")
            _texte(element, "dateEvenement", evenement.date)
            _code(element, "typeEvenement", evenement.type)
            _texte(element, "commentaire", evenement.commentaire)
    _texte(dl, "justification", justification)
    personnes = sorted(document["personnes"], key=lambda p: f.ORDRE_ROLES.index(p["role"]))
    if document.get("type_demandeur") == "morale":
        personne = _element(dl, "personneMorale")
        _texte(personne, "raisonSociale", document.get("raison_sociale"))
        _texte(personne, "siret", document.get("siret"))
        _contacts(personne, document, version)
        _personne(personne, "demandeur", personnes[0])
        _foyer(personne, personnes[1:])
    else:
        personne = _element(dl, "personnePhysique")
        _demandeur(personne, personnes[0], personnes[1:], document, version)
        _foyer(personne, personnes[1:])
        _logement_actuel(personne, document)
        if document.get("motifs"):
            liste = _element(personne, "listeMotif")
            for motif in document["motifs"]:
                _code(liste, "motif", motif)
        _texte(personne, "precisionMotif", document.get("motif_precision"))
        repondues = any(
            document.get(cle) not in (None, "NONDOC") for cle in f.OUI_NON_HANDICAP.values()
        )
        if (
            repondues
            or document.get("handicap_precision")
            or any(document.get(c) for c in CHAMPS_HANDICAP_DETAIL)
        ):
            handicap = _element(personne, "handicap")
            for nom in f.OUI_NON_HANDICAP:  # OUI, NON, or NONDOC when the other is answered
                _code(handicap, nom, document.get(f.OUI_NON_HANDICAP[nom]) or "NONDOC")
            _texte(handicap, "precision", document.get("handicap_precision"))
            _handicap_detail(handicap, document)
    _recherche(dl, document)
    if radiation is not None:
        _radiation(dl, radiation)
    ET.indent(racine)
    corps = ET.tostring(racine, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{corps}\n'.encode()


#: The document keys of the disability's codes and lists.
CHAMPS_HANDICAP_DETAIL = (
    *f.CODES_HANDICAP.values(),
    *(cle for _, cle in f.LISTES_HANDICAP.values()),
)


def _handicap_detail(parent: ET.Element, document: Mapping[str, Any]) -> None:
    """The disability's codes and lists, in names of ours (public sources show none)."""
    for nom, cle in f.CODES_HANDICAP.items():
        _code(parent, nom, document.get(cle))
    for liste, (item, cle) in f.LISTES_HANDICAP.items():
        if document.get(cle):
            element = _element(parent, liste)
            for valeur in document[cle]:
                _code(element, item, valeur)


#: Radiation elements written as a code attribute (the others carry their value as text).
_CODES_RADIATION = frozenset(
    {"zusQpv", "typologie", "reservataire", "statutDalo", "typologieDalo", "accordCollectif"}
)


def _radiation(parent: ET.Element, radiation: Mapping[str, Any]) -> None:
    """An extract's radiation, with its date (*dateRadiation*, ours) and its attribution."""
    element = _element(parent, "radiation")
    _code(element, "motif", radiation["motif"])
    _code(element, "sousMotif", radiation.get("sous_motif"))
    _texte(element, "dateAvertissement", radiation.get("date_avertissement"))
    _texte(element, "commentaire", radiation.get("commentaire"))
    if any(radiation.get(cle) not in (None, "") for _, cle in f.ATTRIBUTION):
        logement = _element(element, "logementAttribue")
        for nom, cle in f.ATTRIBUTION:
            if nom in _CODES_RADIATION:
                _code(logement, nom, radiation.get(cle))
            else:
                _texte(logement, nom, radiation.get(cle))
    _texte(element, "dateRadiation", radiation["date_radiation"])


def _contacts(parent: ET.Element, document: Mapping[str, Any], version: str) -> None:
    _texte(parent, "telPortable", document.get("telephone_portable"))
    _texte(parent, "telFixe", document.get("telephone_fixe"))
    _texte(parent, "mel", document.get("email"))
    if version != "02.00" and document.get("consentement_sms"):
        _texte(parent, "consentementSms", True)
    adresse = _element(parent, "adressePostale")
    _texte(adresse, "etranger", bool(document.get("adresse_etranger")))
    _texte(adresse, "numero", document.get("adresse_numero"))
    _texte(adresse, "voie", document.get("adresse_ligne1"))
    _texte(adresse, "complement", document.get("adresse_ligne2"))
    _texte(adresse, "codePostal", document.get("code_postal"))
    _code(adresse, "commune", document.get("commune_insee"))
    _texte(adresse, "libelleCommune", document.get("commune"))
    _texte(adresse, "pays", document.get("pays"))


def _demandeur(
    parent: ET.Element,
    demandeur: Mapping[str, Any],
    foyer: list[Mapping[str, Any]],
    document: Mapping[str, Any],
    version: str,
) -> None:
    """The applicant, with the demande's contacts, tax income and the dependants' resources."""
    element = _element(parent, "demandeur")
    _identite(element, demandeur)
    _code(element, "situationFamiliale", document.get("situation_familiale"))
    _contacts(element, document, version)
    _situation_professionnelle(element, demandeur)
    _revenu_fiscal(element, document)
    _ressources(element, demandeur.get("ressources") or [])
    a_charge = [r for p in foyer if p["role"] == "a_charge" for r in p.get("ressources") or []]
    _ressources(element, a_charge, suffixe="PersACharge")


def _identite(element: ET.Element, p: Mapping[str, Any]) -> None:
    """Civilité, names (in use, then birth name when they differ), first names, birth."""
    _code(element, "civilite", p.get("civilite"))
    _texte(element, "nom", p.get("nom_usage") or p.get("nom_naissance"))
    if p.get("nom_usage"):
        _texte(element, "nomPatronymique", p.get("nom_naissance"))
    _texte(element, "prenom", p.get("prenoms"))
    _texte(element, "dateNaissance", p.get("date_naissance"))
    _code(element, "sexe", p.get("sexe"))
    _texte(element, "communeNaissance", p.get("commune_naissance"))
    _code(element, "nationalite", p.get("nationalite"))
    _texte(element, "mineurEmancipe", p.get("mineur_emancipe") or None)


def _situation_professionnelle(element: ET.Element, p: Mapping[str, Any]) -> None:
    champs = (
        "profession",
        "contrat_travail",
        "employeur",
        "travail_etranger",
        "travail_code_postal",
        "travail_commune_insee",
        "commune_travail",
    )
    if not any(p.get(c) for c in champs):
        return
    situation = _element(element, "situationProfessionnelle")
    _texte(situation, "profession", p.get("profession"))
    _code(situation, "typeContratTravail", p.get("contrat_travail"))
    _texte(situation, "nomEmployeurPrincipal", p.get("employeur"))
    _texte(situation, "etranger", p.get("travail_etranger") or None)
    _texte(situation, "codePostal", p.get("travail_code_postal"))
    _code(situation, "commune", p.get("travail_commune_insee"))
    _texte(situation, "libelleCommune", p.get("commune_travail"))


def _revenu_fiscal(element: ET.Element, source: Mapping[str, Any]) -> None:
    """Tax years and amounts (of the demande for the applicant, of the co-holder's own)."""
    cles = ("annee_n1", "n1", "annee_n2", "n2")
    if all(source.get(f"revenu_fiscal_{c}") is None for c in cles):
        return
    revenu = _element(element, "revenuFiscal")
    for nom, cle in zip(
        ("anneeMoins1", "montantMoins1", "anneeMoins2", "montantMoins2"), cles, strict=True
    ):
        _texte(revenu, nom, source.get(f"revenu_fiscal_{cle}"))


def _ressources(
    element: ET.Element, ressources: list[Mapping[str, Any]], *, suffixe: str = ""
) -> None:
    """Received then paid resources as ``detailRessource`` (``ressource@code``, ``montant``)."""
    for liste, recue in (("listeRessourceRecue", True), ("listeRessourceVersee", False)):
        choisies = [r for r in ressources if (r["type"] in codes.RESSOURCE_RECUE) is recue]
        if choisies:
            conteneur = _element(element, liste + suffixe)
            for ressource in choisies:
                detail = _element(conteneur, "detailRessource")
                _code(detail, "ressource", ressource["type"])
                _texte(detail, "montant", ressource["montant_mensuel"])


def _foyer(parent: ET.Element, personnes: list[Mapping[str, Any]]) -> None:
    """Dependants, expected births, children in custody, then the co-holder (schema order)."""

    def liste(nom: str, role: str) -> list[tuple[ET.Element, Mapping[str, Any]]]:
        membres = [p for p in personnes if p["role"] == role]
        conteneur = _element(parent, nom) if membres else parent
        return [(conteneur, membre) for membre in membres]

    for conteneur, p in liste("listePersonneACharge", "a_charge"):
        _personne(conteneur, "personneACharge", p)
    naissances: dict[Any, int] = {}
    for p in personnes:
        if p["role"] == "a_naitre":
            prevue = p.get("date_naissance_prevue")
            naissances[prevue] = naissances.get(prevue, 0) + 1
    for prevue, nombre in naissances.items():
        a_naitre = _element(parent, "personneANaitre")
        _texte(a_naitre, "nombre", nombre)
        _texte(a_naitre, "dateNaissancePrevue", prevue)
    for conteneur, p in liste("listePersonneEnGarde", "garde_alternee"):
        garde = _element(conteneur, "personneEnGarde")
        _texte(garde, "nom", p.get("nom_naissance"))
        _texte(garde, "prenom", p.get("prenoms"))
        _texte(garde, "dateNaissance", p.get("date_naissance"))
        _code(garde, "sexe", p.get("sexe"))
        _code(garde, "coParentalite", p.get("co_parentalite"))
    for conteneur, p in liste("listeCotitulaire", "cotitulaire"):
        _personne(conteneur, "cotitulaire", p)


def _personne(parent: ET.Element, nom: str, p: Mapping[str, Any]) -> None:
    """A co-holder, a dependant, or a legal person's housed person."""
    element = _element(parent, nom)
    _identite(element, p)
    if nom == "cotitulaire":
        _code(element, "situationFamiliale", p.get("situation_familiale"))
        _code(element, "lienDemandeur", p.get("lien"))
    elif nom == "personneACharge":
        _code(element, "lienParente", p.get("lien"))
    _situation_professionnelle(element, p)
    if nom == "cotitulaire":
        _revenu_fiscal(element, p)
    if nom != "personneACharge":
        _ressources(element, p.get("ressources") or [])


def _logement_actuel(parent: ET.Element, document: Mapping[str, Any]) -> None:
    if not document.get("logement_actuel"):
        return
    logement = _element(parent, "logementActuel")
    _code(_element(logement, "listeModeleLogement"), "modeleLogement", document["logement_actuel"])
    _texte(logement, "montantMensuelLoyer", document.get("logement_actuel_loyer"))
    _texte(logement, "nombreHabitant", document.get("logement_actuel_habitants"))
    _code(logement, "categorieLogement", document.get("logement_actuel_categorie"))
    _code(logement, "typeLogementActuel", document.get("logement_actuel_type"))
    _texte(logement, "surface", document.get("logement_actuel_surface"))
    _texte(logement, "proprietaire", bool(document.get("logement_actuel_proprietaire")))
    _texte(logement, "bailleur", document.get("logement_actuel_bailleur"))


def _recherche(parent: ET.Element, document: Mapping[str, Any]) -> None:
    recherche = _element(parent, "logementRecherche")
    types = _element(recherche, "listeTypeLogement")
    for type_ in document.get("types_logement") or []:
        _code(types, "typeLogement", type_)
    _code(recherche, "categorieLogement", document.get("categorie_logement"))
    localisations = _element(recherche, "listeLocalisationSouhaite")
    for commune in document.get("communes_souhaitees") or []:
        _code(_element(localisations, "localisationSouhaite"), "commune", commune)
    _texte(recherche, "demandeElargie", bool(document.get("demande_elargie")))
    _texte(recherche, "loyerMaximum", document.get("loyer_maximum"))
