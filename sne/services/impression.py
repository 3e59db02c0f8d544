"""Print the separator documents from the database: attestation, fiche récapitulative, sending.

Each function reads what the document shows inside a unit of work, fills the
plain dataclasses of ``sne.documents.data`` and renders once the transaction is
over (rendering needs no database). Issuing an attestation is recorded, so the
scanning side knows which attestations exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scanning.qr_payload import Keyring
from sne import codes
from sne.acteurs import Acteur
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_envoi
from sne.documents.data import (
    ADRESSE_NUMERISATION,
    AttestationData,
    BordereauData,
    FicheData,
    GuichetData,
    LigneBordereau,
)
from sne.documents.fiche import render_fiche
from sne.errors import Conflict
from sne.models import Attestation, Demande, Fusion, Guichet, Personne
from sne.services.demandes import charger, exiger_active
from sne.services.envois import (
    ComptesInvalides,
    charger_envoi,
    exiger_lecture,
    exiger_role,
    problemes_comptes,
)
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: Who hands an attestation to an applicant: the guichets and the territory's managers.
ROLES_ATTESTATION = frozenset({"agent_guichet", "gestionnaire_territorial"})
#: A fiche goes with pieces a guichet mails: it names the agent's guichet.
ROLES_FICHE = frozenset({"agent_guichet"})


def guichet_data(guichet: Guichet) -> GuichetData:
    """The guichet as printed (its address is stored one line per line)."""
    lignes = tuple(ligne.strip() for ligne in (guichet.adresse or "").splitlines() if ligne.strip())
    return GuichetData(code=guichet.code, nom=guichet.nom, adresse=lignes)


def _demandeur(demande: Demande) -> Personne:
    """The applicant whose name the document shows; refuse when the data is gone."""
    personne = demande.demandeur
    if personne is None or personne.date_naissance is None or not personne.nom_naissance:
        raise Conflict(
            f"La demande {demande.numero} n'a plus de demandeur identifié : "
            "aucun document ne peut être imprimé.",
            code="DEMANDEUR_ABSENT",
        )
    return personne


def _exiger_imprimable(session: Session, demande: Demande) -> None:
    """Refuse a purged or merged demande (a radiated one stays printable, marked as such)."""
    if demande.statut == "purgee":
        raise Conflict(
            f"La demande {demande.numero} a été radiée le {demande.date_radiation:%d/%m/%Y} et ses "
            "données personnelles ont été effacées : aucune attestation ne peut être imprimée.",
            code="DEMANDE_PURGEE",
        )
    if demande.statut == "fusionnee":
        survivante = session.scalar(
            select(Demande.numero)
            .join(Fusion, Fusion.survivante_id == Demande.id)
            .where(Fusion.absorbee_id == demande.id)
        )
        raise Conflict(
            f"La demande {demande.numero} a été fusionnée"
            + (f" dans la demande {survivante}" if survivante else "")
            + " : imprimez l'attestation de la demande conservée.",
            code="DEMANDE_CLOSE",
        )


def attestation_data(demande: Demande, aujourd_hui: date) -> AttestationData:
    """What the attestation of ``demande`` shows when issued on ``aujourd_hui``."""
    personne = _demandeur(demande)
    assert personne.date_naissance is not None and personne.nom_naissance is not None
    ville = " ".join(filter(None, [demande.code_postal, demande.commune]))
    adresse = tuple(
        ligne
        for ligne in (
            demande.raison_sociale,
            demande.adresse_ligne1,
            demande.adresse_ligne2,
            ville,
            demande.pays if demande.pays and demande.pays.lower() != "france" else None,
        )
        if ligne
    )
    return AttestationData(
        numero=demande.numero,
        renouvellement=demande.date_renouvellement is not None,
        civilite=codes.libelle(codes.CIVILITE, personne.civilite),
        nom=personne.nom_naissance,
        prenoms=personne.prenoms or "",
        date_naissance=personne.date_naissance,
        adresse=adresse,
        guichet=guichet_data(demande.guichet),
        territoire=f"{demande.territoire.nom} ({demande.territoire_code})",
        date_depot=demande.date_depot,
        date_renouvellement=demande.date_renouvellement,
        date_expiration=demande.date_expiration,
        date_emission=aujourd_hui,
        radiee=demande.statut == "radiee",
    )


def fiche_data(
    demande: Demande, nb_documents: int, nb_pages: int, jour: date, guichet: GuichetData
) -> FicheData:
    """What the fiche of ``demande`` shows for a dossier sent by ``guichet`` on ``jour``."""
    personne = _demandeur(demande)
    assert personne.date_naissance is not None and personne.nom_naissance is not None
    return FicheData(
        nom=personne.nom_naissance,
        prenoms=personne.prenoms or "",
        date_naissance=personne.date_naissance,
        numero=demande.numero,
        nb_documents=nb_documents,
        nb_pages=nb_pages,
        date_remplissage=jour,
        guichet=guichet,
    )


def imprimer_attestation(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    aujourd_hui: date,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Issue the attestation d'enregistrement (or de renouvellement, once renewed) of ``numero``.

    A radiated demande still gets its attestation, marked as radiated; the issue
    is recorded (one row per demande, day and kind) and traced.
    """
    with uow:
        session = uow.session
        exiger_role(acteur, ROLES_ATTESTATION, "délivrer une attestation")
        demande = charger(session, numero)
        acteur.exiger("consulter", demande.territoire_code)
        _exiger_imprimable(session, demande)
        if aujourd_hui < demande.date_depot:
            raise Conflict(
                f"La demande {demande.numero} a été déposée le {demande.date_depot:%d/%m/%Y} : "
                "l'attestation ne peut pas être datée d'avant.",
                code="DATE_INVALIDE",
            )
        data = attestation_data(demande, aujourd_hui)
        nature = "renouvellement" if data.renouvellement else "enregistrement"
        _noter_attestation(session, acteur, demande, nature, aujourd_hui)
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="attestation",
            demande_id=demande.id,
            changements={"type": nature, "date_emission": aujourd_hui, "radiee": data.radiee},
        )
        uow.commit()
    return render_attestation(data, keyring, adresse_numerisation=adresse_numerisation)


def _noter_attestation(
    session: Session, acteur: Acteur, demande: Demande, nature: str, jour: date
) -> None:
    """Record the issue once per demande, day and kind (a reprint the same day adds nothing)."""
    existe = select(Attestation.id).where(
        Attestation.demande_id == demande.id,
        Attestation.date_emission == jour,
        Attestation.type == nature,
    )
    if session.scalar(existe) is not None:
        return
    try:
        with session.begin_nested():
            session.add(
                Attestation(
                    demande_id=demande.id,
                    type=nature,
                    date_emission=jour,
                    radiee=demande.statut == "radiee",
                    guichet_id=acteur.guichet_id,
                    agent_id=acteur.utilisateur_id,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        # A concurrent print of the same attestation recorded it first.
        if session.scalar(existe) is None:
            raise


def imprimer_fiche(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    nb_documents: int,
    nb_pages: int,
    aujourd_hui: date,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Print the fiche récapitulative of an active demande for pieces the agent's guichet mails.

    ``nb_pages`` counts the fiche itself. Outside a sending nothing is recorded:
    the fiche's QR code carries everything the pipeline checks.
    """
    with uow:
        session = uow.session
        exiger_role(acteur, ROLES_FICHE, "imprimer une fiche récapitulative")
        problemes = problemes_comptes(nb_documents, nb_pages)
        if problemes:
            raise ComptesInvalides({"fiche": " ; ".join(problemes)})
        demande = charger(session, numero)
        acteur.exiger("consulter", demande.territoire_code)
        exiger_active(demande, "joindre des pièces à la demande")
        guichet = session.get(Guichet, acteur.guichet_id) if acteur.guichet_id else None
        if guichet is None:
            raise Conflict("Votre compte n'est rattaché à aucun guichet.", code="SANS_GUICHET")
        data = fiche_data(demande, nb_documents, nb_pages, aujourd_hui, guichet_data(guichet))
    return render_fiche(data, keyring, adresse_numerisation=adresse_numerisation)


def imprimer_envoi(
    uow: UnitOfWork,
    acteur: Acteur,
    identifiant: str,
    keyring: Keyring,
    *,
    adresse_numerisation: Sequence[str] = ADRESSE_NUMERISATION,
) -> bytes:
    """Print a recorded sending as one PDF: the bordereau, then each dossier's fiche in order.

    A reprint gives the same QR codes: fiches are dated on the sending's day.
    """
    with uow:
        envoi = charger_envoi(uow.session, identifiant)
        exiger_lecture(acteur, envoi, "imprimer un envoi de pièces")
        guichet = guichet_data(envoi.guichet)
        fiches = [
            fiche_data(
                dossier.demande,
                dossier.nb_documents,
                dossier.nb_pages,
                envoi.date_transmission,
                guichet,
            )
            for dossier in envoi.dossiers
        ]
        bordereau = BordereauData(
            envoi=envoi.identifiant,
            guichet=guichet,
            departement=envoi.territoire_code,
            nb_dossiers=envoi.nb_dossiers,
            nb_pages=envoi.nb_pages,
            date_transmission=envoi.date_transmission,
            lignes=tuple(LigneBordereau(f.numero, f.nom, f.nb_pages) for f in fiches),
        )
    return render_envoi(bordereau, fiches, keyring, adresse_numerisation=adresse_numerisation)
