"""Code lists of the SNE interface, as data: each code maps to its French label.

The codes are those exchanged with privative systems (interfaceNuu); the
labels are what users read. Validation, documents and the portals all read
these tables, so a code is added here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _table(**codes: str) -> Mapping[str, str]:
    return MappingProxyType(codes)


def _codes(pairs: list[tuple[str, str]]) -> Mapping[str, str]:
    return MappingProxyType(dict(pairs))


#: Official list: 3 (Mademoiselle) only comes from old files; it is kept and shown as it is.
CIVILITE = _codes([("1", "M."), ("2", "Mme"), ("3", "Mlle")])
#: What a form offers for a new entry (no one is registered as « Mademoiselle » any more).
CIVILITE_SAISIE = _codes([("1", "M."), ("2", "Mme")])
NATIONALITE = _codes(
    [("1", "Française"), ("2", "Union européenne"), ("3", "Hors Union européenne")]
)
SITUATION_FAMILIALE = _table(
    C="Célibataire",
    M="Marié(e)",
    D="Divorcé(e)",
    S="Séparé(e)",
    P="Pacsé(e)",
    U="Concubinage",
    V="Veuf / veuve",
)
SEXE = _table(M="Masculin", F="Féminin")
#: Children in shared custody (official codes).
CO_PARENTALITE = _table(G="Garde alternée", D="Droit de visite")
LIEN_COTITULAIRE = _table(M="Conjoint(e)", P="Partenaire de PACS", C="Concubin(e)", L="Colocataire")
#: Official ``lienParente`` list (a collateral relative is ``A``, autre).
LIEN_PERSONNE_A_CHARGE = _table(E="Enfant", P="Parent ou ascendant", A="Autre personne à charge")
TYPE_LOGEMENT = _table(
    C="Chambre", T1="T1", T2="T2", T3="T3", T4="T4", T5="T5", T6P="6 pièces et plus"
)
CATEGORIE_LOGEMENT = _table(A="Appartement", M="Maison", I="Indifférent")
CATEGORIE_LOGEMENT_ACTUEL = _table(A="Appartement", M="Maison")
CONTRAT_TRAVAIL = _table(
    CDI="CDI (ou fonctionnaire)",
    CDD="CDD, stage, intérim",
    ART="Artisan, commerçant, profession libérale",
    CHO="Chômage",
    APP="Apprenti",
    ETU="Étudiant",
    RET="Retraité",
    AUT="Autre",
)
RESSOURCE_RECUE = _table(
    SAL="Salaire ou revenu d'activité",
    RET="Retraite",
    CHO="Allocation chômage / indemnités",
    PAR="Pension alimentaire reçue",
    PINV="Pension d'invalidité",
    AF="Allocations familiales",
    AAH="Allocation aux adultes handicapés",
    AEEH="Allocation d'éducation de l'enfant handicapé",
    AJPP="Allocation journalière de présence parentale",
    RSA="Revenu de solidarité active",
    AMV="Minimum vieillesse",
    PAJE="Prestation d'accueil du jeune enfant",
    BE="Bourse étudiant",
    AUT="Autres ressources",
)
RESSOURCE_VERSEE = _table(PAV="Pension alimentaire versée")
LOGEMENT_ACTUEL = _table(
    HLM="Locataire HLM",
    LP="Locataire du parc privé",
    RS="Résidence sociale, foyer ou pension de famille",
    RHVS="Résidence hôtelière à vocation sociale",
    RE="Résidence étudiante",
    SLHT="Sans logement propre, hébergé chez un particulier",
    SH="Structure d'hébergement",
    CDEFCM="Centre départemental de l'enfance et de la famille ou centre maternel",
    CPE="Centre pénitentiaire",
    CP="Chez les parents ou les enfants",
    LTG="Logé à titre gratuit",
    FONC="Logement de fonction",
    POCC="Propriétaire occupant",
    CAMCAR="Camping, caravane ou mobil-home",
    HOT="Hôtel",
    SD="Sans domicile",
    SQUAT="Squat",
)
MOTIF_DEMANDE = _codes(
    [
        ("01", "Sans logement ou hébergé"),
        ("02", "Logement destiné à la démolition"),
        ("03", "Logement non décent, insalubre ou dangereux"),
        ("04", "Logement repris ou mis en vente par son propriétaire"),
        ("05", "Procédure d'expulsion"),
        ("06", "Violences familiales"),
        ("07", "Handicap"),
        ("08", "Raisons de santé"),
        ("09", "Logement trop cher"),
        ("10", "Logement trop grand"),
        ("11", "Divorce, séparation"),
        ("12", "Décohabitation"),
        ("13", "Logement trop petit"),
        ("14", "Futur mariage, PACS"),
        ("15", "Regroupement familial"),
        ("16", "Assistant(e) maternel(le) ou familial(e)"),
        ("17", "Problèmes d'environnement ou de voisinage"),
        ("18", "Mutation professionnelle"),
        ("19", "Rapprochement du lieu de travail"),
        ("20", "Rapprochement des équipements et services"),
        ("21", "Rapprochement de la famille"),
        ("22", "Accédant à la propriété en difficulté"),
        ("23", "Autre motif"),
    ]
)

# Radiation: closed list of motifs, and the data each one needs.
MOTIF_RADIATION = _table(
    RADATT="Attribution d'un logement",
    RADABA="Renonciation écrite du demandeur",
    RADCON="Absence de réponse à un courrier envoyé à la dernière adresse connue",
    RADIRR="Irrecevabilité prononcée par une commission d'attribution",
    RADREN="Non-renouvellement de la demande",
)
SOUS_MOTIF_IRRECEVABILITE = _table(
    IRRSEJ="Séjour irrégulier",
    IRRRES="Ressources supérieures aux plafonds",
)
ZUS_QPV = _table(ZUSOUI="Oui", ZUSNON="Non", ZUSNSP="Ne sait pas")
#: RPLS typology of the dwelling attributed (a room is recorded as T1).
TYPOLOGIE_ATTRIBUEE = _table(
    T1="T1",
    T2="T2",
    T3="T3",
    T4="T4",
    T5="T5",
    T6="T6",
    T7="T7",
    T8="T8",
    T9P="T9 et plus",
)
RESERVATAIRE = _table(
    COLTER="Collectivité territoriale",
    COLACT="Action Logement",
    PPRIOR="Préfet — publics prioritaires",
    PFONCT="Préfet — fonctionnaires",
    AUTRES="Autre réservataire",
    AUCUN="Logement non réservé",
)
STATUT_DALO = _table(
    NON="Pas de recours DALO",
    ACTIF="Recours DALO actif",
    CADUC="Décision DALO caduque",
    ACTREL="Décision DALO active, relogement",
)
ACCORD_COLLECTIF = _table(
    ACD="Accord collectif départemental",
    ACI="Accord collectif intercommunal",
    AUCUN="Hors accord collectif",
    NONDOC="Non renseigné",
)

TYPE_GUICHET = _table(
    BAILLEUR="Bailleur social",
    COMMUNE="Commune",
    EPCI="Établissement public de coopération intercommunale",
    ACTION_LOGEMENT="Action Logement",
    ETAT="Service de l'État",
    DEPARTEMENT="Département",
    PORTAIL="Portail grand public",
)

ROLE = _table(
    agent_guichet="Agent de guichet enregistreur",
    operateur_numerisation="Opérateur de numérisation",
    gestionnaire_territorial="Gestionnaire territorial",
    consultant_liste="Consultant — liste des pièces",
    consultant_standard="Consultant — contenu des pièces non sensibles",
    consultant_complet="Consultant — tout, pièces sensibles comprises",
    administrateur="Administrateur",
)

STATUT_DEMANDE = _table(
    active="Active",
    radiee="Radiée",
    purgee="Radiée, données personnelles effacées",
    fusionnee="Close par fusion",
)

ROLE_PERSONNE = _table(
    demandeur="Demandeur",
    cotitulaire="Co-titulaire",
    a_charge="Personne à charge",
    a_naitre="Enfant à naître",
    garde_alternee="Enfant en droit de visite ou garde alternée",
)

#: Channels a lot (and so a piece) arrives by; labels are read inside sentences.
CANAL = _table(
    courrier_guichet="courrier d'un guichet",
    courrier_demandeur="courrier d'un demandeur",
    depot_professionnel="dépôt sur le portail professionnel",
    portail_demandeur="pièce déposée par le demandeur sur le portail grand public",
)
STATUT_PIECE = _table(
    classee="Classée",
    a_qualifier="À qualifier",
    rejetee="Rejetée",
    inexploitable="Inexploitable",
    hors_perimetre="Hors périmètre",
    obsolete="Obsolète",
)
#: A lot's processing, as ``sne lots`` and the portals show it.
STATUT_LOT = _table(
    recu="reçu, en file d'attente",
    en_cours="en cours de traitement",
    traite="traité",
    a_revoir="traité, des dossiers attendent un opérateur",
    erreur="en erreur, à relancer ou à clore",
    clos="clos par un opérateur",
)
STATUT_ENVOI = _table(prepare="Préparé", recu="Reçu", traite="Traité")
#: What became of one dossier of a lot.
STATUT_DOSSIER = _table(
    rattache="Rattaché à la demande",
    en_attente="En attente d'un opérateur",
    rejete="Rejeté",
)


# The SNE's disability lists (section « Complément handicap », one per demande) and
# the typologies of a DALO attribution, as interfaceNuu files write them.
#: State of the disability.
ETAT_HANDICAP = _table(STA="Stabilisé", EVO="Évolutif")
#: Walking capacity: how many steps the person can climb.
CAPACITE_MARCHE = _table(
    **{
        "1": "Marche impossible",
        "2": "Une à trois marches",
        "3": "Jusqu'au premier étage",
        "4": "Plus d'un étage",
    }
)
HANDICAP_MOTEUR = _table(MS="Membres supérieurs", MI="Membres inférieurs")
HANDICAP_SENSORIEL = _table(DA="Déficience auditive", DV="Déficience visuelle")
AIDE_TECHNIQUE = _table(
    **{
        "1": "Aucune",
        "2": "Canne ou béquille",
        "3": "Déambulateur",
        "4": "Fauteuil roulant manuel",
        "5": "Fauteuil roulant électrique",
        "6": "Lève-personne",
        "7": "Lit médicalisé",
    }
)
EQUIPEMENT_HANDICAP = _table(
    **{
        "1": "Baignoire adaptée",
        "2": "WC avec espace de transfert",
        "3": "Douche sans seuil",
        "4": "Ascenseur",
        "5": "Chambre pour une tierce personne",
        "6": "Place de stationnement adaptée (3,30 m)",
    }
)
#: A yes/no the format allows to leave unknown.
BOOLEEN_DOC = _table(OUI="Oui", NON="Non", NONDOC="Non renseigné")
#: The demande's two disability questions (yes, no, or not said): field → French name.
OUI_NON_HANDICAP = MappingProxyType(
    {"handicap_logement_adapte": "logement adapté", "handicap_fauteuil_roulant": "fauteuil roulant"}
)
#: The demande's disability codes: field → (code table, French name).
CHAMPS_HANDICAP = MappingProxyType(
    {
        "handicap_etat": (ETAT_HANDICAP, "état du handicap"),
        "handicap_capacite_marche": (CAPACITE_MARCHE, "capacité de marche"),
        "handicap_moteur": (HANDICAP_MOTEUR, "handicap moteur"),
        "handicap_sensoriel": (HANDICAP_SENSORIEL, "handicap sensoriel"),
    }
)
#: The demande's disability lists: field → (code table, French name).
LISTES_HANDICAP = MappingProxyType(
    {
        "handicap_aides_techniques": (AIDE_TECHNIQUE, "aide technique"),
        "handicap_equipements": (EQUIPEMENT_HANDICAP, "équipement"),
    }
)
_PIECES_DALO = ("T1", "T2", "T3", "T4", "T5", "T6 et plus")
_TRANCHES_DALO = ("T1-T2", "T2-T3", "T3-T4", "T4-T5", "T5-T6")
#: Typology of the dwelling a DALO decision calls for (recorded with an attribution).
TYPOLOGIE_DALO = _codes(
    [(f"0{i}", t) for i, t in enumerate(_PIECES_DALO, start=1)]
    + [("08", "Habitat individuel"), ("09", "À définir")]
    + [
        (f"2{i}", f"{t} adapté")
        for i, t in enumerate((*_PIECES_DALO, "Habitat individuel", "À définir"), start=1)
    ]
    + [("30", "Réorientation vers un hébergement"), ("31", "À définir, adapté")]
    + [(f"4{i}", t) for i, t in enumerate(_TRANCHES_DALO)]
    + [(f"4{i + 5}", f"{t} adapté") for i, t in enumerate(_TRANCHES_DALO)]
    + [("50", "Sous-location"), ("99", "Autre")]
)


def libelle(table: Mapping[str, str], code: str | None) -> str:
    """Return the French label of ``code`` in ``table``, or the code itself if unknown."""
    if code is None:
        return ""
    return table.get(code, code)
