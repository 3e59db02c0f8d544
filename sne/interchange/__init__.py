"""interfaceNuu: the XML files privative systems exchange with the SNE (import and export).

``lecture`` reads and checks a file (no database), ``ecriture`` writes one,
``echanges`` joins them to the services (``importer``, ``exporter``).

The file::

    <interfaceNuu xmlns="http://nuu.application.i2/" versionInterface="02.01">
      <entete><typeFichier>CRE</typeFichier><dateFichier>2026-03-16</dateFichier></entete>
      <demande><demandeLogement>…</demandeLogement></demande>
    </interfaceNuu>

``typeFichier``: CRE, CRS, MOD, REN, RAD are imported (SUP, DIS, COP are the
SNE's own and refused); absent on an extract (read whole, nothing to import).
``dateFichier`` is a date or a date-time (with an offset or not) not after the
day of the import. Elements are namespace-qualified (any prefix); their order
is free on import (written in the schema's order), each single element at
most once. Names of the real files; *ours* in italics (public sources show
none for them).

``demandeLogement``: ``numUnique`` (MOD, REN, RAD, extracts), *numUniqueOrigine*
(CRS), ``numGuichet`` (the sending guichet; may be absent when ``numUnique``
is there), ``dateCreationDemande``, *justification*, *justificationDoublon*,
``personnePhysique`` (or *personneMorale*), ``logementRecherche``, *radiation*;
in an extract only (the take-over, ``reprise``): *dateDernierRenouvellement* and
*listeEvenement/evenement* (*dateEvenement*, *typeEvenement@code*, *commentaire*).

Document fields (``sne.services.formulaire``) ← elements:

=====================================  ==================================================
``demandeur``                          the applicant (person elements below) and
  ``situationFamiliale@code``          situation_familiale
  ``telPortable``, *telFixe*, ``mel``  telephone_portable, telephone_fixe, email
  *consentementSms* (02.01 only)       consentement_sms
  ``adressePostale/etranger``,         adresse_etranger, adresse_numero, adresse_ligne1,
  ``numero``, ``voie``, *complement*,  adresse_ligne2, code_postal, commune_insee,
  ``codePostal``, ``commune@code``,    commune, pays
  *libelleCommune*, *pays*
  ``revenuFiscal/anneeMoins1``…        revenu_fiscal_annee_n1, revenu_fiscal_n1, …_n2
  ``listeRessource{Recue,Versee}``     the applicant's ressources
  ``…PersACharge``                     ressources of the first dependant
``listeCotitulaire/cotitulaire``       role cotitulaire: ``lienDemandeur@code`` → lien,
                                       ``situationFamiliale``, ``revenuFiscal`` (its own)
``listePersonneACharge/``              role a_charge: ``sexe@code``, ``lienParente@code``
``personneACharge``                    (E, P, A: stored as they are)
``personneANaitre``                    ``nombre`` persons of role a_naitre on
                                       ``dateNaissancePrevue``
``listePersonneEnGarde/``              role garde_alternee: ``dateNaissance``,
``personneEnGarde``                    ``sexe@code``, ``coParentalite@code``; *nom*, *prenom*
``logementActuel/``                    logement_actuel (one), logement_actuel_loyer,
``listeModeleLogement/modeleLogement`` _habitants, _categorie, _type, _surface,
``@code``, ``montantMensuelLoyer``,    _proprietaire; *bailleur*
``nombreHabitant``,
``categorieLogement@code``,
``typeLogementActuel@code``,
``surface``, ``proprietaire``
*listeMotif/motif@code*                motifs (01–23); *precisionMotif*: motif_precision
*handicap*                             *logementAdapte*, *fauteuilRoulant*, *precision*,
                                       *etat@code*, *capaciteMarche@code*,
                                       *natureMotrice@code*, *natureSensorielle@code*,
                                       *listeAideTechnique/aideTechnique@code*,
                                       *listeEquipement/equipement@code* (``sne.codes``)
=====================================  ==================================================

Person elements: ``civilite@code`` (1, 2, and 3 Mademoiselle of old files), ``nom`` (the
name in use) and ``nomPatronymique`` (the birth name; when absent ``nom`` is the
birth name), ``prenom``, ``dateNaissance``, ``sexe@code``, *communeNaissance*,
``nationalite@code``, *mineurEmancipe*, ``situationProfessionnelle``
(``profession``, ``typeContratTravail@code``, ``nomEmployeurPrincipal``, and
the workplace: ``etranger``, ``codePostal``, ``commune@code``,
*libelleCommune*), resources as ``detailRessource`` (``ressource@code``,
monthly ``montant``).

*personneMorale*: *raisonSociale*, *siret*, the contacts above, then
``demandeur`` (the person housed: person elements only) and the household lists.

``logementRecherche``: ``demandeElargie``, ``listeTypeLogement/typeLogement@code``,
*categorieLogement@code*,
``listeLocalisationSouhaite/localisationSouhaite/commune@code``, *loyerMaximum*.

*radiation* (RAD): *motif@code* (RADATT, RADABA, RADCON, RADIRR),
*sousMotif@code*, *dateAvertissement*, *commentaire*, *logementAttribue*
(*adresse*, *codePostal*, *libelleCommune*, *identifiantRpls*, *zusQpv@code*
(ZUSOUI, ZUSNON, ZUSNSP), *surface*, *typologie@code*, *reservataire@code*,
*statutDalo@code*, *typologieDalo@code* (01–99), *accordCollectif@code* (ACD, ACI, AUCUN,
NONDOC), *dateBail*, *bailleur*). In an extract (a take-over), a *radiation* adds
*dateRadiation*: the demande is taken over radiated.

Every code is stored as the official list spells it (``sne.codes``): no code is
translated at the border.

Values: dates ``AAAA-MM-JJ``; amounts with a decimal point (``1650.00``);
booleans ``true``/``false`` (``1``/``0`` read too), absent meaning false.
What the demande cannot keep (a second ``modeleLogement``, dependants'
resources without a dependant) is an anomaly, never dropped.

Order: an imported document lists the persons by role (applicant,
co-holders, dependants, expected births, children in custody), received
resources before paid ones; a MOD keeps the registered order of the persons
and resources it matches (``echanges.aligner``), so re-importing an exported
MOD changes nothing.
"""

from sne.interchange.anomalies import Anomalie
from sne.interchange.echanges import ResultatImport, aligner, exporter, importer
from sne.interchange.ecriture import ecrire
from sne.interchange.format import VERSION_COURANTE, VERSIONS
from sne.interchange.lecture import TAILLE_MAX, FichierNuu, lire

__all__ = [
    "TAILLE_MAX",
    "VERSIONS",
    "VERSION_COURANTE",
    "Anomalie",
    "FichierNuu",
    "ResultatImport",
    "aligner",
    "ecrire",
    "exporter",
    "importer",
    "lire",
]
