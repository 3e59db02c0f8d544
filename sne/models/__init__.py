"""Database models, one module per area, all re-exported here so callers write ``sne.models.X``.

``referentiel``: territories, guichets, accounts; ``demandes``: demandes, households,
radiations, history; ``doublons``: forced duplicates, merges, reports;
``numerisation``: pieces, sendings (envois), lots and notifications.
``indicateurs``: the daily snapshot of indicators and the CUS thresholds.
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
from sne.models.doublons import DoublonEcarte, DoublonForce, Fusion, SignalementDoublon
from sne.models.incidents import Incident
from sne.models.indicateurs import IndicateurMois, ReleveIndicateurs, SeuilQuartile
from sne.models.numerisation import Envoi, EnvoiDemande, Lot, LotDossier, Notification, Piece
from sne.models.public import BrouillonDemande, CompteDemandeur, DemandeEnLigne, LienDemande
from sne.models.referentiel import Guichet, NumeroSequence, Territoire, Utilisateur
from sne.models.resolution import LotPage

__all__ = [
    "TITULAIRES",
    "TITULAIRES_SQL",
    "AppelApi",
    "Attestation",
    "BrouillonDemande",
    "CompteDemandeur",
    "Demande",
    "DemandeEnLigne",
    "DoublonEcarte",
    "DoublonForce",
    "Envoi",
    "EnvoiDemande",
    "Fusion",
    "Guichet",
    "Historique",
    "Incident",
    "IndicateurMois",
    "JetonApi",
    "LienDemande",
    "Lot",
    "LotDossier",
    "LotPage",
    "Notification",
    "NumeroSequence",
    "Personne",
    "Piece",
    "Preavis",
    "Radiation",
    "ReleveIndicateurs",
    "ReponseIdempotente",
    "Ressource",
    "SeuilQuartile",
    "SignalementDoublon",
    "Territoire",
    "Utilisateur",
]
