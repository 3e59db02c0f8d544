"""The interfaceNuu format as data: namespace, versions, file types, element sets.

The element names of the public reference are kept as they are (``numUnique``,
``demandeur``, ``civilite@code``, ``listeTypeLogement/typeLogement@code``…);
where the reference is silent we chose names in the same style (see the
package docstring for the full map). Each ``PERMIS_*`` table lists the children
an element accepts and whether each may repeat; anything else is an anomaly.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

NS = "http://nuu.application.i2/"
RACINE = "interfaceNuu"
VERSIONS = ("02.00", "02.01")
VERSION_COURANTE = "02.01"
#: Elements introduced by version 02.01: refused in a 02.00 file, never written in one.
ELEMENTS_0201 = frozenset({"consentementSms"})

TYPES_FICHIER: Mapping[str, str] = MappingProxyType(
    {
        "CRE": "création",
        "CRS": "création après séparation",
        "MOD": "modification",
        "REN": "renouvellement",
        "RAD": "radiation",
    }
)
#: Types of the interface this system does not take in (they come from the SNE itself).
TYPES_NON_PRIS_EN_CHARGE: Mapping[str, str] = MappingProxyType(
    {"SUP": "suppression", "DIS": "dispatching", "COP": "copie numérique des pièces"}
)
TYPES_EXPORT = ("CRE", "MOD")
#: What only an extract (no ``typeFichier``) carries: the take-over's renewal date and history.
REPRISE = frozenset({"dateDernierRenouvellement", "listeEvenement"})
#: Children of ``demandeLogement`` that make no sense for a file type.
INTERDITS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "CRE": frozenset({"numUnique", "numUniqueOrigine", "radiation"}) | REPRISE,
        "CRS": frozenset({"numUnique", "justificationDoublon", "radiation"}) | REPRISE,
        "MOD": frozenset({"numUniqueOrigine", "radiation"}) | REPRISE,
        "REN": frozenset(
            {
                "numUniqueOrigine",
                "justification",
                "justificationDoublon",
                "personnePhysique",
                "personneMorale",
                "logementRecherche",
                "radiation",
            }
        )
        | REPRISE,
        "RAD": frozenset(
            {
                "numUniqueOrigine",
                "justification",
                "justificationDoublon",
                "personnePhysique",
                "personneMorale",
                "logementRecherche",
            }
        )
        | REPRISE,
    }
)


def q(nom: str) -> str:
    """The qualified (Clark notation) name of an element of the namespace."""
    return f"{{{NS}}}{nom}"


def _permis(uniques: str = "", repetables: str = "") -> Mapping[str, bool]:
    table = dict.fromkeys(uniques.split(), False) | dict.fromkeys(repetables.split(), True)
    return MappingProxyType(table)


PERMIS_RACINE = _permis("entete demande")
PERMIS_ENTETE = _permis("typeFichier dateFichier")
PERMIS_DEMANDE = _permis("demandeLogement")
PERMIS_DEMANDE_LOGEMENT = _permis(
    "numUnique numUniqueOrigine numGuichet dateCreationDemande justification "
    "justificationDoublon personnePhysique personneMorale logementRecherche radiation "
    "dateDernierRenouvellement listeEvenement"
)
PERMIS_EVENEMENT = _permis("dateEvenement typeEvenement commentaire")
#: Person elements every person may carry (``sexe``, ``communeNaissance``, ``mineurEmancipe``,
#: ``nomPatronymique``… are only written when known).
_PERSONNE = (
    "civilite nom nomPatronymique prenom dateNaissance sexe communeNaissance nationalite "
    "mineurEmancipe situationProfessionnelle listeRessourceRecue listeRessourceVersee"
)
_CONTACTS = "adressePostale telPortable telFixe mel consentementSms"
_FOYER = "listeCotitulaire listePersonneACharge listePersonneEnGarde"
PERMIS_PERSONNE = _permis(_PERSONNE)
PERMIS_DEMANDEUR_PHYSIQUE = _permis(
    f"{_PERSONNE} {_CONTACTS} situationFamiliale revenuFiscal "
    "listeRessourceRecuePersACharge listeRessourceVerseePersACharge"
)
PERMIS_COTITULAIRE = _permis(f"{_PERSONNE} lienDemandeur situationFamiliale revenuFiscal")
PERMIS_PERSONNE_A_CHARGE = _permis(f"{_PERSONNE} lienParente")
#: Children in shared custody: no names in real files (``nom``/``prenom`` are ours, optional).
PERMIS_PERSONNE_EN_GARDE = _permis("nom prenom dateNaissance sexe coParentalite")
PERMIS_PERSONNE_A_NAITRE = _permis("nombre dateNaissancePrevue")
PERMIS_PERSONNE_PHYSIQUE = _permis(
    f"demandeur {_FOYER} logementActuel listeMotif precisionMotif handicap", "personneANaitre"
)
PERMIS_PERSONNE_MORALE = _permis(
    f"raisonSociale siret {_CONTACTS} demandeur {_FOYER}", "personneANaitre"
)
PERMIS_ADRESSE = _permis("etranger numero voie complement codePostal commune libelleCommune pays")
PERMIS_REVENU_FISCAL = _permis("anneeMoins1 montantMoins1 anneeMoins2 montantMoins2")
PERMIS_SITUATION_PRO = _permis(
    "profession typeContratTravail nomEmployeurPrincipal etranger codePostal commune libelleCommune"
)
PERMIS_DETAIL_RESSOURCE = _permis("ressource montant")
PERMIS_LOGEMENT_ACTUEL = _permis(
    "listeModeleLogement montantMensuelLoyer nombreHabitant categorieLogement "
    "typeLogementActuel surface proprietaire bailleur"
)
PERMIS_HANDICAP = _permis(
    "logementAdapte fauteuilRoulant precision etat capaciteMarche natureMotrice "
    "natureSensorielle listeAideTechnique listeEquipement"
)
#: The disability's two questions (names of ours), OUI/NON/NONDOC: element → document key.
OUI_NON_HANDICAP = {
    "logementAdapte": "handicap_logement_adapte",
    "fauteuilRoulant": "handicap_fauteuil_roulant",
}
#: The disability's codes (names of ours): element → document key (tables: sne.codes).
CODES_HANDICAP = {
    "etat": "handicap_etat",
    "capaciteMarche": "handicap_capacite_marche",
    "natureMotrice": "handicap_moteur",
    "natureSensorielle": "handicap_sensoriel",
}
#: The disability's lists (ours): list element → (item element, document key).
LISTES_HANDICAP = {
    "listeAideTechnique": ("aideTechnique", "handicap_aides_techniques"),
    "listeEquipement": ("equipement", "handicap_equipements"),
}
PERMIS_RECHERCHE = _permis(
    "listeTypeLogement categorieLogement listeLocalisationSouhaite demandeElargie loyerMaximum"
)
PERMIS_LOCALISATION = _permis("commune")
PERMIS_RADIATION = _permis("motif sousMotif dateAvertissement commentaire logementAttribue")
#: An extract's radiation (a take-over of a radiated demande) adds its date, in a name of ours.
PERMIS_RADIATION_REPRISE = MappingProxyType({**PERMIS_RADIATION, **_permis("dateRadiation")})
PERMIS_ATTRIBUTION = _permis(
    "adresse codePostal libelleCommune identifiantRpls zusQpv surface typologie "
    "reservataire statutDalo typologieDalo accordCollectif dateBail bailleur"
)

#: Resource lists: list element, received (True) or paid, of the dependants (True) or not.
LISTES_RESSOURCES = (
    ("listeRessourceRecue", True, False),
    ("listeRessourceVersee", False, False),
    ("listeRessourceRecuePersACharge", True, True),
    ("listeRessourceVerseePersACharge", False, True),
)

#: Order of the persons in an imported document (and of the elements in an exported file).
ORDRE_ROLES = ("demandeur", "cotitulaire", "a_charge", "a_naitre", "garde_alternee")

#: Radiation data: element under ``radiation/logementAttribue`` → key of ``radier``'s data.
ATTRIBUTION = (
    ("adresse", "logement_adresse"),
    ("codePostal", "logement_code_postal"),
    ("libelleCommune", "logement_commune"),
    ("identifiantRpls", "logement_rpls"),
    ("zusQpv", "logement_zus_qpv"),
    ("surface", "logement_surface"),
    ("typologie", "logement_typologie"),
    ("reservataire", "reservataire"),
    ("statutDalo", "statut_dalo"),
    ("typologieDalo", "typologie_dalo"),
    ("accordCollectif", "accord_collectif"),
    ("dateBail", "date_bail"),
    ("bailleur", "bailleur"),
)
