"""Plain inputs of the printed documents: filled by the services, no database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Where paper pieces are mailed when no address is configured (demonstration value).
ADRESSE_NUMERISATION: tuple[str, ...] = (
    "GIP SNE – Service de numérisation des pièces",
    "Demande de logement social",
    "TSA 00000",
    "77214 AVON CEDEX",
)

COMMENT_RENOUVELER = (
    "Vous pouvez renouveler votre demande sur le site www.demande-logement-social.gouv.fr "
    "avec votre numéro unique, ou auprès de tout guichet enregistreur de votre département. "
    "Un mois au moins avant la date d'expiration, vous recevrez un avis de renouvellement "
    "(par courriel si vous nous avez donné votre adresse, sinon par courrier). Pensez à "
    "mettre à jour votre situation (ressources, composition du foyer, adresse) à cette occasion."
)


@dataclass(frozen=True)
class GuichetData:
    """The registering service as printed: name, code and postal address."""

    code: str
    nom: str
    adresse: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttestationData:
    """Everything R.441-2-4 CCH asks an attestation to show, for one demand."""

    numero: str
    renouvellement: bool
    civilite: str
    nom: str
    prenoms: str
    date_naissance: date
    adresse: tuple[str, ...]
    guichet: GuichetData
    territoire: str
    date_depot: date
    date_renouvellement: date | None
    date_expiration: date
    date_emission: date
    comment_renouveler: str = COMMENT_RENOUVELER
    radiee: bool = False
    #: Délai anormalement long of the département (L.441-1-4 CCH), in months, if known.
    delai_anormalement_long_mois: int | None = None


@dataclass(frozen=True)
class FicheData:
    """One demand of a paper sending, as declared by the agent."""

    nom: str
    prenoms: str
    date_naissance: date
    numero: str
    nb_documents: int
    nb_pages: int  # including the fiche itself
    date_remplissage: date
    guichet: GuichetData


@dataclass(frozen=True)
class LigneBordereau:
    """One dossier listed on a bordereau."""

    numero: str
    nom: str
    nb_pages: int  # including its fiche


@dataclass(frozen=True)
class BordereauData:
    """A whole paper sending from one guichet."""

    envoi: str
    guichet: GuichetData
    departement: str
    nb_dossiers: int
    nb_pages: int  # including the fiches and the bordereau
    date_transmission: date
    lignes: tuple[LigneBordereau, ...] = ()
