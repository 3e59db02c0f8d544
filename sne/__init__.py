"""SNE: registration of social-housing demands (Système National d'Enregistrement).

Domain core: models, rules and services; no Flask, no RQ. Glossary of the
French domain words used as identifiers:

- demande: a demand for social housing (Cerfa 14069), identified by its numéro unique;
- demandeur: the applicant; cotitulaire: the co-holder; personne à charge: dependant;
- guichet (enregistreur): a registration counter (landlord, commune, État...), code ``G`` + 4;
- territoire: the département (or Île-de-France, ``111``) that issues numbers;
- enregistrer / modifier / renouveler / radier / réactiver / scinder: register / modify /
  renew / radiate (close) / reactivate / split a couple's demand;
- ancienneté (``date_depot``): the first filing date, kept by renewals;
- radiation and its motifs (RADATT attribution, RADABA renonciation, RADCON no reply,
  RADIRR irrecevabilité, RADREN non-renouvellement);
- préavis: the warning sent a month before expiry; purge: erasure of personal data;
- piece (justificative): a supporting document in the demande's dossier;
- fiche (récapitulative), bordereau (de transmission), envoi: separator sheets and a
  paper sending; attestation: the registration or renewal certificate;
- historique: the append-only trace of every write; acteur: who acts (``sne.acteurs`` holds
  the built-in ones: ``SYSTEME``, ``ADMIN_CLI``, ``PORTAIL``);
- numérotation: the allocation of numéros uniques (``sne.numero`` builds and parses one);
- cycle quotidien: the daily run (préavis, radiation for non-renewal, purge, late alerts);
  ``sne lifecycle`` on the command line; a ``paquet`` is the 500 demandes it handles per
  transaction;
- lot: one scanned batch (or one uploaded file) deposited for processing, on a ``canal``;
  dossier (of a lot): the pages of one demande found in it;
- rattachement: attaching a lot's dossier, as pieces, to its demande;
- téléversement: a piece uploaded file by file (public portal, guichet), channel
  ``portail_demandeur`` for applicants;
- échéance: the due date of a lot or an envoi (two working days after reception);
- signalement: a guichet's report of a suspected duplicate to the territorial manager;
- notification: a mail prepared after a lot is processed, sent after the commit;
- reprise: the take-over of a territory's existing demandes (numbers, ancienneté and
  history kept) from a previous system's interfaceNuu extracts (its ``lot``: the 500
  demandes taken per transaction, not a scanned batch);
- extrait: an interfaceNuu file without ``typeFichier``, one demande as the SNE returns it.
- dépôt en ligne: a demande filed by its applicant on the public portal, numbered by the
  guichet ``GDPUB``; brouillon: its draft, saved between steps (purged after 90 days);
  vérification (de la pièce d'identité): a guichet's check of the identity piece it came with.
"""
