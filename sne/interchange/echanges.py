"""Import an interfaceNuu file through the services, and export a demande as a file.

An import reads and checks the whole file first (``lecture``); only a file
without anomaly reaches a service: CRE → ``demandes.enregistrer``, CRS →
``radiation.scinder``, MOD → ``demandes.modifier``, REN →
``demandes.renouveler``, RAD → ``radiation.radier``. Each service validates
everything before writing and rolls back on refusal, so a file is imported
whole or not at all; the refusal comes back as anomalies whose paths name the
file's elements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sne.acteurs import Acteur
from sne.errors import Conflict, SneError, ValidationError
from sne.interchange import format as f
from sne.interchange.anomalies import Anomalie
from sne.interchange.ecriture import ecrire
from sne.interchange.lecture import DEMANDE_LOGEMENT, RACINE, FichierNuu, lire
from sne.services import demandes, formulaire, radiation
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class ResultatImport:
    """What an import did: the file type, the demande concerned, and the anomalies (if refused).

    ``changements`` lists the fields a MOD file changed (empty: nothing to change).
    """

    type_fichier: str | None
    numero: str | None
    anomalies: tuple[Anomalie, ...] = ()
    changements: tuple[str, ...] = ()

    @property
    def accepte(self) -> bool:
        """True when the file was imported."""
        return not self.anomalies


def importer(
    uow: Callable[[], UnitOfWork], acteur: Acteur, contenu: bytes, *, aujourd_hui: date
) -> ResultatImport:
    """Import the file ``contenu`` on behalf of ``acteur``; anomalies are returned, not raised."""
    fichier = lire(contenu)
    numero = fichier.numero_origine if fichier.type_fichier == "CRS" else fichier.numero
    if fichier.anomalies:
        return ResultatImport(fichier.type_fichier, numero, fichier.anomalies)
    contexte = _controler_contexte(fichier, acteur, aujourd_hui)
    if fichier.type_fichier is None:
        contexte.append(
            Anomalie(
                "EXTRAIT_NON_IMPORTABLE",
                f"{RACINE}/entete",
                "extrait de demande sans typeFichier : il se lit sans anomalie, mais n'indique "
                "aucune opération (CRE, CRS, MOD, REN ou RAD) à appliquer",
            )
        )
    if contexte:
        return ResultatImport(fichier.type_fichier, numero, tuple(contexte))
    try:
        return _appliquer(uow, acteur, fichier, aujourd_hui)
    except SneError as refus:
        return ResultatImport(
            fichier.type_fichier, numero, tuple(anomalies_du_refus(refus, fichier))
        )


def _controler_contexte(fichier: FichierNuu, acteur: Acteur, aujourd_hui: date) -> list[Anomalie]:
    anomalies = []
    if (
        acteur.guichet_code is not None
        and fichier.guichet is not None
        and fichier.guichet != acteur.guichet_code
    ):
        anomalies.append(
            Anomalie(
                "GUICHET_INCOHERENT",
                f"{DEMANDE_LOGEMENT}/numGuichet",
                f"fichier émis pour le guichet {fichier.guichet}, mais le compte « {acteur.login} » "
                f"est rattaché au guichet {acteur.guichet_code}",
            )
        )
    if fichier.date_fichier is not None and fichier.date_fichier > aujourd_hui:
        anomalies.append(
            Anomalie(
                "DATE_FICHIER_FUTURE",
                f"{RACINE}/entete/dateFichier",
                f"fichier daté du {fichier.date_fichier:%d/%m/%Y}, postérieur au jour de l'import "
                f"({aujourd_hui:%d/%m/%Y})",
            )
        )
    return anomalies


def _appliquer(
    uow: Callable[[], UnitOfWork], acteur: Acteur, fichier: FichierNuu, aujourd_hui: date
) -> ResultatImport:
    type_fichier = fichier.type_fichier
    if type_fichier == "CRE":
        assert fichier.document is not None
        faite = demandes.enregistrer(
            uow(),
            acteur,
            fichier.document,
            aujourd_hui=aujourd_hui,
            date_depot=fichier.date_creation,
            forcer_doublon=fichier.justification_doublon,
        )
        return ResultatImport("CRE", faite.numero)
    if type_fichier == "CRS":
        assert fichier.document is not None and fichier.numero_origine is not None
        if fichier.date_creation is not None:
            _verifier_date_creation(uow, acteur, fichier, fichier.numero_origine)
        faite = _scinder(uow, acteur, fichier, aujourd_hui)
        return ResultatImport("CRS", faite.numero)
    assert fichier.numero is not None
    if type_fichier == "MOD":
        vue = _verifier_date_creation(uow, acteur, fichier, fichier.numero)
        aligne = aligner(fichier, vue.document["personnes"])
        assert aligne.document is not None
        try:
            changes = demandes.modifier(
                uow(),
                acteur,
                fichier.numero,
                aligne.document,
                justification=fichier.justification,
                forcer_doublon=fichier.justification_doublon,
                aujourd_hui=aujourd_hui,
            )
        except SneError as refus:
            # The service names the persons by their rank in the aligned document.
            return ResultatImport("MOD", vue.numero, tuple(anomalies_du_refus(refus, aligne)))
        return ResultatImport("MOD", vue.numero, changements=tuple(changes))
    if type_fichier == "REN":
        if fichier.date_creation is not None:
            _verifier_date_creation(uow, acteur, fichier, fichier.numero)
        faite = demandes.renouveler(uow(), acteur, fichier.numero, aujourd_hui=aujourd_hui)
        return ResultatImport("REN", faite.numero)
    assert type_fichier == "RAD" and fichier.motif_radiation is not None
    if fichier.date_creation is not None:
        _verifier_date_creation(uow, acteur, fichier, fichier.numero)
    radiee = radiation.radier(
        uow(),
        acteur,
        fichier.numero,
        fichier.motif_radiation,
        aujourd_hui=aujourd_hui,
        donnees=fichier.donnees_radiation,
    )
    return ResultatImport("RAD", radiee.numero)


def _scinder(
    uow: Callable[[], UnitOfWork], acteur: Acteur, fichier: FichierNuu, aujourd_hui: date
) -> demandes.DemandeEnregistree:
    """Split the origin demande of a CRS file (the justification is its proof of separation)."""
    assert fichier.document is not None and fichier.numero_origine is not None
    return radiation.scinder(
        uow(),
        acteur,
        fichier.numero_origine,
        fichier.document,
        aujourd_hui=aujourd_hui,
        justification=fichier.justification or "",
    )


def _verifier_date_creation(
    uow: Callable[[], UnitOfWork], acteur: Acteur, fichier: FichierNuu, numero: str
) -> demandes.DemandeVue:
    """Read the demande ``numero``; refuse if the file's filing date is not its own.

    A mistyped number (no check character exists) is caught here before any write.
    """
    vue = demandes.consulter(uow(), acteur, numero)
    if fichier.date_creation is not None and fichier.date_creation != vue.date_depot:
        raise Conflict(
            f"la demande {vue.numero} a été déposée le {vue.date_depot:%d/%m/%Y}, le fichier "
            f"indique le {fichier.date_creation:%d/%m/%Y} : vérifier le numéro unique",
            code="DATE_CREATION_INCOHERENTE",
        )
    return vue


def _identite(personne: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        personne.get("role"),
        formulaire.comparable(personne.get("nom_naissance")),
        formulaire.comparable(personne.get("prenoms")),
        personne.get("date_naissance"),
        personne.get("date_naissance_prevue"),
    )


def _ressources(ressources: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any]]:
    return [(r["type"], r["montant_mensuel"]) for r in ressources]


def aligner(fichier: FichierNuu, actuelles: Sequence[Mapping[str, Any]]) -> FichierNuu:
    """Order a MOD file's persons (and resources) like the registered ones, where they match.

    A file groups persons by role and resources by direction, while a demande
    keeps them in the order they were entered; modifications are traced rank by
    rank, so an unchanged person must keep its rank. Persons are paired first
    by identity, then by role in order (a corrected name stays in place);
    newcomers follow. Resources equal up to order keep the registered order.
    """
    if fichier.document is None:
        return fichier
    nouvelles = fichier.document["personnes"]
    libres = list(range(len(actuelles)))
    places: dict[int, int] = {}
    for egal in (
        lambda a, n: _identite(a) == _identite(n),
        lambda a, n: a.get("role") == n.get("role"),
    ):
        for j, nouvelle in enumerate(nouvelles):
            if j in places:
                continue
            i = next((i for i in libres if egal(actuelles[i], nouvelle)), None)
            if i is not None:
                places[j] = i
                libres.remove(i)
    ordre = sorted(places, key=places.__getitem__) + [
        j for j in range(len(nouvelles)) if j not in places
    ]
    aligne = fichier.reordonner(ordre)
    assert aligne.document is not None
    for rang, j in enumerate(ordre, start=1):
        if j not in places:
            continue
        avant = _ressources(actuelles[places[j]].get("ressources") or [])
        apres = _ressources(aligne.document["personnes"][rang - 1]["ressources"])
        if avant != apres and sorted(avant) == sorted(apres):
            restant = list(range(len(apres)))
            ordre_r = []
            for valeur in avant:
                k = next(k for k in restant if apres[k] == valeur)
                restant.remove(k)
                ordre_r.append(k)
            aligne = aligne.reordonner_ressources(rang, ordre_r)
    return aligne


def anomalies_du_refus(refus: SneError, fichier: FichierNuu) -> list[Anomalie]:
    """Turn a service's refusal into anomalies naming the file's elements."""
    if isinstance(refus, ValidationError):
        return [
            Anomalie(refus.code, fichier.chemin(champ), texte)
            for champ, texte in refus.problems.items()
        ]
    if refus.code == "DOUBLON_PROBABLE":
        return [
            Anomalie(
                refus.code,
                fichier.chemin("personnes[1]"),
                f"la demande active {numero} concerne probablement la même personne ({raison}) ; "
                "pour importer malgré tout, justifier dans l'élément justificationDoublon",
            )
            for numero, raison in refus.details.items()
        ]
    message = refus.message
    if refus.code == "JUSTIFICATION_REQUISE" and refus.details.get("champs"):
        message += " — éléments modifiés : " + ", ".join(
            fichier.chemin(champ) for champ in refus.details["champs"]
        )
    return [Anomalie(refus.code, _chemin_du_refus(refus.code, fichier), message)]


def _chemin_du_refus(code: str, fichier: FichierNuu) -> str:
    numero = "numUniqueOrigine" if fichier.type_fichier == "CRS" else "numUnique"
    chemins = {
        "JUSTIFICATION_REQUISE": f"{DEMANDE_LOGEMENT}/justification",
        "NUMERO_INCONNU": f"{DEMANDE_LOGEMENT}/{numero}",
        "NUMERO_INVALIDE": f"{DEMANDE_LOGEMENT}/{numero}",
        "DEMANDE_RADIEE": f"{DEMANDE_LOGEMENT}/{numero}",
        "DEMANDE_CLOSE": f"{DEMANDE_LOGEMENT}/{numero}",
        "SANS_COTITULAIRE": f"{DEMANDE_LOGEMENT}/{numero}",
        "DATE_DEPOT_INVALIDE": f"{DEMANDE_LOGEMENT}/dateCreationDemande",
        "DATE_CREATION_INCOHERENTE": f"{DEMANDE_LOGEMENT}/dateCreationDemande",
        "RADREN_AUTOMATIQUE": f"{DEMANDE_LOGEMENT}/radiation/motif/@code",
        "COTITULAIRE_DIFFERENT": fichier.chemin("personnes[1]"),
        "GUICHET_INCONNU": f"{DEMANDE_LOGEMENT}/{numero}",
        "GUICHET_INCOHERENT": f"{DEMANDE_LOGEMENT}/{numero}",
        "DATE_RENOUVELLEMENT_INVALIDE": f"{DEMANDE_LOGEMENT}/dateDernierRenouvellement",
    }
    return chemins.get(code, DEMANDE_LOGEMENT)


def exporter(
    uow: UnitOfWork,
    acteur: Acteur,
    numero: str,
    *,
    aujourd_hui: date,
    type_fichier: str = "CRE",
    version: str = f.VERSION_COURANTE,
) -> bytes:
    """Write the demande ``numero`` as a CRE or MOD file of interface ``version``.

    ``numGuichet`` is the exporting agent's guichet (the demande's own for an
    account without one); a CRE carries no ``numUnique`` (the receiving system
    numbers it) but the filing date as ``dateCreationDemande``.
    """
    if type_fichier not in f.TYPES_EXPORT:
        raise SneError(
            f"Type de fichier « {type_fichier} » : seuls CRE et MOD s'exportent.",
            code="TYPE_FICHIER_INCONNU",
        )
    if version not in f.VERSIONS:
        raise SneError(f"Version « {version} » inconnue (02.00 ou 02.01).", code="VERSION_INCONNUE")
    vue = demandes.consulter(uow, acteur, numero)
    if vue.statut == "purgee":
        raise Conflict(
            f"La demande {vue.numero} a été purgée : ses données personnelles n'existent plus.",
            code="DEMANDE_PURGEE",
        )
    return ecrire(
        vue.document,
        type_fichier=type_fichier,
        version=version,
        date_fichier=aujourd_hui,
        guichet=acteur.guichet_code or vue.guichet,
        numero=vue.numero if type_fichier == "MOD" else None,
        date_creation=vue.date_depot,
    )
