"""interfaceNuu files over the API: CRE, CRS, MOD, REN and RAD applied through the services."""

from __future__ import annotations

from typing import Any

from flask import request

from guichet_portal import acces, securite
from guichet_portal.api import problemes, schemas
from guichet_portal.api.contrat import est_xml, operation
from guichet_portal.api.porteur import courant
from sne.interchange import echanges


@operation(
    "POST",
    "/fichiers",
    resume="Appliquer un fichier interfaceNuu (CRE, CRS, MOD, REN ou RAD) ; toutes ses anomalies "
    "sont rendues en cas de refus",
    portee="ecriture",
    reponse=schemas.FichierImporteSchema,
    xml_entree=True,
)
def importer() -> Any:
    """Import the file whole or not at all."""
    if not est_xml():
        return problemes.probleme(
            415, detail="Envoyez le fichier interfaceNuu tel quel (Content-Type: application/xml)."
        )
    resultat = echanges.importer(
        acces.uow, courant().acteur, request.get_data(), aujourd_hui=securite.aujourd_hui()
    )
    if not resultat.accepte:
        return problemes.anomalies(
            "FICHIER_REFUSE",
            f"Fichier refusé : {len(resultat.anomalies)} anomalie(s) ; rien n'a été enregistré.",
            resultat.anomalies,
        )
    return {
        "type_fichier": resultat.type_fichier,
        "numero": resultat.numero,
        "changements": list(resultat.changements),
    }
