"""The JSON shapes of the API (marshmallow): bodies are validated with them, the OpenAPI
document is generated from them. A demande's ``document`` is the Cerfa document of
``sne.services.formulaire`` (the same as ``sne register``'s JSON file), checked by the service."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

DOCUMENT = "document Cerfa de la demande (voir « Le fichier de demande » dans le README)"


class EnregistrementSchema(Schema):
    """Register a demande."""

    demande = fields.Dict(required=True, metadata={"description": DOCUMENT})
    date_depot = fields.Date(metadata={"description": "jour de réception du formulaire complet"})
    forcer_doublon = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "justification pour enregistrer malgré un doublon probable"},
    )


class ModificationSchema(Schema):
    """Modify an active demande (partial document)."""

    changements = fields.Dict(required=True, metadata={"description": "champs à changer"})
    justification = fields.String(validate=validate.Length(max=2000))
    forcer_doublon = fields.String(validate=validate.Length(min=1, max=2000))


class RadiationSchema(Schema):
    """Radiate an active demande."""

    motif = fields.String(
        required=True, validate=validate.OneOf(["RADATT", "RADABA", "RADCON", "RADIRR"])
    )
    donnees = fields.Dict(metadata={"description": "données exigées par le motif"})


class ScissionSchema(Schema):
    """Split the co-holder off a couple's demande."""

    demande = fields.Dict(required=True, metadata={"description": DOCUMENT})
    justification = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RechercheDoublonsSchema(Schema):
    """The persons to look for among the territory's active demandes."""

    personnes = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=20))


class DemandeEnregistreeSchema(Schema):
    """The numéro unique and dates of a registered, renewed or split-off demande."""

    numero = fields.String(required=True)
    date_depot = fields.Date(required=True)
    date_renouvellement = fields.Date(required=True, allow_none=True)
    date_expiration = fields.Date(required=True)


class DemandeSchema(Schema):
    """A demande as the SNE holds it."""

    numero = fields.String(required=True)
    statut = fields.String(required=True)
    territoire = fields.String(required=True)
    guichet = fields.String(required=True)
    date_depot = fields.Date(required=True)
    date_renouvellement = fields.Date(required=True, allow_none=True)
    date_expiration = fields.Date(required=True)
    date_radiation = fields.Date(required=True, allow_none=True)
    motif_radiation = fields.String(required=True, allow_none=True)
    document = fields.Dict(required=True, metadata={"description": DOCUMENT})


class ModificationFaiteSchema(Schema):
    """The fields a modification changed (before, after)."""

    numero = fields.String(required=True)
    changements = fields.Dict(required=True)


class RadiationFaiteSchema(Schema):
    """A radiation pronounced."""

    numero = fields.String(required=True)
    motif = fields.String(required=True)
    date_radiation = fields.Date(required=True)


class CandidatSchema(Schema):
    """An active demande holding a person who may be one of those looked for."""

    numero = fields.String(required=True)
    code = fields.String(required=True)
    motif = fields.String(required=True)
    confiance = fields.Float(required=True)
    role = fields.String(required=True)
    personne = fields.String(required=True)
    pour = fields.String(required=True)


class RadieeSchema(Schema):
    """A demande radiated, with its motif and date."""

    numero = fields.String(required=True)
    motif = fields.String(required=True)
    date_radiation = fields.Date(required=True)


class FichierImporteSchema(Schema):
    """An interfaceNuu file applied."""

    type_fichier = fields.String(required=True)
    numero = fields.String(required=True, allow_none=True)
    changements = fields.List(fields.String(), required=True)


class DossierDuLotSchema(Schema):
    """One dossier of a deposit."""

    index = fields.Integer(required=True)
    numero = fields.String(required=True, allow_none=True)
    statut = fields.String(required=True)
    motif = fields.String(required=True, allow_none=True)
    nb_pages = fields.Integer(required=True)
    pieces = fields.Integer(required=True)


class LotSchema(Schema):
    """A deposit of scanned PDFs and its progress."""

    id = fields.Integer(required=True)
    nom_fichier = fields.String(required=True)
    statut = fields.String(required=True)
    recu_le = fields.DateTime(required=True)
    echeance = fields.Date(required=True)
    pages_total = fields.Integer(required=True)
    pages_faites = fields.Integer(required=True)
    dossiers_total = fields.Integer(required=True)
    dossiers_faits = fields.Integer(required=True)
    erreur = fields.String(required=True, allow_none=True)
    dossiers = fields.List(fields.Nested(DossierDuLotSchema), required=True)


class PieceSchema(Schema):
    """A piece of the dossier unique."""

    id = fields.Integer(required=True)
    categorie = fields.String(required=True)
    type = fields.String(required=True)
    statut = fields.String(required=True)
    statut_libelle = fields.String(required=True)
    pages = fields.Integer(required=True)
    taille = fields.Integer(required=True)
    canal = fields.String(required=True)
    date = fields.DateTime(required=True)
    deposee_par = fields.String(required=True)
    sensible = fields.Boolean(required=True)
    contenu_visible = fields.Boolean(required=True)
    motif = fields.String(required=True, allow_none=True)


class AjoutSchema(Schema):
    """A piece added: its identifier, status and the French account of what was done."""

    nom = fields.String(required=True)
    piece_id = fields.Integer(required=True)
    statut = fields.String(required=True, allow_none=True)
    message = fields.String(required=True)
