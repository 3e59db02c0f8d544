"""Duplicates: one applicant, one demand per territory.

``controle``: the check at registration and forced duplicates noted;
``balayage``: the territorial sweep; ``groupe`` and ``fusion``: merges;
``correction``: name corrections; ``forcages``: forced duplicates per guichet;
``signalements``: the guichets' reports. Re-exported here: callers write
``doublons.fusionner(...)``.
"""

from sne.services.doublons.balayage import GroupeDoublons, Lien, MembreDoublon, balayer
from sne.services.doublons.comparaison import Comparaison, comparer
from sne.services.doublons.controle import (
    Candidat,
    DoublonProbable,
    candidats,
    controler,
    identites_touchees,
    noter_forcage,
    rechercher,
)
from sne.services.doublons.correction import CorrectionFaite, corriger_identite
from sne.services.doublons.ecartes import ecarter
from sne.services.doublons.forcages import (
    ForcagesGuichet,
    SuiviForcages,
    compter_forcages,
    suivre_forcages,
)
from sne.services.doublons.fusion import FusionFaite, fusionner
from sne.services.doublons.signalements import (
    SignalementVue,
    clore_signalement,
    lister_signalements,
    signaler,
)

__all__ = [
    "Candidat",
    "Comparaison",
    "CorrectionFaite",
    "DoublonProbable",
    "ForcagesGuichet",
    "FusionFaite",
    "GroupeDoublons",
    "Lien",
    "MembreDoublon",
    "SignalementVue",
    "SuiviForcages",
    "balayer",
    "candidats",
    "clore_signalement",
    "comparer",
    "compter_forcages",
    "controler",
    "corriger_identite",
    "ecarter",
    "fusionner",
    "identites_touchees",
    "lister_signalements",
    "noter_forcage",
    "rechercher",
    "signaler",
    "suivre_forcages",
]
