"""interfaceNuu: the XML files privative systems exchange with the SNE (import and export).

``lecture`` reads and checks a file (no database), ``ecriture`` writes one,
``echanges`` joins them to the services (``importer``, ``exporter``).

The file::

    <interfaceNuu xmlns="http://nuu.application.i2/" versionInterface="02.01">
      <entete><typeFichier>CRE</typeFichier><dateFichier>2026-03-16</dateFichier></entete>
      <demande><demandeLogement>…</demandeLogement></demande>
    </interfaceNuu>

``typeFichier``: CRE, CRS, MOD, REN, RAD are imported (SUP, DIS, COP are the
SNE's own and refused); ``dateFichier`` is a date (or a date and time) not
after the day of the import. Elements are namespace-qualified (any prefix);
their order is free on import, each single element at most once.

``demandeLogement`` — names from the reference, *ours* in italics:

- ``numUnique`` (MOD, REN, RAD; absent from CRE and CRS), *numUniqueOrigine*
  (CRS: the couple's demande), ``numGuichet`` (the sending guichet: must be the
  importing account's), ``dateCreationDemande`` (CRE: the filing date; MOD,
  REN, RAD, CRS: optional, checked against the registered filing date to catch
  a mistyped number), *justification* (CRS: proof of separation, mandatory;
  MOD: the piece justifying an identity change), *justificationDoublon*
  (CRE, MOD: register despite probable duplicates — a forced duplicate).
- ``personnePhysique`` (or *personneMorale*), ``logementRecherche`` (CRE, CRS,
  MOD: the whole demande; a MOD replaces everything, an absent element empties
  its field), *radiation* (RAD).

Document fields (``sne.services.formulaire``) ← elements:

=============================  ==========================================================
``personnePhysique/``
``demandeur``                  the applicant: person elements below, plus
  ``situationFamiliale@code``  situation_familiale
  *adressePostale*             *ligne1*, *ligne2*, *codePostal*, *libelleCommune*, *pays*
  ``telPortable``, *telFixe*,  telephone_portable, telephone_fixe, email
  ``mel``
  *consentementSms*            consentement_sms (**02.01 only**: unknown in a 02.00 file,
                               never written in one; a 02.00 MOD keeps the registered value)
  ``revenuFiscal``             *revenuN1*, *revenuN2*: revenu_fiscal_n1, revenu_fiscal_n2
``listeCotitulaire/``          persons of role cotitulaire (``lien@code`` M, P, C, L)
*cotitulaire*
``listePersonneACharge/``      role a_charge (``lien@code`` ENF, ASC, COL, AUT)
*personneACharge*
``personneANaitre``            role a_naitre (repeatable; *dateNaissancePrevue*)
``listePersonneEnGarde/``      role garde_alternee
*personneEnGarde*
``logementActuel@code``        logement_actuel; *bailleur*, *loyer* (0.00), *surface*,
                               *typeLogement@code*
*listeMotif/motif@code*        motifs (01–23); *precisionMotif*: motif_precision
*handicap*                     *logementAdapte*, *fauteuilRoulant*, *precision*
=============================  ==========================================================

Person elements (every person): ``civilite@code``, ``nom`` (birth name),
*nomUsage*, ``prenom`` (all first names), ``dateNaissance``,
*dateNaissancePrevue*, *communeNaissance*, ``nationalite@code``, *lien@code*,
*mineurEmancipe*, ``situationProfessionnelle`` (*contratTravail@code*,
*profession*, *employeur*, *communeTravail*), ``listeRessourceRecue/``
*ressourceRecue@code* and ``listeRessourceVersee/`` *ressourceVersee@code*
(PAV), each with *montantMensuel*.

*personneMorale*: *raisonSociale*, *siret*, the contact elements above, then
``demandeur`` (the person housed: person elements only) and the household lists.

``logementRecherche``: ``listeTypeLogement/typeLogement@code``,
*categorieLogement@code*,
``listeLocalisationSouhaite/localisationSouhaite/commune@code`` (INSEE codes),
``demandeElargie``, *loyerMaximum*.

*radiation* (RAD): *motif@code* (RADATT, RADABA, RADCON, RADIRR),
*sousMotif@code*, *dateAvertissement*, *commentaire*, *logementAttribue*
(*adresse*, *codePostal*, *libelleCommune*, *identifiantRpls*, *zusQpv@code*,
*surface*, *typologie@code*, *reservataire@code*, *statutDalo@code*,
*accordCollectif*, *dateBail*, *bailleur*).

Values: dates ``AAAA-MM-JJ``; amounts with a decimal point (``1650.00``);
booleans ``true``/``false`` (``1``/``0`` read too), absent meaning false;
codes are those of ``sne.codes``, exactly as written there.

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
