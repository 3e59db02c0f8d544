"""Radiation with its closed list of motifs, reactivation, and the split of a couple's demande.

Each motif requires its own data (R.441-2-8 CCH): attribution details for
RADATT, a warning sent at least a month before for RADCON and RADIRR, a
sub-motif for RADIRR. RADREN is pronounced by the system only (see ``cycle``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from sne import codes
from sne.acteurs import Acteur
from sne.errors import Conflict, Forbidden, SneError, ValidationError
from sne.models import Demande, Radiation
from sne.services import formulaire, numerotation
from sne.services.demandes import (
    VALIDITE,
    DemandeEnregistree,
    _enregistree,
    charger,
    exiger_active,
)
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

DELAI_AVERTISSEMENT = relativedelta(months=1)
#: A demand radiated for non-renewal can be reactivated up to 18 months after its last filing.
DELAI_REACTIVATION = relativedelta(months=18)

CHAMPS_ATTRIBUTION = Radiation.CHAMPS_ATTRIBUTION
#: Everything RADATT asks for; only the RPLS identifier may be unknown to the guichet.
#: The RPLS identifier and the DALO typology may be unknown to the landlord.
ATTRIBUTION_OBLIGATOIRE = tuple(
    c for c in CHAMPS_ATTRIBUTION if c not in {"logement_rpls", "typologie_dalo"}
)


@dataclass(frozen=True)
class RadiationFaite:
    """What a radiation hands back."""

    numero: str
    motif: str
    date_radiation: date


def radier(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    motif: str,
    *,
    aujourd_hui: date,
    donnees: Mapping[str, Any] | None = None,
) -> RadiationFaite:
    """Radiate an active demande for ``motif`` with the data that motif requires."""
    with uow:
        session = uow.session
        demande = charger(session, numero, verrou=True)
        acteur.exiger("radier", demande.territoire_code)
        motif = (motif or "").strip().upper()
        if motif == "RADREN":
            raise Forbidden(
                "La radiation pour non-renouvellement est prononcée par le système, à 13 mois.",
                code="RADREN_AUTOMATIQUE",
            )
        exiger_active(demande, "radier la demande")
        radiation = preparer_radiation(motif, dict(donnees or {}), aujourd_hui)
        radiation.agent_id = acteur.utilisateur_id
        radiation.guichet_id = acteur.guichet_id
        _appliquer_radiation(session, acteur, demande, radiation)
        uow.commit()
        return RadiationFaite(demande.numero, motif, radiation.date_radiation)


def preparer_radiation(motif: str, donnees: dict[str, Any], aujourd_hui: date) -> Radiation:
    """Validate the data ``motif`` needs and build the radiation, or list every problem."""
    if motif not in codes.MOTIF_RADIATION:
        raise ValidationError(
            {"motif": f"motif « {motif} » inconnu (admis : RADATT, RADABA, RADCON, RADIRR)"}
        )
    v = formulaire.Verificateur()
    inconnus = set(donnees) - {
        *CHAMPS_ATTRIBUTION,
        "sous_motif",
        "date_avertissement",
        "commentaire",
    }
    for champ in sorted(inconnus):
        v.erreur(champ, "donnée inconnue pour une radiation")
    radiation = Radiation(
        motif=motif,
        date_radiation=aujourd_hui,
        commentaire=formulaire.nettoyer(donnees.get("commentaire")),
    )
    if motif in {"RADCON", "RADIRR"}:
        avertissement = v.date("date_avertissement", donnees.get("date_avertissement"))
        if avertissement is None:
            v.erreur("date_avertissement", "date d'envoi de l'avertissement obligatoire")
        elif avertissement > aujourd_hui - DELAI_AVERTISSEMENT:
            fin = avertissement + DELAI_AVERTISSEMENT
            v.erreur(
                "date_avertissement",
                f"la radiation n'est possible qu'un mois après l'avertissement, soit à partir du "
                f"{fin.strftime('%d/%m/%Y')}",
            )
        radiation.date_avertissement = avertissement
    if motif == "RADIRR":
        radiation.sous_motif = v.code(
            "sous_motif", donnees.get("sous_motif"), codes.SOUS_MOTIF_IRRECEVABILITE, "sous-motif"
        )
        if radiation.sous_motif is None:
            v.erreur("sous_motif", "sous-motif obligatoire (IRRSEJ ou IRRRES)")
    elif donnees.get("sous_motif"):
        v.erreur("sous_motif", "un sous-motif ne s'emploie qu'avec RADIRR")
    if motif == "RADATT":
        _attribution(v, donnees, radiation, aujourd_hui)
    elif any(donnees.get(champ) not in (None, "") for champ in CHAMPS_ATTRIBUTION):
        v.erreur("logement_adresse", "les données d'attribution ne s'emploient qu'avec RADATT")
    if v.problemes:
        raise ValidationError(v.problemes)
    return radiation


def _attribution(
    v: formulaire.Verificateur, donnees: Mapping[str, Any], radiation: Radiation, aujourd_hui: date
) -> None:
    for champ in ATTRIBUTION_OBLIGATOIRE:
        if donnees.get(champ) in (None, ""):
            v.erreur(champ, "obligatoire pour une radiation sur attribution")
    radiation.logement_adresse = formulaire.nettoyer(donnees.get("logement_adresse"))
    radiation.logement_code_postal = formulaire.nettoyer(donnees.get("logement_code_postal"))
    if radiation.logement_code_postal and not formulaire.CODE_POSTAL_RE.match(
        radiation.logement_code_postal
    ):
        v.erreur("logement_code_postal", "code postal français attendu")
    radiation.logement_commune = formulaire.nettoyer(donnees.get("logement_commune"))
    radiation.logement_rpls = formulaire.nettoyer(donnees.get("logement_rpls"))
    radiation.logement_zus_qpv = v.code(
        "logement_zus_qpv", donnees.get("logement_zus_qpv"), codes.ZUS_QPV, "ZUS/QPV"
    )
    radiation.logement_surface = v.entier("logement_surface", donnees.get("logement_surface"))
    if radiation.logement_surface is not None and not 9 <= radiation.logement_surface <= 400:
        v.erreur("logement_surface", "surface habitable entre 9 et 400 m² attendue")
    radiation.logement_typologie = v.code(
        "logement_typologie",
        donnees.get("logement_typologie"),
        codes.TYPOLOGIE_ATTRIBUEE,
        "typologie",
    )
    radiation.reservataire = v.code(
        "reservataire", donnees.get("reservataire"), codes.RESERVATAIRE, "réservataire"
    )
    radiation.statut_dalo = v.code(
        "statut_dalo", donnees.get("statut_dalo"), codes.STATUT_DALO, "DALO"
    )
    radiation.typologie_dalo = v.code(
        "typologie_dalo", donnees.get("typologie_dalo"), codes.TYPOLOGIE_DALO, "typologie DALO"
    )
    radiation.accord_collectif = v.code(
        "accord_collectif",
        donnees.get("accord_collectif"),
        codes.ACCORD_COLLECTIF,
        "accord collectif",
    )
    radiation.date_bail = v.date("date_bail", donnees.get("date_bail"))
    if radiation.date_bail and radiation.date_bail > aujourd_hui:
        v.erreur("date_bail", "la radiation se fait à la signature du bail, pas avant")
    radiation.bailleur = formulaire.nettoyer(donnees.get("bailleur"))


def _appliquer_radiation(
    session: Any, acteur: Acteur, demande: Demande, radiation: Radiation
) -> None:
    """Attach ``radiation`` to ``demande``, mark it radiated and trace it."""
    demande.radiations.append(radiation)
    demande.statut = "radiee"
    demande.date_radiation = radiation.date_radiation
    demande.updated_at = utcnow()
    session.flush()
    tracer(
        session,
        acteur,
        entite="demande",
        entite_id=demande.numero,
        action="radiation",
        demande_id=demande.id,
        changements={
            "motif": radiation.motif,
            "date_radiation": radiation.date_radiation,
            "sous_motif": radiation.sous_motif,
            "date_avertissement": radiation.date_avertissement,
            **{
                c: getattr(radiation, c)
                for c in CHAMPS_ATTRIBUTION
                if getattr(radiation, c) is not None
            },
        },
    )


def radier_non_renouvellement(
    session: Any, acteur: Acteur, demande: Demande, aujourd_hui: date
) -> None:
    """Radiate ``demande`` for non-renewal (RADREN); used by the daily lifecycle."""
    _appliquer_radiation(
        session, acteur, demande, Radiation(motif="RADREN", date_radiation=aujourd_hui)
    )


def renoncer(session: Any, acteur: Acteur, demande: Demande, aujourd_hui: date) -> None:
    """Radiate ``demande`` on its applicant's renonciation (RADABA); used by the public portal."""
    _appliquer_radiation(
        session, acteur, demande, Radiation(motif="RADABA", date_radiation=aujourd_hui)
    )


def reactiver(
    uow: UnitOfWork, acteur: Acteur, numero: str, *, aujourd_hui: date, justification: str
) -> DemandeEnregistree:
    """Reactivate a demande radiated for non-renewal, within 18 months of its last filing.

    The number and the ancienneté are kept; reactivating renews the demande
    from today.
    """
    with uow:
        session = uow.session
        demande = charger(session, numero, verrou=True)
        acteur.exiger("reactiver", demande.territoire_code)
        radiation = demande.radiation
        if demande.statut != "radiee" or radiation is None:
            raise Conflict(
                f"La demande {demande.numero} n'est pas radiée : rien à réactiver.",
                code="NON_RADIEE",
            )
        if radiation.motif != "RADREN":
            raise Conflict(
                "Seule une demande radiée pour non-renouvellement peut être réactivée "
                f"(motif ici : {codes.libelle(codes.MOTIF_RADIATION, radiation.motif)}).",
                code="REACTIVATION_IMPOSSIBLE",
            )
        base = demande.date_renouvellement or demande.date_depot
        limite = base + DELAI_REACTIVATION
        if aujourd_hui > limite:
            raise Conflict(
                f"La réactivation n'est possible que jusqu'au {limite.strftime('%d/%m/%Y')} "
                "(18 mois après le dernier dépôt ou renouvellement).",
                code="REACTIVATION_HORS_DELAI",
            )
        if not justification.strip():
            raise SneError(
                "Indiquer pourquoi la demande est réactivée.", code="JUSTIFICATION_REQUISE"
            )
        radiation.annulee_le = aujourd_hui
        demande.statut = "active"
        demande.date_radiation = None
        demande.date_renouvellement = aujourd_hui
        demande.date_expiration = aujourd_hui + VALIDITE
        demande.updated_at = utcnow()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="reactivation",
            demande_id=demande.id,
            changements={
                "statut": ["radiee", "active"],
                "date_expiration": demande.date_expiration,
            },
            justification=justification,
        )
        uow.commit()
        return _enregistree(demande)


def scinder(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    document: Mapping[str, Any],
    *,
    aujourd_hui: date,
    justification: str,
) -> DemandeEnregistree:
    """Split the co-holder off a couple's demande (CRS), keeping the joint filing date.

    ``document`` is the new demande of the former co-holder (who is its
    applicant); the original demande loses its co-holder. The new number
    carries the joint filing date's month and year.
    """
    with uow:
        session = uow.session
        origine = charger(session, numero, verrou=True)
        acteur.exiger("scinder", origine.territoire_code)
        exiger_active(origine, "scinder la demande")
        if not justification.strip():
            raise SneError(
                "La scission d'une demande exige un justificatif de la séparation.",
                code="JUSTIFICATION_REQUISE",
            )
        cotitulaire = next((p for p in origine.personnes if p.role == "cotitulaire"), None)
        if cotitulaire is None:
            raise Conflict(
                f"La demande {origine.numero} n'a pas de co-titulaire à séparer.",
                code="SANS_COTITULAIRE",
            )
        propre = formulaire.valider(document, date_depot=aujourd_hui)
        nouveau = propre["personnes"][0]
        identite = ("nom_naissance", "prenoms", "date_naissance")
        if [formulaire.comparable(nouveau[c]) for c in identite] != [
            formulaire.comparable(getattr(cotitulaire, c)) for c in identite
        ]:
            raise Conflict(
                "Le demandeur de la nouvelle demande doit être le co-titulaire de la demande "
                "d'origine (nom de naissance, prénoms et date de naissance identiques).",
                code="COTITULAIRE_DIFFERENT",
            )
        guichet_code = acteur.guichet_code or origine.guichet.code
        now = utcnow()
        demande = Demande(
            territoire_code=origine.territoire_code,
            guichet_id=acteur.guichet_id or origine.guichet_id,
            agent_id=acteur.utilisateur_id,
            statut="active",
            date_depot=origine.date_depot,
            date_renouvellement=aujourd_hui,
            date_expiration=aujourd_hui + VALIDITE,
            demande_origine_id=origine.id,
            created_at=now,
            updated_at=now,
        )
        formulaire.appliquer(demande, propre)
        avant = formulaire.en_document(origine)
        origine.personnes = [p for p in origine.personnes if p is not cotitulaire]
        for rang, personne in enumerate(origine.personnes, start=1):
            personne.rang = rang
        origine.updated_at = now
        changes = formulaire.differences(avant, formulaire.en_document(origine))
        demande.numero = numerotation.allouer(
            session, origine.territoire_code, origine.date_depot, guichet_code
        )
        session.add(demande)
        session.flush()
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=origine.numero,
            action="scission",
            demande_id=origine.id,
            changements={**changes, "nouvelle_demande": demande.numero},
            justification=justification,
        )
        tracer(
            session,
            acteur,
            entite="demande",
            entite_id=demande.numero,
            action="creation_scission",
            demande_id=demande.id,
            changements={"demande_origine": origine.numero, "date_depot": demande.date_depot},
            justification=justification,
        )
        uow.commit()
        return _enregistree(demande)
