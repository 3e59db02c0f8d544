"""Pieces an applicant sends from the public portal: checked at once, then queued one lot each.

The account must be linked to the demande (``espace_demandeur.demande_liee``:
404 otherwise) and the demande active. Each file goes through the intake check
of the ``portail_demandeur`` channel (``lots.deposer``: PDF, JPEG or PNG by
content; a PDF whole and not protected by a password): a refused file gets its
French reason at once and nothing of it is recorded or stored. An accepted file
becomes a lot of one piece for the demande, queued; the job
(``workers.jobs.traiter_televersement``) brings it under 2 MB with the
recompression ladder, classifies it, attaches it and mails the applicant the
result, a late refusal included (still too heavy after the ladder, blank or
unreadable), with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanning.plan import CATEGORIES_PAR_CODE, TYPES
from sne.acteurs import PORTAIL
from sne.documents.data import ADRESSE_NUMERISATION
from sne.errors import SneError
from sne.services import lots
from sne.services.demandes import exiger_active
from sne.services.espace_demandeur import demande_liee
from sne.stockage import FileStore
from sne.uow import UnitOfWork

#: Most files sent at once (one piece each).
MAX_FICHIERS = 5
#: Where paper pieces go: the digitiser's address printed on the attestation's page 1.
ADRESSE_PAPIER = ADRESSE_NUMERISATION
#: The plan de classement in an applicant's words: what the paper is, then its family.
MOTS_SIMPLES = {
    "carte_identite": "Carte d'identité",
    "passeport": "Passeport",
    "titre_sejour": "Titre de séjour (carte de séjour, récépissé)",
    "livret_famille": "Livret de famille",
    "acte_naissance": "Acte de naissance",
    "jugement_divorce": "Jugement de divorce ou de séparation",
    "attestation_pacs": "Attestation de PACS",
    "certificat_grossesse": "Certificat de grossesse",
    "contrat_travail": "Contrat de travail",
    "attestation_employeur": "Attestation de votre employeur",
    "attestation_france_travail": "Attestation France Travail (ex-Pôle emploi)",
    "carte_etudiant": "Carte d'étudiant",
    "avis_imposition": "Avis d'impôt sur le revenu",
    "bulletin_salaire": "Fiche de paie (bulletin de salaire)",
    "attestation_caf": "Attestation de la CAF (allocations)",
    "attestation_pension": "Attestation de retraite",
    "quittance_loyer": "Quittance de loyer (reçu du loyer payé)",
    "bail": "Bail (contrat de location)",
    "certificat_hebergement": "Attestation d'hébergement (vous êtes logé chez quelqu'un)",
    "jugement_expulsion": "Jugement d'expulsion",
    "certificat_medical": "Certificat médical",
    "carte_mobilite_inclusion": "Carte mobilité inclusion (CMI)",
    "decision_mdph": "Décision de la MDPH (handicap)",
    "autre": "Autre document",
}
#: The choices of the form: plain name, then its family in brackets, in the plan's order.
TYPES_SIMPLES = {
    t.code: f"{MOTS_SIMPLES.get(t.code, t.libelle)} — {CATEGORIES_PAR_CODE[t.categorie].libelle}"
    for t in TYPES
}
#: Refusal reasons of the intake check reworded for an applicant (by stable code).
REFUS_SIMPLES = {
    "DEPOT_PDF_CHIFFRE": (
        "ce PDF est protégé par un mot de passe. Enregistrez-le sans mot de passe, "
        "ou envoyez une photo du document."
    ),
    "DEPOT_PDF_INCOMPLET": (
        "ce PDF est incomplet ou abîmé (envoi interrompu ?). Enregistrez-le de nouveau, "
        "puis renvoyez-le."
    ),
    "DEPOT_PDF_CORROMPU": "ce PDF est abîmé et ne peut pas être ouvert. Enregistrez-le de nouveau.",
    "DEPOT_ILLISIBLE": "ce fichier ne peut pas être lu. Enregistrez-le de nouveau.",
}


class EnvoiInvalide(SneError):
    """A sending of pieces that cannot be taken at all (no file, too many, a type missing)."""

    code = "ENVOI_PIECES_INVALIDE"


@dataclass(frozen=True)
class FichierEnvoye:
    """One file the applicant sends, with the type of piece they chose (its code)."""

    chemin: Path
    nom: str
    type: str


@dataclass(frozen=True)
class Resultat:
    """What became of one file: queued for processing (``lot_id``) or refused, in French."""

    nom: str
    type_libelle: str
    lot_id: int | None
    message: str

    @property
    def accepte(self) -> bool:
        """True when the file was taken in (its final result is mailed)."""
        return self.lot_id is not None


def envoyer(
    uow: UnitOfWork,
    compte_id: int,
    numero: str,
    fichiers: Sequence[FichierEnvoye],
    storage: FileStore,
    enqueue: lots.Enqueue,
) -> list[Resultat]:
    """Take in the applicant's files for the linked, active demande ``numero``: one lot each."""
    with uow:
        demande = demande_liee(uow.session, compte_id, numero)
        exiger_active(demande, "joindre des pièces à la demande")
        numero = demande.numero
    _verifier(fichiers)
    return [_envoyer_un(uow, numero, f, storage, enqueue) for f in fichiers]


def _verifier(fichiers: Sequence[FichierEnvoye]) -> None:
    """Refuse the whole sending when there is no file, too many, or a file without its type."""
    if not fichiers:
        raise EnvoiInvalide(
            "Choisissez au moins un fichier.", details={"fichier-1": "choisissez un fichier"}
        )
    if len(fichiers) > MAX_FICHIERS:
        raise EnvoiInvalide(f"Envoyez {MAX_FICHIERS} fichiers au plus à la fois.")
    for rang, fichier in enumerate(fichiers, start=1):
        if fichier.type not in TYPES_SIMPLES:
            raise EnvoiInvalide(
                "Chaque fichier a besoin de son type de pièce.",
                details={f"type-{rang}": f"choisissez ce qu'est le fichier « {fichier.nom} »"},
            )


def _envoyer_un(
    uow: UnitOfWork, numero: str, fichier: FichierEnvoye, storage: FileStore, enqueue: lots.Enqueue
) -> Resultat:
    """Deposit one file as a lot of the applicant's channel, or say in French why it is refused."""
    libelle = MOTS_SIMPLES.get(fichier.type, fichier.type)
    try:
        recu = lots.deposer(
            uow,
            PORTAIL,
            fichier.chemin,
            canal=lots.TELEVERSEMENT,
            storage=storage,
            enqueue=enqueue,
            numero=numero,
            type_declare=fichier.type,
        )
    except lots.LotInvalide as refus:
        raison = REFUS_SIMPLES.get(refus.code) or refus.message[:1].lower() + refus.message[1:]
        return Resultat(fichier.nom, libelle, None, f"Fichier refusé : {raison}")
    if recu.doublon_de is not None:
        message = "Vous aviez déjà envoyé ce fichier : il n'est pas traité une seconde fois."
    else:
        message = (
            "Fichier reçu. Il va être vérifié (et allégé s'il dépasse 2 Mo) ; "
            "le résultat vous sera envoyé par e-mail."
        )
    return Resultat(fichier.nom, libelle, recu.id, message)
