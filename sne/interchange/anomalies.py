"""Anomalies of an interfaceNuu file: a stable code, the element path and a French text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

#: Codes raised by the reading of a file; a refusal by a service keeps its own code
#: (``DONNEES_INVALIDES``, ``DOUBLON_PROBABLE``, ``JUSTIFICATION_REQUISE``, ``NUMERO_INCONNU``…).
CODES: Mapping[str, str] = MappingProxyType(
    {
        "FICHIER_TROP_GROS": "fichier au-delà de la taille admise",
        "FICHIER_ILLISIBLE": "pas un XML bien formé",
        "DOCTYPE_INTERDIT": "déclaration DOCTYPE ou ENTITY (refusée avant toute lecture)",
        "ESPACE_NOMS_INCORRECT": "racine hors de l'espace de noms http://nuu.application.i2/",
        "RACINE_INCORRECTE": "racine autre que interfaceNuu",
        "VERSION_INCONNUE": "versionInterface absente ou autre que 02.00 et 02.01",
        "TYPE_FICHIER_INCONNU": "typeFichier hors de la liste de l'interface",
        "TYPE_FICHIER_NON_PRIS_EN_CHARGE": "SUP, DIS ou COP : émis par le SNE, pas reçu",
        "EXTRAIT_NON_IMPORTABLE": "extrait sans typeFichier : lu, mais rien à enregistrer",
        "ELEMENT_INCONNU": "élément inconnu à cet endroit (ou d'un autre espace de noms)",
        "ELEMENT_MANQUANT": "élément ou attribut code obligatoire absent ou vide",
        "ELEMENT_REPETE": "élément unique présent plusieurs fois",
        "ELEMENT_INTERDIT": "élément sans objet pour ce type de fichier",
        "ELEMENT_NON_STOCKABLE": "élément lu que la demande ne peut pas conserver (jamais ignoré)",
        "ATTRIBUT_INCONNU": "attribut non prévu",
        "CONTENU_INATTENDU": "texte dans un élément qui n'en porte pas",
        "CODE_INCONNU": "code hors de la liste de l'interface",
        "VALEUR_INVALIDE": "date, nombre, booléen ou identifiant mal formé",
        "NUMERO_INVALIDE": "numéro unique mal formé",
        "GUICHET_INCOHERENT": "numGuichet autre que le guichet du compte qui importe",
        "DATE_FICHIER_FUTURE": "dateFichier postérieure au jour de l'import",
        "DATE_CREATION_INCOHERENTE": "dateCreationDemande autre que la date de dépôt enregistrée",
    }
)


@dataclass(frozen=True)
class Anomalie:
    """One problem found in a file: where (element path) and what, in French."""

    code: str
    chemin: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.chemin} : {self.message}"
