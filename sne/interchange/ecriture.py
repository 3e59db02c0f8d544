"""Write a demande document as an interfaceNuu CRE or MOD file (the inverse of ``lecture``).

Contract: a document of the ``sne.services.formulaire`` shape in, UTF-8 bytes
out, with the elements in the order the package docstring lists. Empty values
are left out; ``demandeElargie`` is always written. Persons are written grouped
by role (demandeur, co-titulaires, personnes à charge, enfants à naître,
enfants en garde), received resources before paid ones. A 02.00 file cannot
carry ``consentementSms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from sne import codes
from sne.interchange import format as f


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
    type_fichier: str,
    version: str,
    date_fichier: date,
    guichet: str,
    numero: str | None = None,
    date_creation: date | None = None,
    justification: str | None = None,
) -> bytes:
    """Serialise ``document`` as a ``type_fichier`` (CRE or MOD) file of interface ``version``."""
    if type_fichier not in f.TYPES_EXPORT:
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
        _personne(personne, "demandeur", personnes[0], document=document, version=version)
        _foyer(personne, personnes[1:])
        _logement_actuel(personne, document)
        if document.get("motifs"):
            liste = _element(personne, "listeMotif")
            for motif in document["motifs"]:
                _code(liste, "motif", motif)
        _texte(personne, "precisionMotif", document.get("motif_precision"))
        if any(
            document.get(c)
            for c in ("handicap_logement_adapte", "handicap_fauteuil_roulant", "handicap_precision")
        ):
            handicap = _element(personne, "handicap")
            _texte(handicap, "logementAdapte", document.get("handicap_logement_adapte") or None)
            _texte(handicap, "fauteuilRoulant", document.get("handicap_fauteuil_roulant") or None)
            _texte(handicap, "precision", document.get("handicap_precision"))
    _recherche(dl, document)
    ET.indent(racine)
    corps = ET.tostring(racine, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{corps}\n'.encode()


def _contacts(parent: ET.Element, document: Mapping[str, Any], version: str) -> None:
    adresse = _element(parent, "adressePostale")
    for nom, cle in (
        ("ligne1", "adresse_ligne1"),
        ("ligne2", "adresse_ligne2"),
        ("codePostal", "code_postal"),
        ("libelleCommune", "commune"),
        ("pays", "pays"),
    ):
        _texte(adresse, nom, document.get(cle))
    _texte(parent, "telPortable", document.get("telephone_portable"))
    _texte(parent, "telFixe", document.get("telephone_fixe"))
    _texte(parent, "mel", document.get("email"))
    if version != "02.00" and document.get("consentement_sms"):
        _texte(parent, "consentementSms", True)


def _foyer(parent: ET.Element, personnes: list[Mapping[str, Any]]) -> None:
    """Co-holders, dependants, expected births, then children in shared custody."""

    def liste(nom: str, item: str, role: str) -> None:
        membres = [p for p in personnes if p["role"] == role]
        if membres:
            element = _element(parent, nom)
            for membre in membres:
                _personne(element, item, membre)

    liste("listeCotitulaire", "cotitulaire", "cotitulaire")
    liste("listePersonneACharge", "personneACharge", "a_charge")
    for personne in personnes:
        if personne["role"] == "a_naitre":
            _personne(parent, "personneANaitre", personne)
    liste("listePersonneEnGarde", "personneEnGarde", "garde_alternee")


def _personne(
    parent: ET.Element,
    nom: str,
    p: Mapping[str, Any],
    *,
    document: Mapping[str, Any] | None = None,
    version: str = f.VERSION_COURANTE,
) -> None:
    element = _element(parent, nom)
    _code(element, "civilite", p.get("civilite"))
    _texte(element, "nom", p.get("nom_naissance"))
    _texte(element, "nomUsage", p.get("nom_usage"))
    _texte(element, "prenom", p.get("prenoms"))
    _texte(element, "dateNaissance", p.get("date_naissance"))
    _texte(element, "dateNaissancePrevue", p.get("date_naissance_prevue"))
    _texte(element, "communeNaissance", p.get("commune_naissance"))
    _code(element, "nationalite", p.get("nationalite"))
    _code(element, "lien", p.get("lien"))
    _texte(element, "mineurEmancipe", p.get("mineur_emancipe") or None)
    if document is not None:
        _code(element, "situationFamiliale", document.get("situation_familiale"))
        _contacts(element, document, version)
    pro = {c: p.get(c) for c in ("contrat_travail", "profession", "employeur", "commune_travail")}
    if any(pro.values()):
        situation = _element(element, "situationProfessionnelle")
        _code(situation, "contratTravail", pro["contrat_travail"])
        _texte(situation, "profession", pro["profession"])
        _texte(situation, "employeur", pro["employeur"])
        _texte(situation, "communeTravail", pro["commune_travail"])
    if document is not None and (
        document.get("revenu_fiscal_n1") is not None or document.get("revenu_fiscal_n2") is not None
    ):
        revenu = _element(element, "revenuFiscal")
        _texte(revenu, "revenuN1", document.get("revenu_fiscal_n1"))
        _texte(revenu, "revenuN2", document.get("revenu_fiscal_n2"))
    ressources = p.get("ressources") or []
    for liste, item, recue in (
        ("listeRessourceRecue", "ressourceRecue", True),
        ("listeRessourceVersee", "ressourceVersee", False),
    ):
        choisies = [r for r in ressources if (r["type"] in codes.RESSOURCE_RECUE) is recue]
        if choisies:
            conteneur = _element(element, liste)
            for ressource in choisies:
                _texte(
                    _element(conteneur, item, ressource["type"]),
                    "montantMensuel",
                    ressource["montant_mensuel"],
                )


def _logement_actuel(parent: ET.Element, document: Mapping[str, Any]) -> None:
    if not document.get("logement_actuel"):
        return
    logement = _element(parent, "logementActuel", document["logement_actuel"])
    _texte(logement, "bailleur", document.get("logement_actuel_bailleur"))
    _texte(logement, "loyer", document.get("logement_actuel_loyer"))
    _texte(logement, "surface", document.get("logement_actuel_surface"))
    _code(logement, "typeLogement", document.get("logement_actuel_type"))


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
