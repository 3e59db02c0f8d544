"""Who acts: the ``Acteur`` passed to every service, and which role may do what.

Permissions are checked in the services (not only in the portals) so that the
command line, the portals and the workers obey the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sne.errors import HORS_TERRITOIRE, Forbidden, NotFound
from sne.models import Utilisateur

#: Which roles may perform each action; territory is checked separately.
PERMISSIONS: dict[str, frozenset[str]] = {
    "enregistrer": frozenset({"agent_guichet"}),
    "modifier": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "modifier_identite": frozenset({"agent_guichet"}),
    "renouveler": frozenset({"agent_guichet"}),
    "radier": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "reactiver": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "scinder": frozenset({"agent_guichet"}),
    "consulter": frozenset(
        {
            "agent_guichet",
            "gestionnaire_territorial",
            "consultant_liste",
            "consultant_standard",
            "consultant_complet",
            "administrateur",
        }
    ),
    "cycle_quotidien": frozenset({"systeme", "administrateur"}),
    "gerer_territoires": frozenset({"administrateur"}),
    "gerer_guichets": frozenset({"administrateur", "gestionnaire_territorial"}),
    "gerer_utilisateurs": frozenset({"administrateur", "gestionnaire_territorial"}),
    "rechercher_doublons": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "signaler_doublon": frozenset({"agent_guichet"}),
    "balayer_doublons": frozenset({"gestionnaire_territorial"}),
    "fusionner": frozenset({"gestionnaire_territorial"}),
    "corriger_identite": frozenset({"gestionnaire_territorial"}),
    "suivre_doublons_forces": frozenset({"gestionnaire_territorial"}),
    "traiter_signalements": frozenset({"gestionnaire_territorial"}),
    # Pieces, envois and deposits (who reads a piece's content: sne.services.pieces).
    "consulter_pieces": frozenset(
        {
            "agent_guichet",
            "gestionnaire_territorial",
            "consultant_liste",
            "consultant_standard",
            "consultant_complet",
            "administrateur",
        }
    ),
    "marquer_piece": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "ajouter_pieces": frozenset({"agent_guichet"}),
    "preparer_envoi": frozenset({"agent_guichet"}),
    "suivre_envois": frozenset({"agent_guichet", "gestionnaire_territorial"}),
    "deposer_pieces": frozenset({"agent_guichet"}),
    "reprendre": frozenset({"administrateur"}),
    "resoudre_numerisation": frozenset({"operateur_numerisation", "administrateur"}),
    "exploiter_numerisation": frozenset({"operateur_numerisation", "administrateur"}),
    "signaler_incident": frozenset({"agent_guichet"}),
    "traiter_incidents": frozenset({"operateur_numerisation", "administrateur"}),
    "suivre_indicateurs": frozenset({"gestionnaire_territorial", "administrateur"}),
    "rafraichir_indicateurs": frozenset({"systeme", "administrateur"}),
    "consulter_cus": frozenset({"agent_guichet", "gestionnaire_territorial", "administrateur"}),
    "gerer_seuils_cus": frozenset({"gestionnaire_territorial"}),
    "gerer_jetons": frozenset({"gestionnaire_territorial", "administrateur"}),
    "auditer": frozenset({"gestionnaire_territorial", "administrateur"}),
    "traiter_reclamations": frozenset({"gestionnaire_territorial"}),
}

ACTIONS_LIBELLES = {
    "enregistrer": "enregistrer une demande",
    "modifier": "modifier une demande",
    "modifier_identite": "modifier l'identité d'un demandeur",
    "renouveler": "renouveler une demande",
    "radier": "radier une demande",
    "reactiver": "réactiver une demande",
    "scinder": "scinder une demande",
    "consulter": "consulter une demande",
    "cycle_quotidien": "lancer le traitement quotidien",
    "gerer_territoires": "gérer les territoires",
    "gerer_guichets": "gérer les guichets",
    "gerer_utilisateurs": "gérer les comptes",
    "rechercher_doublons": "rechercher les doublons",
    "signaler_doublon": "signaler un doublon",
    "balayer_doublons": "rechercher les doublons de tout un territoire",
    "fusionner": "fusionner des demandes",
    "corriger_identite": "corriger le nom d'un demandeur",
    "suivre_doublons_forces": "suivre les doublons forcés",
    "traiter_signalements": "traiter les signalements de doublons",
    "consulter_pieces": "consulter les pièces d'une demande",
    "marquer_piece": "marquer une pièce",
    "ajouter_pieces": "ajouter des pièces à une demande",
    "preparer_envoi": "préparer un envoi de pièces",
    "suivre_envois": "suivre les envois de pièces",
    "deposer_pieces": "déposer des pièces numérisées",
    "reprendre": "reprendre les demandes d'un autre système",
    "resoudre_numerisation": "résoudre ce que la numérisation a mis de côté",
    "exploiter_numerisation": "utiliser la console de numérisation",
    "signaler_incident": "signaler un incident de numérisation",
    "traiter_incidents": "répondre aux incidents de numérisation",
    "suivre_indicateurs": "suivre les indicateurs des guichets",
    "rafraichir_indicateurs": "recalculer les indicateurs",
    "consulter_cus": "consulter les tableaux CUS des attributions",
    "gerer_seuils_cus": "saisir les seuils du premier quartile",
    "gerer_jetons": "gérer les jetons d'accès aux services web",
    "auditer": "consulter le journal d'audit",
    "traiter_reclamations": "traiter les réclamations sur les radiations",
}


@dataclass(frozen=True)
class Acteur:
    """The person (or the system) on whose behalf a service runs."""

    utilisateur_id: int | None
    login: str
    role: str
    territoire_code: str | None
    guichet_id: int | None = None
    guichet_code: str | None = None

    def peut(self, action: str) -> bool:
        """Tell whether the role allows ``action`` (territory aside)."""
        return self.role in PERMISSIONS[action]

    def exiger(self, action: str, territoire_code: str | None = None) -> None:
        """Raise ``Forbidden`` unless the role allows ``action`` on ``territoire_code``."""
        if not self.peut(action):
            raise Forbidden(f"Le rôle « {self.role} » ne permet pas de {ACTIONS_LIBELLES[action]}.")
        national = self.role in {"systeme", "administrateur"}
        if territoire_code is not None and not national and self.territoire_code != territoire_code:
            raise Forbidden(
                f"Votre compte est rattaché au territoire {self.territoire_code} : "
                f"vous ne pouvez pas {ACTIONS_LIBELLES[action]} du territoire {territoire_code}.",
                code=HORS_TERRITOIRE,
            )


# The built-in actors: nobody signs in as them, and each is traced under its own login.
#: The system itself, for scheduled work (the cycle quotidien, batch processing).
SYSTEME = Acteur(utilisateur_id=None, login="systeme", role="systeme", territoire_code=None)
#: The command line's administrator, when a command is run without ``--as``.
ADMIN_CLI = Acteur(utilisateur_id=None, login="cli", role="administrateur", territoire_code=None)
#: The public portal, acting for an applicant it has authenticated.
PORTAIL = Acteur(utilisateur_id=None, login="portail", role="systeme", territoire_code=None)


def acteur_pour(session: Session, login: str) -> Acteur:
    """Load the active account ``login`` as an ``Acteur`` (its guichet gives its territory)."""
    user = session.scalar(select(Utilisateur).where(Utilisateur.login == login))
    if user is None:
        raise NotFound(f"Aucun compte « {login} ».")
    if not user.actif:
        raise Forbidden(f"Le compte « {login} » est fermé.")
    guichet = user.guichet
    if guichet is not None and not guichet.actif:
        raise Forbidden(f"Le guichet {guichet.code} du compte « {login} » est fermé.")
    return acteur_de(user)


def acteur_de(user: Utilisateur) -> Acteur:
    """The ``Acteur`` of a loaded account (its guichet, loaded with it, gives its territory)."""
    guichet = user.guichet
    return Acteur(
        utilisateur_id=user.id,
        login=user.login,
        role=user.role,
        territoire_code=guichet.territoire_code if guichet else user.territoire_code,
        guichet_id=guichet.id if guichet else None,
        guichet_code=guichet.code if guichet else None,
    )
