"""Database models, one module per area, all re-exported here so callers write ``sne.models.X``.

``referentiel``: territories, guichets, accounts; ``demandes``: demandes, households,
radiations, history; ``doublons``: forced duplicates, merges, reports;
``numerisation``: pieces, sendings (envois), lots and notifications.
"""

from sne.models.api import AppelApi, JetonApi, ReponseIdempotente
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
from sne.models.referentiel import Guichet, NumeroSequence, Territoire, Utilisateur

__all__ = [
    "TITULAIRES",
    "TITULAIRES_SQL",
    "AppelApi",
    "Attestation",
    "Demande",
    "DoublonForce",
    "Envoi",
    "EnvoiDemande",
    "Fusion",
    "Guichet",
    "Historique",
    "JetonApi",
    "Lot",
    "LotDossier",
    "Notification",
    "NumeroSequence",
    "Personne",
    "Piece",
    "Preavis",
    "Radiation",
    "ReponseIdempotente",
    "Ressource",
    "SignalementDoublon",
    "Territoire",
    "Utilisateur",
]
