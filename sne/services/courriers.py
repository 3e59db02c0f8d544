"""The préavis sent by post: their text, the address used, and each run's letters for the printer.

Each daily run turns the préavis by post not yet printed into one PDF of
letters (``sne.documents.preavis``) and one index file (CSV, ``;``-separated,
UTF-8) for the printing and routing provider, both kept in the file store
under ``courriers/``. Each préavis records the PDF and its page, so a
complaint shows what was sent. Letters are sorted by postal code (the order
the provider routes them in); the index lists them in the same order.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sne import codes
from sne.acteurs import Acteur
from sne.documents.preavis import LettrePreavis, render_lettres
from sne.models import Demande, Preavis
from sne.stockage import FileStore
from sne.uow import UnitOfWork

GRACE_RENOUVELLEMENT = relativedelta(months=1)
#: Columns of the index file, in order.
COLONNES_INDEX = (
    "pli",
    "numero_unique",
    "destinataire",
    "adresse_1",
    "adresse_2",
    "adresse_3",
    "adresse_4",
    "code_postal",
    "commune",
    "date_envoi",
    "fin_validite",
)


@dataclass(frozen=True)
class LotCourrier:
    """The letters of one run: how many, and the store keys of the PDF and of its index."""

    jour: date
    lettres: int
    pdf: str | None
    index: str | None


def adresse_postale(demande: Demande) -> tuple[str, ...]:
    """The applicant's name and postal address, one line each, as an envelope shows them."""
    demandeur = demande.demandeur
    nom = (
        f"{codes.libelle(codes.CIVILITE, demandeur.civilite)} {demandeur.prenoms or ''} "
        f"{demandeur.nom_usage or demandeur.nom_naissance or ''}"
        if demandeur
        else demande.raison_sociale or ""
    )
    rue = " ".join(filter(None, [demande.adresse_numero, demande.adresse_ligne1]))
    ville = " ".join(filter(None, [demande.code_postal, demande.commune]))
    pays = demande.pays if demande.pays and demande.pays.lower() != "france" else None
    lignes = (" ".join(nom.split()), rue, demande.adresse_ligne2, ville.upper(), pays)
    return tuple(ligne for ligne in lignes if ligne)


def texte_preavis(demande: Demande, portail_public: str | None = None) -> str:
    """The French warning sent one month before expiry (with the demande's page on the public portal)."""
    demandeur = demande.demandeur
    nom = (
        f"{codes.libelle(codes.CIVILITE, demandeur.civilite)} {demandeur.nom_usage or demandeur.nom_naissance}"
        if demandeur
        else demande.raison_sociale or ""
    )
    expiration = demande.date_expiration.strftime("%d/%m/%Y")
    radiation = (demande.date_expiration + GRACE_RENOUVELLEMENT).strftime("%d/%m/%Y")
    return (
        f"Bonjour {nom.strip()},\n\n"
        f"Votre demande de logement social n° {demande.numero}, déposée le "
        f"{demande.date_depot.strftime('%d/%m/%Y')}, arrive à échéance le {expiration}.\n\n"
        "Pour la conserver, vous devez la renouveler avant cette date, en ligne sur le portail "
        "grand public ou auprès de tout guichet enregistreur de votre département. Le "
        "renouvellement conserve votre numéro unique et l'ancienneté de votre demande.\n\n"
        + (
            f"Pour suivre et renouveler votre demande en ligne : {portail_public}/demandes/"
            f"{demande.numero}\n\n"
            if portail_public
            else ""
        )
        + f"Sans renouvellement, votre demande sera radiée le {radiation} "
        "(article R.441-2-8 du code de la construction et de l'habitation).\n\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre."
    )


def _index(lettres: list[tuple[LettrePreavis, Demande, Preavis]]) -> bytes:
    """The CSV index, one row per letter in the PDF's order."""
    texte = io.StringIO()
    ecrivain = csv.writer(texte, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES_INDEX)
    for pli, (lettre, demande, preavis) in enumerate(lettres, start=1):
        nom, *adresse = lettre.destinataire
        lignes = [*adresse, "", "", "", ""][:4]
        ecrivain.writerow(
            [
                pli,
                lettre.numero,
                nom,
                *lignes,
                demande.code_postal or "",
                demande.commune or "",
                preavis.date_envoi.isoformat(),
                preavis.date_expiration.isoformat(),
            ]
        )
    return texte.getvalue().encode("utf-8")


def _ranger(store: FileStore, contenu: bytes, extension: str) -> str:
    """Put ``contenu`` in the store under ``courriers/``; return its key."""
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / f"lot.{extension}"
        chemin.write_bytes(contenu)
        return store.put(chemin, folder="courriers", extension=extension).key


def produire_lettres(
    uow: UnitOfWork, acteur: Acteur, jour: date, store: FileStore, *, territoire: str | None = None
) -> LotCourrier:
    """Print the préavis by post sent up to ``jour`` and not printed yet (safe to run twice)."""
    acteur.exiger("cycle_quotidien", territoire)
    with uow:
        query = (
            select(Preavis, Demande)
            .join(Demande, Demande.id == Preavis.demande_id)
            .where(
                Preavis.canal == "courrier",
                Preavis.courrier.is_(None),
                Preavis.date_envoi <= jour,
                Demande.statut == "active",
            )
            .options(selectinload(Demande.personnes))
            .order_by(Demande.code_postal, Demande.numero)
        )
        if territoire is not None:
            query = query.where(Demande.territoire_code == territoire)
        lignes = [
            (
                LettrePreavis(
                    numero=demande.numero,
                    destinataire=tuple(
                        (preavis.destinataire or "").splitlines() or adresse_postale(demande)
                    ),
                    texte=texte_preavis(demande),
                    date_envoi=preavis.date_envoi,
                    territoire=demande.territoire_code,
                ),
                demande,
                preavis,
            )
            for preavis, demande in uow.session.execute(query).tuples()
        ]
        if not lignes:
            return LotCourrier(jour, 0, None, None)
        pdf = _ranger(store, render_lettres([lettre for lettre, _, _ in lignes]), "pdf")
        index = _ranger(store, _index(lignes), "csv")
        for page, (_, _, preavis) in enumerate(lignes, start=1):
            preavis.courrier = pdf
            preavis.courrier_page = page
        uow.commit()
        return LotCourrier(jour, len(lignes), pdf, index)
