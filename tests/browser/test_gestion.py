"""The territorial manager's journeys in a real browser: open an account, answer a complaint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from sne.acteurs import SYSTEME, acteur_pour
from sne.models import Preavis
from sne.services import demandes, doublons, radiation
from tests.browser.conftest import Visite
from tests.factories import document_demande

GESTIONNAIRE = "gestion.13"


def _radiee_pour_non_renouvellement(portail: dict[str, Any]) -> str:
    """A demande filed 14 months ago, warned by post, radiated by the system last month."""
    uow, aujourd_hui = portail["uow"], portail["aujourd_hui"]
    depot = aujourd_hui - relativedelta(months=14)
    with uow() as unit:
        agent = acteur_pour(unit.session, "agent.nord")
    numero = demandes.enregistrer(
        uow(), agent, document_demande(foyer=7, email=None), aujourd_hui=depot
    ).numero
    with uow() as unit:
        demande = demandes.charger(unit.session, numero, verrou=True)
        unit.session.add(
            Preavis(
                demande_id=demande.id,
                date_expiration=demande.date_expiration,
                date_envoi=demande.date_expiration - relativedelta(months=1),
                canal="courrier",
                destinataire="Mme Claire Nguyen\n12 rue des Tanneurs\n13002 MARSEILLE",
            )
        )
        jour: date = demande.date_expiration + relativedelta(months=1)
        radiation.radier_non_renouvellement(unit.session, SYSTEME, demande, jour)
        unit.commit()
    return numero


def test_the_manager_opens_an_account_from_the_console(
    visite: Visite, capture: Callable[[Any, str], None]
) -> None:
    page = visite.page
    visite.connecter(GESTIONNAIRE)
    page.get_by_role("link", name="Console de gestion").first.click()
    visite.verifier()
    capture(page, "guichet_gestion")
    page.get_by_role("link", name="Comptes des utilisateurs").click()
    visite.verifier()
    page.get_by_role("link", name="Ouvrir un compte").click()
    visite.verifier()
    page.get_by_role("button", name="Ouvrir le compte").click()  # empty: errors beside fields
    visite.verifier()
    assert "pour envoyer le lien" in visite.erreur("Adresse électronique professionnelle")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Durand")
    page.get_by_label("Identifiant de connexion").fill("ines.durand")
    page.get_by_label("Rôle (obligatoire)", exact=True).select_option("agent_guichet")
    page.get_by_label("Guichet de rattachement").select_option(index=1)
    page.get_by_label("Adresse électronique professionnelle").fill("ines.durand@example.fr")
    page.get_by_role("button", name="Ouvrir le compte").click()
    visite.verifier()
    assert "/gestion/comptes/ines.durand" in page.url
    assert "Un lien pour choisir son mot de passe lui a été envoyé" in page.inner_text("body")
    page.get_by_label("Motif de la fermeture").fill("ouvert par erreur")
    page.get_by_role("button", name="Fermer le compte").click()
    visite.verifier()
    assert "ses sessions ouvertes sont terminées" in page.inner_text("body")


def test_the_manager_answers_a_complaint_with_a_reactivation(
    visite: Visite, portail: dict[str, Any], capture: Callable[[Any, str], None]
) -> None:
    numero = _radiee_pour_non_renouvellement(portail)
    page = visite.page
    visite.connecter(GESTIONNAIRE)
    visite.ouvrir("/gestion")
    page.get_by_role("link", name="Réclamations sur les radiations").click()
    visite.verifier()
    page.get_by_label("Numéro unique").fill(numero)
    page.get_by_role("button", name="Ouvrir le dossier").click()
    visite.verifier()
    corps = page.inner_text("body")
    assert "Non-renouvellement" in corps or "non-renouvellement" in corps
    assert "courrier postal" in corps and "12 rue des Tanneurs" in corps
    capture(page, "guichet_reclamation")
    page.get_by_role("button", name="Réactiver la demande").click()
    visite.verifier()
    assert "Pourquoi la demande est réactivée" in page.inner_text("body")
    page.get_by_label("Pourquoi la demande est réactivée").fill("lettre de préavis jamais reçue")
    page.get_by_role("button", name="Réactiver la demande").click()
    visite.verifier()
    assert "Demande réactivée" in page.inner_text("body")
    assert "lettre de préavis jamais reçue" in page.inner_text("body")


def test_the_audit_trail_and_its_verification(visite: Visite) -> None:
    visite.ouvrir("/gestion/activation/lien-de-demonstration")  # public: the new account's link
    visite.connecter(GESTIONNAIRE)
    visite.ouvrir("/gestion/guichets")
    visite.ouvrir("/gestion/guichets/G1302")
    visite.ouvrir("/gestion/guichets/nouveau")
    visite.ouvrir("/gestion/comptes?revue=1")
    visite.ouvrir("/gestion/corrections")
    visite.ouvrir("/gestion/audit?personne=agent.nord")
    # Who acted is shown by name (the account's login appears only as the object of its own lines).
    assert "Lucie Fabre" in visite.page.inner_text("table")
    visite.page.get_by_role("link", name="Vérifier l'intégrité de l'historique").click()
    visite.verifier()
    assert "Historique intact" in visite.page.inner_text("body")


def test_the_manager_merges_a_group_after_the_confirmation(
    visite: Visite, portail: dict[str, Any], capture: Callable[[Any, str], None]
) -> None:
    uow, aujourd_hui = portail["uow"], portail["aujourd_hui"]
    with uow() as unit:
        nord, mairie = (
            acteur_pour(unit.session, login) for login in ("agent.nord", "agent.mairie")
        )
    ancienne = demandes.enregistrer(
        uow(), nord, document_demande(foyer=8), aujourd_hui=aujourd_hui
    ).numero
    recente = demandes.enregistrer(
        uow(),
        mairie,
        document_demande(foyer=8, email="autre.adresse@example.fr"),
        aujourd_hui=aujourd_hui,
        forcer_doublon="le demandeur dit ne pas avoir de demande",
    ).numero
    page = visite.page
    visite.connecter(GESTIONNAIRE)
    visite.ouvrir("/gestion")
    page.get_by_role("link", name="Doublons probables").click()
    visite.verifier()
    page.get_by_role("row").filter(has_text=recente).get_by_role("link").click()
    visite.verifier()
    page.locator("label", has_text=f"{recente} : autre.adresse@example.fr").click()
    page.get_by_label("Justification de la fusion").fill("même personne, même date de naissance")
    capture(page, "guichet_fusion")
    page.get_by_role("button", name="Voir ce que la fusion changera").click()
    visite.verifier()
    assert "Rien n'est encore enregistré" in page.inner_text("body")
    assert "autre.adresse@example.fr" in page.inner_text("table")
    page.get_by_role("button", name="Confirmer la fusion").click()
    visite.verifier()
    assert page.url.endswith("/gestion/doublons")
    assert f"Demandes {recente} fusionnées dans {ancienne}" in page.inner_text("body")


def test_the_reports_queue_and_the_forced_duplicates_pass_axe(
    visite: Visite, portail: dict[str, Any]
) -> None:
    uow, aujourd_hui = portail["uow"], portail["aujourd_hui"]
    with uow() as unit:
        nord, mairie = (
            acteur_pour(unit.session, login) for login in ("agent.nord", "agent.mairie")
        )
    premiere = demandes.enregistrer(
        uow(), nord, document_demande(foyer=9), aujourd_hui=aujourd_hui
    ).numero
    seconde = demandes.enregistrer(
        uow(), mairie, document_demande(foyer=9), aujourd_hui=aujourd_hui, forcer_doublon="doute"
    ).numero
    doublons.signaler(uow(), nord, [premiere, seconde], commentaire="même personne ?")
    page = visite.page
    visite.connecter(GESTIONNAIRE)
    visite.ouvrir("/gestion/forcages")
    assert "doute" in page.inner_text("body")
    visite.ouvrir("/gestion/signalements")
    section = page.locator("section").filter(has_text=premiere)
    section.get_by_label("Raison du refus").fill("deux personnes différentes")
    section.get_by_role("button", name="Refuser le signalement").click()
    visite.verifier()
    assert "le guichet verra votre réponse" in page.inner_text("body")
    visite.ouvrir(f"/gestion/doublons/groupe?n={premiere}&n={seconde}")
    page.get_by_label("Pourquoi ce ne sont pas les mêmes personnes").fill("jumeaux")
    page.get_by_role("button", name="Écarter ce groupe").click()
    visite.verifier()
    assert seconde not in page.inner_text("body")
