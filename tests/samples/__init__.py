"""Sample files shared by tests (one per case) and what reading each broken one must report."""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: interfaceNuu samples, one file per case.
NUU: Final = Path(__file__).resolve().parent / "interfacenuu"

_DL = "/interfaceNuu/demande/demandeLogement"
_PP = f"{_DL}/personnePhysique"

#: Broken interfaceNuu samples and their anomalies (code, element path), in order.
ANOMALIES_NUU: Final[dict[str, list[tuple[str, str]]]] = {
    "erreur_element_inconnu.xml": [("ELEMENT_INCONNU", f"{_PP}/demandeur/numeroAllocataire")],
    "erreur_element_obligatoire_absent.xml": [
        ("ELEMENT_MANQUANT", f"{_PP}/demandeur/dateNaissance"),
        (
            "ELEMENT_MANQUANT",
            f"{_DL}/logementRecherche/listeLocalisationSouhaite/localisationSouhaite",
        ),
    ],
    "erreur_code_inconnu.xml": [
        ("CODE_INCONNU", f"{_PP}/demandeur/civilite/@code"),
        ("CODE_INCONNU", f"{_DL}/logementRecherche/listeTypeLogement/typeLogement[2]/@code"),
        (
            "CODE_INCONNU",
            f"{_DL}/logementRecherche/listeLocalisationSouhaite/localisationSouhaite[3]/commune/@code",
        ),
    ],
    "erreur_0200_consentement_sms.xml": [("ELEMENT_INCONNU", f"{_PP}/demandeur/consentementSms")],
    "erreur_espace_de_noms.xml": [("ESPACE_NOMS_INCORRECT", "/interfaceNuu")],
    "erreur_version_inconnue.xml": [("VERSION_INCONNUE", "/interfaceNuu/@versionInterface")],
    "erreur_doctype_entites.xml": [("DOCTYPE_INTERDIT", "/")],
    "erreur_entite_externe.xml": [("DOCTYPE_INTERDIT", "/")],
    "erreur_pas_du_xml.csv": [("FICHIER_ILLISIBLE", "/")],
    "erreur_element_non_stockable.xml": [
        (
            "ELEMENT_NON_STOCKABLE",
            f"{_PP}/demandeur/listeRessourceRecuePersACharge/detailRessource[1]",
        ),
        ("ELEMENT_NON_STOCKABLE", f"{_PP}/logementActuel/listeModeleLogement/modeleLogement[2]"),
    ],
    "erreur_entete_et_corps.xml": [
        ("VERSION_INCONNUE", "/interfaceNuu/@versionInterface"),
        ("TYPE_FICHIER_INCONNU", "/interfaceNuu/entete/typeFichier"),
        ("CODE_INCONNU", f"{_PP}/listePersonneACharge/personneACharge[1]/sexe/@code"),
    ],
}


def sample_nuu(nom: str) -> bytes:
    """The bytes of the interfaceNuu sample ``nom``."""
    return (NUU / nom).read_bytes()
