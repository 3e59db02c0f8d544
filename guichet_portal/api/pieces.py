"""Pieces of a demande over the API: list, download, add one file with its declared type.

The dossier's rules are those of ``sne.services.pieces`` (the token acts as an
agent: it lists every piece of its territory's demandes, opens their content,
adds pieces through the same checks as the guichet — format by content,
recompression under 2 MB, classification against the declared type).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import request
from werkzeug.utils import secure_filename

from guichet_portal import acces, fichiers
from guichet_portal.api import problemes, schemas
from guichet_portal.api.contrat import operation
from guichet_portal.api.porteur import courant
from sne.services import pieces

FORMATS = ("application/pdf", "image/jpeg", "image/png")
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@operation(
    "GET",
    "/demandes/{numero}/pieces",
    resume="Lister les pièces justificatives d'une demande (dossier unique)",
    portee="pieces",
    reponse=schemas.PieceSchema,
    liste=True,
)
def lister(numero: str) -> Any:
    """The dossier's pieces, oldest first."""
    dossier = pieces.lister(acces.uow(), courant().acteur, numero)
    return schemas.PieceSchema(many=True).dump(dossier.pieces)


@operation(
    "GET",
    "/demandes/{numero}/pieces/{id}",
    resume="Télécharger le fichier d'une pièce (PDF ou image)",
    portee="pieces",
    sortie_fichier=FORMATS,
)
def telecharger(numero: str, id: int) -> Any:
    """The stored file, streamed."""
    fichier = pieces.ouvrir(acces.uow(), courant().acteur, numero, id, fichiers.store())
    return fichiers.flux(
        fichier.contenu, nom=fichier.nom, type_mime=fichier.type_mime, en_ligne=False
    )


@operation(
    "POST",
    "/demandes/{numero}/pieces",
    resume="Ajouter une pièce (un fichier PDF, JPEG ou PNG, 2 Mo au plus, avec son type "
    "du plan de classement en paramètre type)",
    portee="pieces",
    statut=201,
    reponse=schemas.AjoutSchema,
    fichier_entree=FORMATS,
    parametres=(
        {
            "in": "query",
            "name": "type",
            "required": True,
            "schema": {"type": "string", "maxLength": 40},
            "description": "code du type de pièce (plan de classement)",
        },
    ),
)
def ajouter(numero: str) -> Any:
    """Add the body as one piece of the declared type; a refused file gets its French reason."""
    if request.mimetype not in FORMATS:
        return problemes.probleme(
            415, detail="Envoyez le fichier tel quel : PDF, JPEG ou PNG (Content-Type)."
        )
    nom = secure_filename(request.args.get("nom") or "") or "piece" + EXTENSIONS[request.mimetype]
    with fichiers.dossier_travail() as dossier:
        chemin = Path(dossier) / nom
        chemin.write_bytes(request.get_data())
        ajout = pieces.ajouter(
            acces.uow(),
            courant().acteur,
            numero,
            [pieces.FichierAjoute(chemin=chemin, nom=nom, type=request.args.get("type", ""))],
            fichiers.store(),
            Path(dossier) / "travail",
        )[0]
    if ajout.piece_id is None:
        return problemes.probleme(
            422, code="PIECE_REFUSEE", titre="Pièce refusée", detail=ajout.message
        )
    return schemas.AjoutSchema().dump(ajout)
