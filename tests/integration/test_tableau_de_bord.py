"""The agent's worklist on SQLite and PostgreSQL: expiring soon, préavis, reports, activity."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from dateutil.relativedelta import relativedelta

from sne.acteurs import SYSTEME
from sne.services import cycle, demandes, doublons
from sne.services.tableau_de_bord import tableau_de_bord
from sne.services.trace import tracer
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def _enregistrer(ref: Referentiel, foyer: int, *, jour: date = JOUR, autre: bool = False) -> str:
    agent = ref.autre_agent if autre else ref.agent
    doc = document_demande(foyer=foyer, email=None if foyer % 2 else "a@example.fr")
    return demandes.enregistrer(ref.uow(), agent, doc, aujourd_hui=jour).numero


def _cycle(ref: Referentiel, jour: date) -> None:
    def garder(_message: EmailMessage) -> None:
        return None

    cycle.executer(
        ref.uow(), SYSTEME, jour, envoyer=garder, expediteur="s@example.fr", territoire="013"
    )


def test_demandes_of_the_guichet_expiring_within_a_month_with_their_preavis(
    ref: Referentiel,
) -> None:
    un_an_plus_tot = JOUR - relativedelta(years=1)
    bientot = _enregistrer(ref, 1, jour=un_an_plus_tot + relativedelta(days=20))
    deja = _enregistrer(ref, 2, jour=un_an_plus_tot + relativedelta(days=5))
    _enregistrer(ref, 3, jour=un_an_plus_tot + relativedelta(months=2))  # not yet
    _enregistrer(ref, 4, jour=un_an_plus_tot + relativedelta(days=10), autre=True)  # other guichet
    preavis = JOUR - relativedelta(days=20)
    _cycle(ref, preavis)  # a month before ``deja`` expires, not yet ``bientot``
    tableau = tableau_de_bord(ref.uow(), ref.agent, JOUR)
    assert [(d.numero, d.preavis_le) for d in tableau.a_expirer] == [
        (deja, preavis),
        (bientot, None),
    ]
    assert tableau.a_expirer_total == 2
    assert tableau.a_expirer[0].demandeur == "Claire Thi Nguyen"
    assert tableau.a_expirer[0].date_expiration == JOUR + relativedelta(days=5)


def test_preavis_sent_lately_say_their_channel_and_whether_the_demande_was_renewed(
    ref: Referentiel,
) -> None:
    un_an_plus_tot = JOUR - relativedelta(years=1)
    par_courrier = _enregistrer(ref, 1, jour=un_an_plus_tot + relativedelta(days=3))
    par_courriel = _enregistrer(ref, 2, jour=un_an_plus_tot + relativedelta(days=4))
    envoi = JOUR - relativedelta(days=20)
    _cycle(ref, envoi)
    demandes.renouveler(ref.uow(), ref.agent, par_courriel, aujourd_hui=JOUR)
    tableau = tableau_de_bord(ref.uow(), ref.agent, JOUR)
    assert [(p.numero, p.canal, p.renouvelee, p.date_envoi) for p in tableau.preavis_envoyes] == [
        (par_courrier, "courrier à poster", False, envoi),
        (par_courriel, "courriel", True, envoi),
    ]
    # The renewed demande no longer expires soon; the other still does.
    assert [d.numero for d in tableau.a_expirer] == [par_courrier]
    # Another guichet's agent sees none of them.
    assert tableau_de_bord(ref.uow(), ref.autre_agent, JOUR).preavis_envoyes == []


def test_reports_of_the_guichet_and_their_outcome(ref: Referentiel) -> None:
    a, b, c = (_enregistrer(ref, foyer) for foyer in (1, 2, 3))
    ouvert = doublons.signaler(ref.uow(), ref.agent, [a, b], commentaire="même famille")
    clos = doublons.signaler(ref.uow(), ref.agent, [b, c])
    doublons.clore_signalement(
        ref.uow(), ref.gestionnaire, clos, conclusion="Personnes différentes", rejete=True
    )
    tableau = tableau_de_bord(ref.uow(), ref.agent, JOUR)
    assert [(s.id, s.numeros, s.statut_libelle, s.conclusion) for s in tableau.signalements] == [
        (clos, (b, c), "Rejeté (pas un doublon)", "Personnes différentes"),
        (ouvert, (a, b), "En attente du gestionnaire", None),
    ]
    assert tableau_de_bord(ref.uow(), ref.autre_agent, JOUR).signalements == []
    # The territorial manager, without a guichet, sees the territory's reports.
    assert len(tableau_de_bord(ref.uow(), ref.gestionnaire, JOUR).signalements) == 2


def test_recent_activity_of_the_guichet_newest_first(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, 1)
    seconde = _enregistrer(ref, 2)
    demandes.renouveler(ref.uow(), ref.agent, premiere, aujourd_hui=JOUR)
    _enregistrer(ref, 3, autre=True)
    with ref.uow() as unit:  # an account's own line, as a sign-in writes it
        tracer(
            unit.session, ref.agent, entite="utilisateur", entite_id="agent13", action="connexion"
        )
        unit.commit()
    activite = tableau_de_bord(ref.uow(), ref.agent, JOUR).activite_recente
    assert [(a.numero, a.action_libelle) for a in activite] == [
        (premiere, "Renouvellement"),
        (seconde, "Enregistrement"),
        (premiere, "Enregistrement"),
    ]
    assert activite[0].agent == "agent_guichet Test"
    # The consultant of the territory sees the activity of every guichet of the territory.
    assert len(tableau_de_bord(ref.uow(), ref.consultant, JOUR).activite_recente) == 4
