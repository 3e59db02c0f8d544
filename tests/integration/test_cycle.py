"""The daily lifecycle at fixed dates: préavis, radiation for non-renewal, purge; run twice."""

from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from sne.acteurs import SYSTEME
from sne.errors import Forbidden
from sne.models import Demande, Historique, Personne, Piece, Preavis
from sne.services import cycle, demandes
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


class Boite:
    """Collects the mails the lifecycle sends (after commit)."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    def __call__(self, message: EmailMessage) -> None:
        self.mails.append(message)


def lancer(ref: Referentiel, jour: date, boite: Boite) -> cycle.BilanCycle:
    # Limited to the test's territory: the concurrency test commits demandes elsewhere.
    return cycle.executer(
        ref.uow(),
        SYSTEME,
        jour,
        envoyer=boite,
        expediteur="sne@example.fr",
        territoire=ref.territoire,
    )


@pytest.fixture
def deux(ref: Referentiel) -> tuple[str, str]:
    avec_mail = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    sans_mail = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1, email=None), aujourd_hui=JOUR
    )
    return avec_mail.numero, sans_mail.numero


def test_nothing_is_due_before_the_warning_month(ref: Referentiel, deux: tuple[str, str]) -> None:
    boite = Boite()
    bilan = lancer(ref, date(2027, 2, 15), boite)
    assert (bilan.preavis_email, bilan.preavis_courrier, bilan.radiees) == ([], [], [])
    assert boite.mails == []


def test_preavis_one_month_before_expiry_by_mail_or_letter(
    ref: Referentiel, deux: tuple[str, str]
) -> None:
    boite = Boite()
    bilan = lancer(ref, date(2027, 2, 16), boite)
    assert bilan.preavis_email == [deux[0]]
    assert bilan.preavis_courrier == [deux[1]]
    (mail,) = boite.mails
    assert mail["To"] == "claire.nguyen@example.fr"
    texte = mail.get_body(("plain",)).get_content()
    assert "16/03/2027" in texte and "radiée le 16/04/2027" in texte and deux[0] in texte
    assert mail.get_body(("html",)) is not None


def test_running_the_same_day_twice_sends_nothing_more(
    ref: Referentiel, deux: tuple[str, str]
) -> None:
    boite = Boite()
    lancer(ref, date(2027, 2, 20), boite)
    second = lancer(ref, date(2027, 2, 20), boite)
    assert (second.preavis_email, second.preavis_courrier) == ([], [])
    assert len(boite.mails) == 1
    with ref.uow() as uow:
        assert len(uow.session.scalars(select(Preavis)).all()) == 2


def test_renewal_gives_a_new_preavis_for_the_new_expiry(
    ref: Referentiel, deux: tuple[str, str]
) -> None:
    boite = Boite()
    lancer(ref, date(2027, 2, 20), boite)
    demandes.renouveler(ref.uow(), ref.agent, deux[0], aujourd_hui=date(2027, 3, 1))
    assert lancer(ref, date(2028, 1, 31), boite).preavis_email == []
    assert lancer(ref, date(2028, 2, 1), boite).preavis_email == [deux[0]]


def test_non_renewal_radiates_at_13_months(ref: Referentiel, deux: tuple[str, str]) -> None:
    boite = Boite()
    assert lancer(ref, date(2027, 4, 15), boite).radiees == []
    bilan = lancer(ref, date(2027, 4, 16), boite)
    assert sorted(bilan.radiees) == sorted(deux)
    vue = demandes.consulter(ref.uow(), ref.agent, deux[0])
    assert (vue.statut, vue.motif_radiation, vue.date_radiation) == (
        "radiee",
        "RADREN",
        date(2027, 4, 16),
    )
    assert lancer(ref, date(2027, 4, 16), boite).radiees == []


def test_missed_days_radiate_at_the_legal_date(ref: Referentiel, deux: tuple[str, str]) -> None:
    lancer(ref, date(2027, 4, 30), Boite())
    assert demandes.consulter(ref.uow(), ref.agent, deux[0]).date_radiation == date(2027, 4, 16)


def test_renewed_demand_is_not_radiated(ref: Referentiel, deux: tuple[str, str]) -> None:
    demandes.renouveler(ref.uow(), ref.agent, deux[0], aujourd_hui=date(2027, 4, 10))
    assert lancer(ref, date(2027, 4, 16), Boite()).radiees == [deux[1]]


def test_purge_one_year_after_radiation_keeps_statistics(
    ref: Referentiel, deux: tuple[str, str]
) -> None:
    lancer(ref, date(2027, 4, 16), Boite())
    with ref.uow() as uow:
        demande_id = uow.session.scalar(select(Demande.id).where(Demande.numero == deux[0]))
        uow.session.add(
            Piece(
                demande_id=demande_id,
                type="avis_imposition",
                pages=2,
                taille=180_000,
                sha256="0" * 64,
                canal="courrier_demandeur",
                storage_key="ab/cd/piece.pdf",
                created_at=utcnow(),
            )
        )
        uow.commit()
    assert lancer(ref, date(2028, 4, 15), Boite()).purgees == []
    bilan = lancer(ref, date(2028, 4, 16), Boite())
    assert sorted(bilan.purgees) == sorted(deux)
    assert bilan.fichiers_a_supprimer == ["ab/cd/piece.pdf"]
    with ref.uow() as uow:
        demande = uow.session.scalar(select(Demande).where(Demande.numero == deux[0]))
        assert demande is not None
        assert (demande.statut, demande.date_purge) == ("purgee", date(2028, 4, 16))
        assert (
            demande.email is None
            and demande.adresse_ligne1 is None
            and demande.telephone_portable is None
        )
        assert demande.statistiques is not None
        assert demande.statistiques["nb_personnes"] == 3
        assert demande.statistiques["composition"] == {
            "demandeur": 1,
            "cotitulaire": 1,
            "a_charge": 1,
        }
        assert demande.motifs == ["09", "13"]  # the demand's figures survive
        assert uow.session.scalar(select(Personne).where(Personne.demande_id == demande.id)) is None
        assert uow.session.scalar(select(Piece).where(Piece.demande_id == demande.id)) is None
        traces = uow.session.scalars(
            select(Historique).where(Historique.demande_id == demande.id)
        ).all()
        assert {t.action for t in traces} >= {"enregistrement", "radiation", "purge"}
        assert all("Nguyen" not in str(t.changements) for t in traces)
    assert lancer(ref, date(2028, 4, 16), Boite()).purgees == []


def test_lifecycle_is_for_the_system_or_an_administrator(ref: Referentiel) -> None:
    with pytest.raises(Forbidden):
        cycle.executer(ref.uow(), ref.agent, JOUR, envoyer=Boite(), expediteur="x@example.fr")


def test_purge_erases_the_disability_details_health_data(ref: Referentiel) -> None:
    numero = demandes.enregistrer(
        ref.uow(),
        ref.agent,
        document_demande(
            foyer=2,
            handicap_etat="EVO",
            handicap_capacite_marche="2",
            handicap_aides_techniques=["3"],
            handicap_equipements=["4"],
        ),
        aujourd_hui=JOUR,
    ).numero
    lancer(ref, date(2027, 4, 16), Boite())
    assert numero in lancer(ref, date(2028, 4, 16), Boite()).purgees
    with ref.uow() as uow:
        demande = uow.session.scalar(select(Demande).where(Demande.numero == numero))
        assert demande is not None
        assert (demande.handicap_etat, demande.handicap_capacite_marche) == (None, None)
        assert (demande.handicap_aides_techniques, demande.handicap_equipements) == ([], [])
