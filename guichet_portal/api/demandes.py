"""Demandes over the API: register, read (JSON or interfaceNuu), modify, renew, radiate, split."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from guichet_portal import acces, securite
from guichet_portal.api import problemes, schemas
from guichet_portal.api.contrat import XML, est_xml, operation
from guichet_portal.api.porteur import courant
from sne.interchange import echanges
from sne.interchange.lecture import lire
from sne.services import demandes, radiation


@operation(
    "POST",
    "/demandes",
    resume="Enregistrer une demande (JSON ou fichier interfaceNuu CRE) ; le numéro unique est rendu",
    portee="ecriture",
    statut=201,
    corps=schemas.EnregistrementSchema,
    reponse=schemas.DemandeEnregistreeSchema,
    xml_entree=True,
)
def enregistrer(corps: dict[str, Any] | None = None) -> Any:
    """Register from JSON, or from a CRE file through the interchange."""
    if est_xml():
        type_fichier = lire(request.get_data()).type_fichier
        if type_fichier != "CRE":
            return problemes.probleme(
                422,
                code="TYPE_FICHIER_INCORRECT",
                detail=f"Fichier de type « {type_fichier or 'aucun'} » : cette adresse enregistre "
                "une création (CRE) ; les autres fichiers se déposent sur /api/v1/fichiers.",
            )
        resultat = echanges.importer(
            acces.uow, courant().acteur, request.get_data(), aujourd_hui=securite.aujourd_hui()
        )
        if not resultat.accepte:
            return problemes.anomalies("FICHIER_REFUSE", "Fichier refusé.", resultat.anomalies)
        assert resultat.numero is not None
        return schemas.DemandeEnregistreeSchema().dump(
            demandes.consulter(acces.uow(), courant().acteur, resultat.numero)
        ), 201
    assert corps is not None
    faite = demandes.enregistrer(
        acces.uow(),
        courant().acteur,
        corps["demande"],
        aujourd_hui=securite.aujourd_hui(),
        date_depot=corps.get("date_depot"),
        forcer_doublon=corps.get("forcer_doublon"),
    )
    return schemas.DemandeEnregistreeSchema().dump(faite)


@operation(
    "GET",
    "/demandes/{numero}",
    resume="Lire une demande (JSON, ou fichier interfaceNuu avec Accept: application/xml)",
    portee="lecture",
    reponse=schemas.DemandeSchema,
    xml_sortie=True,
)
def consulter(numero: str) -> Any:
    """The demande as JSON, or as an interfaceNuu extract when the client prefers XML."""
    prefere = request.accept_mimetypes.best_match(["application/json", XML])
    if prefere == XML:
        contenu = echanges.exporter(
            acces.uow(),
            courant().acteur,
            numero,
            aujourd_hui=securite.aujourd_hui(),
            type_fichier="MOD",
        )
        return Response(contenu, mimetype=XML)
    return schemas.DemandeSchema().dump(demandes.consulter(acces.uow(), courant().acteur, numero))


@operation(
    "POST",
    "/demandes/{numero}/modification",
    resume="Modifier une demande active (document partiel)",
    portee="ecriture",
    corps=schemas.ModificationSchema,
    reponse=schemas.ModificationFaiteSchema,
)
def modifier(numero: str, corps: dict[str, Any]) -> Any:
    """Apply a partial document."""
    changements = demandes.modifier(
        acces.uow(),
        courant().acteur,
        numero,
        corps["changements"],
        justification=corps.get("justification"),
        forcer_doublon=corps.get("forcer_doublon"),
        aujourd_hui=securite.aujourd_hui(),
    )
    return {"numero": numero.replace(" ", "").upper(), "changements": changements}


@operation(
    "POST",
    "/demandes/{numero}/renouvellement",
    resume="Renouveler une demande active pour un an",
    portee="ecriture",
    reponse=schemas.DemandeEnregistreeSchema,
)
def renouveler(numero: str) -> Any:
    """Renew for one more year from today."""
    faite = demandes.renouveler(
        acces.uow(), courant().acteur, numero, aujourd_hui=securite.aujourd_hui()
    )
    return schemas.DemandeEnregistreeSchema().dump(faite)


@operation(
    "POST",
    "/demandes/{numero}/radiation",
    resume="Radier une demande active (RADATT, RADABA, RADCON, RADIRR)",
    portee="ecriture",
    corps=schemas.RadiationSchema,
    reponse=schemas.RadiationFaiteSchema,
)
def radier(numero: str, corps: dict[str, Any]) -> Any:
    """Radiate with the data the motif requires."""
    faite = radiation.radier(
        acces.uow(),
        courant().acteur,
        numero,
        corps["motif"],
        aujourd_hui=securite.aujourd_hui(),
        donnees=corps.get("donnees"),
    )
    return schemas.RadiationFaiteSchema().dump(faite)


@operation(
    "POST",
    "/demandes/{numero}/scission",
    resume="Scinder la demande d'un couple : le co-titulaire reçoit sa propre demande",
    portee="ecriture",
    statut=201,
    corps=schemas.ScissionSchema,
    reponse=schemas.DemandeEnregistreeSchema,
)
def scinder(numero: str, corps: dict[str, Any]) -> Any:
    """Split the co-holder off, keeping the joint filing date."""
    faite = radiation.scinder(
        acces.uow(),
        courant().acteur,
        numero,
        corps["demande"],
        aujourd_hui=securite.aujourd_hui(),
        justification=corps["justification"],
    )
    return schemas.DemandeEnregistreeSchema().dump(faite)
