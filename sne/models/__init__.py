"""Database models, one module per area, all re-exported here so callers write ``sne.models.X``.

``referentiel``: territories, guichets, accounts; ``demandes``: demandes, households,
radiations, history; ``doublons``: forced duplicates, merges, reports;
``numerisation``: pieces, sendings (envois), lots and notifications.
"""

from sne.models.demandes import (
    TITULAIRES,
    TITULAIRES_SQL,
    Attestation,
    Demande,
    Historique,
    Personne,
    Preavis,
    Radiation,
    Ressource,
)
from sne.models.doublons import DoublonForce, Fusion, SignalementDoublon
from sne.models.numerisation import Envoi, EnvoiDemande, Lot, LotDossier, Notification, Piece
from sne.models.public import CompteDemandeur, LienDemande
from sne.models.referentiel import Guichet, NumeroSequence, Territoire, Utilisateur

__all__ = [
    "TITULAIRES",
    "TITULAIRES_SQL",
    "Attestation",
    "CompteDemandeur",
    "Demande",
    "DoublonForce",
    "Envoi",
    "EnvoiDemande",
    "Fusion",
    "Guichet",
    "Historique",
    "LienDemande",
    "Lot",
    "LotDossier",
    "Notification",
    "NumeroSequence",
    "Personne",
    "Piece",
    "Preavis",
    "Radiation",
    "Ressource",
    "SignalementDoublon",
    "Territoire",
    "Utilisateur",
]
