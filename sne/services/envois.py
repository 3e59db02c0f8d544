"""Paper sendings (envois): a guichet agent declares the dossiers he mails with their counts.

The recorded sending is what the scanning pipeline later reconciles a received
parcel against: the bordereau's QR code carries its identifier and totals, each
fiche's QR code its demande and counts (see ``sne.services.impression``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sne.acteurs import Acteur
from sne.errors import Forbidden, NotFound, SneError
from sne.models import Demande, Envoi, EnvoiDemande
from sne.services.demandes import charger, exiger_active
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: A parcel stays something an agent can staple and a bordereau can list.
MAX_DOSSIERS = 100
MAX_DOCUMENTS = 99
#: Pages of one dossier, its fiche included (1 + MAX_DOSSIERS * this stays a 5-digit QR count).
MAX_PAGES_DOSSIER = 500
ROLES_PREPARATION = frozenset({"agent_guichet"})
ROLES_LECTURE = frozenset({"agent_guichet", "gestionnaire_territorial"})
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class ComptesInvalides(SneError):
    """Declared numbers of dossiers, documents or pages that cannot be right."""

    code = "COMPTES_INVALIDES"

    def __init__(self, problems: Mapping[str, str]) -> None:
        lines = "; ".join(f"{champ} : {texte}" for champ, texte in problems.items())
        super().__init__(f"Nombres de documents ou de pages invalides — {lines}", details=problems)
        self.problems = dict(problems)


@dataclass(frozen=True)
class DossierEnvoye:
    """One demande of a sending, as declared."""

    rang: int
    numero: str
    nb_documents: int
    nb_pages: int  # its fiche included


@dataclass(frozen=True)
class EnvoiPrepare:
    """A recorded sending, ready to print."""

    identifiant: str
    territoire: str
    guichet: str
    date_transmission: date
    nb_dossiers: int
    nb_pages: int  # the bordereau, the fiches and the pieces
    dossiers: tuple[DossierEnvoye, ...]


def exiger_role(acteur: Acteur, roles: frozenset[str], action: str) -> None:
    """Raise ``Forbidden`` unless the actor's role is one of ``roles``."""
    if acteur.role not in roles:
        de = "d'" if action[:1] in "aeéèêiouy" else "de "
        raise Forbidden(f"Le rôle « {acteur.role} » ne permet pas {de}{action}.")


def problemes_comptes(nb_documents: object, nb_pages: object) -> list[str]:
    """Return what is wrong with one dossier's declared counts (nothing when they hold)."""
    if not _entier(nb_documents) or not _entier(nb_pages):
        return ["nombres entiers attendus"]
    assert isinstance(nb_documents, int) and isinstance(nb_pages, int)
    problemes = []
    if nb_documents < 1:
        problemes.append("au moins un document par dossier")
    elif nb_documents > MAX_DOCUMENTS:
        problemes.append(f"{nb_documents} documents : {MAX_DOCUMENTS} au plus par dossier")
    if nb_pages > MAX_PAGES_DOSSIER:
        problemes.append(f"{nb_pages} pages : {MAX_PAGES_DOSSIER} au plus par dossier")
    elif nb_documents >= 1 and nb_pages < nb_documents + 1:
        problemes.append(
            f"{nb_pages} page(s) pour {nb_documents} document(s) : il en faut au moins "
            f"{nb_documents + 1}, la fiche récapitulative comprise"
        )
    return problemes


def _entier(valeur: object) -> bool:
    return isinstance(valeur, int) and not isinstance(valeur, bool)


def _valider(dossiers: Sequence[tuple[str, int, int]]) -> None:
    problemes: dict[str, str] = {}
    if not dossiers:
        problemes["dossiers"] = "un envoi contient au moins une demande"
    elif len(dossiers) > MAX_DOSSIERS:
        problemes["dossiers"] = (
            f"{len(dossiers)} demandes : {MAX_DOSSIERS} au plus par envoi (faites plusieurs envois)"
        )
    for rang, (numero, nb_documents, nb_pages) in enumerate(dossiers, start=1):
        erreurs = problemes_comptes(nb_documents, nb_pages)
        if erreurs:
            problemes[f"dossier {rang} ({numero})"] = " ; ".join(erreurs)
    if problemes:
        raise ComptesInvalides(problemes)


def identifiant_envoi(territoire: str, envoi_id: int) -> str:
    """``E`` + territory + ``-`` + the row id in base 36 on 5 digits at least (``E013-0000A``)."""
    chiffres = ""
    reste = envoi_id
    while True:
        reste, unite = divmod(reste, 36)
        chiffres = _BASE36[unite] + chiffres
        if reste == 0:
            break
    return f"E{territoire}-{chiffres.rjust(5, '0')}"


def preparer_envoi(
    uow: UnitOfWork,
    acteur: Acteur,
    dossiers: Sequence[tuple[str, int, int]],
    aujourd_hui: date,
) -> EnvoiPrepare:
    """Record a sending of ``(numéro, documents, pages)`` dossiers from the agent's guichet.

    Each demande must exist, be active and belong to the agent's territory;
    pages count the dossier's fiche. The sending's total adds the bordereau.
    """
    with uow:
        session = uow.session
        exiger_role(acteur, ROLES_PREPARATION, "préparer un envoi de pièces")
        if acteur.guichet_id is None or acteur.territoire_code is None:
            raise Forbidden("Seul un agent rattaché à un guichet enregistreur peut faire cela.")
        _valider(dossiers)
        trouvees: list[tuple[Demande, int, int]] = []
        deja: dict[int, int] = {}
        for rang, (numero, nb_documents, nb_pages) in enumerate(dossiers, start=1):
            demande = charger(session, numero)
            acteur.exiger("consulter", demande.territoire_code)
            exiger_active(demande, "joindre des pièces à la demande")
            if demande.id in deja:
                raise ComptesInvalides(
                    {
                        f"dossier {rang} ({demande.numero})": (
                            f"déjà déclaré en dossier {deja[demande.id]} : une fiche par demande"
                        )
                    }
                )
            deja[demande.id] = rang
            trouvees.append((demande, nb_documents, nb_pages))
        total = 1 + sum(pages for _, _, pages in trouvees)
        envoi = Envoi(
            identifiant="~" + uuid.uuid4().hex[:11],  # replaced once the row has its id
            territoire_code=acteur.territoire_code,
            guichet_id=acteur.guichet_id,
            agent_id=acteur.utilisateur_id,
            date_transmission=aujourd_hui,
            nb_dossiers=len(trouvees),
            nb_pages=total,
            statut="prepare",
            created_at=utcnow(),
        )
        session.add(envoi)
        session.flush()
        envoi.identifiant = identifiant_envoi(acteur.territoire_code, envoi.id)
        envoi.dossiers = [
            EnvoiDemande(demande_id=demande.id, rang=rang, nb_documents=docs, nb_pages=pages)
            for rang, (demande, docs, pages) in enumerate(trouvees, start=1)
        ]
        session.flush()
        tracer(
            session,
            acteur,
            entite="envoi",
            entite_id=envoi.identifiant,
            action="preparation",
            changements={
                "date_transmission": aujourd_hui,
                "nb_dossiers": envoi.nb_dossiers,
                "nb_pages": total,
                "demandes": [demande.numero for demande, _, _ in trouvees],
            },
        )
        for demande, docs, pages in trouvees:
            # The dossier's own history shows that paper pieces are on their way.
            tracer(
                session,
                acteur,
                entite="demande",
                entite_id=demande.numero,
                action="envoi_pieces",
                demande_id=demande.id,
                changements={"envoi": envoi.identifiant, "nb_documents": docs, "nb_pages": pages},
            )
        prepare = _prepare(envoi, [demande.numero for demande, _, _ in trouvees])
        uow.commit()
        return prepare


def _prepare(envoi: Envoi, numeros: Sequence[str]) -> EnvoiPrepare:
    return EnvoiPrepare(
        identifiant=envoi.identifiant,
        territoire=envoi.territoire_code,
        guichet=envoi.guichet.code,
        date_transmission=envoi.date_transmission,
        nb_dossiers=envoi.nb_dossiers,
        nb_pages=envoi.nb_pages,
        dossiers=tuple(
            DossierEnvoye(d.rang, numero, d.nb_documents, d.nb_pages)
            for d, numero in zip(envoi.dossiers, numeros, strict=True)
        ),
    )


def charger_envoi(session: Session, identifiant: str) -> Envoi:
    """Load the sending ``identifiant`` with its dossiers and their demandes, or raise ``NotFound``."""
    identifiant = identifiant.strip().upper()
    envoi = session.scalar(
        select(Envoi)
        .where(Envoi.identifiant == identifiant)
        .options(
            selectinload(Envoi.dossiers)
            .selectinload(EnvoiDemande.demande)
            .selectinload(Demande.personnes)
        )
    )
    if envoi is None:
        raise NotFound(f"Aucun envoi ne porte l'identifiant {identifiant}.", code="ENVOI_INCONNU")
    return envoi


def exiger_lecture(acteur: Acteur, envoi: Envoi, action: str) -> None:
    """Let the sending's own guichet and the territory's managers read it, no one else."""
    exiger_role(acteur, ROLES_LECTURE, action)
    acteur.exiger("consulter", envoi.territoire_code)
    if acteur.role == "agent_guichet" and acteur.guichet_id != envoi.guichet_id:
        raise Forbidden(
            f"L'envoi {envoi.identifiant} a été préparé par le guichet {envoi.guichet.code} : "
            "seuls ses agents peuvent le consulter."
        )


def consulter_envoi(uow: UnitOfWork, acteur: Acteur, identifiant: str) -> EnvoiPrepare:
    """Return the recorded sending ``identifiant``."""
    with uow:
        envoi = charger_envoi(uow.session, identifiant)
        exiger_lecture(acteur, envoi, "consulter un envoi de pièces")
        return _prepare(envoi, [d.demande.numero for d in envoi.dossiers])
