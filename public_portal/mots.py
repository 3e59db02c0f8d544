"""The Cerfa's labels and hints in an applicant's words (the guichets keep the form's own).

Keys are those of ``mot(cle, texte)`` in ``ui/cerfa.html``: a field's name for its
label, ``name.aide`` for its hint. Applicants are spoken to as « vous », never as
« le demandeur », and every term of the trade gets a hint saying where to find it.
"""

from __future__ import annotations

MOTS_DEMANDEUR = {
    "type_demandeur": "Qui fait la demande ?",
    "type_demandeur.aide": (
        "« Une personne morale » seulement si vous demandez au nom d'un organisme : "
        "vous êtes alors la personne 1, son représentant"
    ),
    "civilite": "Madame ou Monsieur",
    "nom_usage": "Nom utilisé au quotidien",
    "nom_usage.aide": "Par exemple le nom d'époux ou d'épouse, s'il diffère du nom de naissance",
    "lien": "Lien avec vous",
    "mineur_emancipe": "Mineur émancipé (moins de 18 ans, émancipé par un juge)",
    "ajouter.cotitulaire": "la personne qui signera le bail avec vous (co-titulaire)",
    "ajouter.a_charge": "un enfant ou une autre personne à votre charge",
    "email.aide": "Nous vous y écrirons, entre autres un mois avant la fin de validité de la demande",
    "consentement_sms": "J'accepte de recevoir des SMS",
    "situation_familiale": "Votre situation familiale",
    "revenu_fiscal.aide": (
        "Le montant « Revenu fiscal de référence » de votre dernier avis d'impôt "
        "(sur la première page), pour tout le foyer"
    ),
    "revenu_fiscal_n2.aide": "Le même montant, sur l'avis d'impôt de l'année d'avant",
    "ressource": "Type de revenu",
    "logement_actuel": "Où habitez-vous aujourd'hui ?",
    "logement_actuel_bailleur": "Nom de votre propriétaire ou de l'organisme qui vous loue",
    "logement_actuel_bailleur.aide": "Si vous êtes locataire",
    "logement_actuel_type": "Taille de votre logement (T1 : une pièce principale, T2 : deux…)",
    "motifs": "Pourquoi demandez-vous un logement social ?",
    "types_logement": "Taille de logement que vous cherchez (T1 : une pièce principale…)",
    "communes_souhaitees.aide": (
        "Le code de chaque commune (5 caractères, ce n'est pas le code postal : 13055 pour "
        "Marseille), séparés par des virgules, 8 au plus ; la mairie ou le site de l'Insee "
        "le donnent"
    ),
    "demande_elargie": "J'accepte aussi les communes voisines",
}
