"""French names of the fields, so a summary of problems says which field each one concerns."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sne import codes

CHAMPS = {
    # The identity piece of a demande filed online (public portal).
    "fichier": "Fichier",
    "type_piece": "Ce que vous envoyez",
    "adresse_ligne1": "Adresse",
    "adresse_ligne2": "Complément d'adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "pays": "Pays",
    "email": "Adresse électronique",
    "telephone_fixe": "Téléphone fixe",
    "telephone_portable": "Téléphone portable",
    "consentement_sms": "Accord pour les SMS",
    "situation_familiale": "Situation familiale",
    "revenu_fiscal_n1": "Revenu fiscal de l'an dernier",
    "revenu_fiscal_n2": "Revenu fiscal d'il y a deux ans",
    "logement_actuel": "Logement actuel",
    "logement_actuel_bailleur": "Bailleur actuel",
    "logement_actuel_loyer": "Loyer mensuel",
    "logement_actuel_surface": "Surface",
    "logement_actuel_type": "Type de logement actuel",
    "motifs": "Motifs de la demande",
    "motif_precision": "Précisions sur les motifs",
    "types_logement": "Types de logement recherchés",
    "categorie_logement": "Maison ou appartement",
    "communes_souhaitees": "Communes souhaitées",
    "demande_elargie": "Communes voisines",
    "loyer_maximum": "Loyer maximum",
    "handicap_logement_adapte": "Logement adapté",
    "handicap_fauteuil_roulant": "Fauteuil roulant",
    "handicap_precision": "Précisions sur le handicap",
    "handicap_etat": "État du handicap",
    "handicap_capacite_marche": "Capacité de marche",
    "handicap_moteur": "Handicap moteur",
    "handicap_sensoriel": "Handicap sensoriel",
    "handicap_aides_techniques": "Aides techniques",
    "handicap_equipements": "Équipements nécessaires",
    "personnes": "Composition du foyer",
    "civilite": "civilité",
    "nom_naissance": "nom de naissance",
    "nom_usage": "nom d'usage",
    "prenoms": "prénoms",
    "date_naissance": "date de naissance",
    "date_naissance_prevue": "date de naissance prévue",
    "commune_naissance": "commune de naissance",
    "nationalite": "nationalité",
    "lien": "lien avec le demandeur",
    "mineur_emancipe": "mineur émancipé",
    "contrat_travail": "situation professionnelle",
    "profession": "profession",
    "employeur": "employeur",
    "commune_travail": "commune de travail",
    "type": "nature",
    "montant_mensuel": "montant mensuel",
    # radiation
    "motif": "Motif de la radiation",
    "date_radiation": "Date de la radiation",
    "logement_adresse": "Adresse du logement",
    "logement_code_postal": "Code postal du logement",
    "logement_commune": "Commune du logement",
    "logement_rpls": "Identifiant RPLS",
    "logement_zus_qpv": "Quartier prioritaire",
    "logement_surface": "Surface habitable",
    "logement_typologie": "Typologie",
    "reservataire": "Réservataire",
    "statut_dalo": "Statut DALO",
    "typologie_dalo": "Typologie DALO",
    "accord_collectif": "Accord collectif",
    "date_bail": "Date de signature du bail",
    "bailleur": "Bailleur",
    "sous_motif": "Motif d'irrecevabilité",
    "date_avertissement": "Date de l'avertissement",
    "commentaire": "Commentaire",
    # other forms
    "date_depot": "Date de réception",
    "enregistrement": "Enregistrement",
    "brouillon": "Saisie",
    "justification": "Justification",
    "autres": "Autres demandes",
    "documents": "Nombre de documents",
    "pages": "Nombre de pages",
    "actuel": "Mot de passe actuel",
    "nouveau": "Nouveau mot de passe",
    "confirmation": "Confirmation",
}
PERSONNE_RE = re.compile(r"^personnes\[(\d+)\]\.(?:ressources\[(\d+)\]\.)?(\w+)$")


def ident(nom: str) -> str:
    """The HTML id of the field named ``nom`` (the one the form macros give it)."""
    return re.sub(r"[._]", "-", nom.replace("[", "-").replace("]", ""))


def libelle(cle: str) -> str:
    """The French name of the field at path ``cle`` (``personnes[2].prenoms`` → Personne 2, prénoms)."""
    trouve = PERSONNE_RE.match(cle)
    if trouve:
        rang, ressource, champ = trouve.groups()
        nom = CHAMPS.get(champ, champ)
        if ressource:
            return f"Personne {rang}, ressource {ressource}, {nom}"
        return f"Personne {rang}, {nom}"
    return CHAMPS.get(cle, cle)


def resume(erreurs: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each problem as (« Field : what is wrong », anchor of the field)."""
    return [(f"{libelle(cle)} : {texte}", "#" + ident(cle)) for cle, texte in erreurs.items()]


#: The code list each coded datum of a radiation is read from.
CODES_RADIATION = {
    "motif": codes.MOTIF_RADIATION,
    "sous_motif": codes.SOUS_MOTIF_IRRECEVABILITE,
    "logement_zus_qpv": codes.ZUS_QPV,
    "logement_typologie": codes.TYPOLOGIE_ATTRIBUEE,
    "reservataire": codes.RESERVATAIRE,
    "statut_dalo": codes.STATUT_DALO,
    "typologie_dalo": codes.TYPOLOGIE_DALO,
    "accord_collectif": codes.ACCORD_COLLECTIF,
}


def radiation(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A radiation's data as (French name, value as read): codes by label, dates, yes/no."""
    lignes = []
    for champ, valeur in details.items():
        if champ in CODES_RADIATION:
            lisible = codes.libelle(CODES_RADIATION[champ], valeur)
        elif isinstance(valeur, bool):
            lisible = "Oui" if valeur else "Non"
        elif isinstance(valeur, date):
            lisible = f"{valeur:%d/%m/%Y}"
        elif champ == "logement_surface":
            lisible = f"{valeur} m²"
        else:
            lisible = str(valeur)
        lignes.append((CHAMPS.get(champ, champ), lisible))
    return lignes


def date_fr(valeur: date | str | None) -> str:
    """A date as French readers write it (01/09/2026), from a date or an ISO string as typed."""
    if valeur in (None, ""):
        return ""
    try:
        return date.fromisoformat(str(valeur)).strftime("%d/%m/%Y")
    except ValueError:
        return str(valeur)  # a draft keeps what was typed, mistakes included
