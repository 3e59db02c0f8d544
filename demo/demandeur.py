"""The demo applicant: a confirmed public-portal account linked to a demande due for renewal.

``make run`` prints its address and password, so a reader can sign in on the
public portal at once and see a demande they can renew (it is within the
préavis month).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from demo.donnees import DEMO_MOT_DE_PASSE
from sne.acteurs import acteur_pour
from sne.models import CompteDemandeur, Demande, LienDemande
from sne.services import demandes, referentiel
from sne.uow import UnitOfWork, utcnow

#: The demo applicant's e-mail address (the password is the demo's).
EMAIL = "demandeur.demo@example.fr"
MOT_DE_PASSE = DEMO_MOT_DE_PASSE


def _document(depot: date) -> dict[str, object]:
    """A single applicant with a child, who gave the demo address."""
    return {
        "type_demandeur": "physique",
        "adresse_ligne1": "8 boulevard de la Libération",
        "code_postal": "13001",
        "commune": "Marseille",
        "email": EMAIL,
        "telephone_portable": "06 98 76 54 32",
        "situation_familiale": "C",
        "revenu_fiscal_n1": 15_200,
        "revenu_fiscal_n2": 14_800,
        "logement_actuel": "LP",
        "logement_actuel_loyer": "620.00",
        "logement_actuel_surface": 30,
        "logement_actuel_type": "T1",
        "motifs": ["09"],
        "types_logement": ["T2", "T3"],
        "categorie_logement": "A",
        "communes_souhaitees": ["13055"],
        "personnes": [
            {
                "role": "demandeur",
                "civilite": "2",
                "nom_naissance": "Démo",
                "prenoms": "Camille",
                "date_naissance": "1990-03-14",
                "nationalite": "1",
                "contrat_travail": "CDI",
                "ressources": [{"type": "SAL", "montant_mensuel": "1400.00"}],
            },
            {
                "role": "a_charge",
                "nom_naissance": "Démo",
                "prenoms": "Lou",
                "date_naissance": "2018-06-01",
                "lien": "E",
            },
        ],
    }


def creer_demandeur_demo(uow: Callable[[], UnitOfWork], aujourd_hui: date) -> str | None:
    """Create the demo applicant and their demande once; return the demande's numéro (else None)."""
    with uow() as unit:
        if unit.session.scalar(select(CompteDemandeur.id).where(CompteDemandeur.email == EMAIL)):
            return None
        agent = acteur_pour(unit.session, "agent.nord")
    depot = aujourd_hui - relativedelta(months=11, days=10)
    numero = demandes.enregistrer(uow(), agent, _document(depot), aujourd_hui=depot).numero
    compte_lie(uow, numero, EMAIL, MOT_DE_PASSE)
    return numero


def compte_lie(uow: Callable[[], UnitOfWork], numero: str, email: str, mot_de_passe: str) -> int:
    """A confirmed applicant's account linked to the demande ``numero`` as its applicant; its id.

    Written straight to the database, for the demo and the tests of what a linked
    applicant does (the linking itself goes through the pages and the mailed code).
    """
    with uow() as unit:
        session = unit.session
        demande = session.scalar(select(Demande).where(Demande.numero == numero))
        assert demande is not None and demande.demandeur is not None
        compte = CompteDemandeur(
            email=email,
            password_hash=referentiel.hacher(mot_de_passe),
            confirme_le=utcnow(),
            jeton_session=secrets.token_urlsafe(32),
            created_at=utcnow(),
        )
        session.add(compte)
        session.flush()
        session.add(
            LienDemande(
                compte_id=compte.id,
                demande_id=demande.id,
                personne_id=demande.demandeur.id,
                confirme_le=utcnow(),
                created_at=utcnow(),
            )
        )
        unit.commit()
        return compte.id
