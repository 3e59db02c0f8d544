"""Register, modify, renew and read demandes, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import select, update

from sne.errors import Conflict, Forbidden, NotFound, SneError, ValidationError
from sne.models import Demande, Historique, NumeroSequence
from sne.numero import SEQUENCE_MAX
from sne.services import demandes, radiation
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def test_registration_assigns_number_filing_date_and_expiry(ref: Referentiel) -> None:
    faite = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    assert faite.numero == "0130326000001G1301"
    assert faite.date_depot == JOUR
    assert faite.date_expiration == date(2027, 3, 16)
    vue = demandes.consulter(ref.uow(), ref.agent, faite.numero)
    assert vue.statut == "active"
    assert vue.guichet == "G1301"
    assert [p["prenoms"] for p in vue.document["personnes"]] == ["Claire Thi", "Karim", "Inès"]


def test_numbers_follow_each_other_and_carry_the_registering_guichet(ref: Referentiel) -> None:
    premier = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    second = demandes.enregistrer(
        ref.uow(), ref.autre_agent, document_demande(foyer=1), aujourd_hui=JOUR
    )
    assert premier.numero[7:13] == "000001"
    assert second.numero == "0130326000002G1302"


def test_a_refused_registration_does_not_consume_a_number(ref: Referentiel) -> None:
    with pytest.raises(ValidationError):
        demandes.enregistrer(ref.uow(), ref.agent, document_demande(motifs=[]), aujourd_hui=JOUR)
    faite = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    assert faite.numero.endswith("000001G1301")


def test_a_territory_that_used_every_number_of_the_year_is_refused(ref: Referentiel) -> None:
    premier = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR)
    with ref.uow() as uow:
        uow.session.execute(
            update(NumeroSequence)
            .where(NumeroSequence.territoire_code == "013", NumeroSequence.annee == 26)
            .values(dernier=SEQUENCE_MAX - 1)
        )
        uow.commit()
    dernier = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=1), aujourd_hui=JOUR
    )
    assert premier.numero == "0130326000001G1301"
    assert dernier.numero == "0130326999999G1301"
    with pytest.raises(Conflict) as error:
        demandes.enregistrer(ref.uow(), ref.agent, document_demande(foyer=2), aujourd_hui=JOUR)
    assert error.value.code == "NUMEROS_EPUISES"
    # Another year has its own counter.
    suivante = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=2), aujourd_hui=date(2027, 1, 4)
    )
    assert suivante.numero == "0130127000001G1301"


def test_paper_form_can_be_registered_with_its_reception_date(ref: Referentiel) -> None:
    faite = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR, date_depot=date(2026, 2, 27)
    )
    assert faite.numero.startswith("0130226")
    assert faite.date_expiration == date(2027, 2, 27)
    with pytest.raises(SneError) as error:
        demandes.enregistrer(
            ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR, date_depot=date(2026, 1, 2)
        )
    assert error.value.code == "DATE_DEPOT_INVALIDE"


def test_only_guichet_agents_register(ref: Referentiel) -> None:
    with pytest.raises(Forbidden) as error:
        demandes.enregistrer(ref.uow(), ref.gestionnaire, document_demande(), aujourd_hui=JOUR)
    assert "enregistrer" in error.value.message


def test_registration_is_traced_with_agent_and_guichet(ref: Referentiel) -> None:
    # The year's first number and the following ones take different paths on PostgreSQL.
    faites = [
        demandes.enregistrer(ref.uow(), ref.agent, document_demande(foyer=n), aujourd_hui=JOUR)
        for n in range(3)
    ]
    with ref.uow() as uow:
        for faite in faites:
            trace = uow.session.scalar(
                select(Historique).where(Historique.entite_id == faite.numero)
            )
            demande = uow.session.scalar(select(Demande).where(Demande.numero == faite.numero))
            assert trace is not None and demande is not None
            assert trace.action == "enregistrement"
            assert trace.entite == "demande"
            assert trace.demande_id == demande.id
            assert trace.utilisateur_id == ref.agent.utilisateur_id
            assert trace.guichet_id == ref.agent.guichet_id
            assert trace.changements == {
                "date_depot": "2026-03-16",
                "date_expiration": "2027-03-16",
            }
            assert demande.agent_id == ref.agent.utilisateur_id


def test_modification_is_traced_field_by_field(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    changes = demandes.modifier(
        ref.uow(), ref.autre_agent, numero, {"commune": "Aubagne", "code_postal": "13400"}
    )
    assert changes == {"code_postal": ["13002", "13400"], "commune": ["Marseille", "Aubagne"]}
    with ref.uow() as uow:
        trace = uow.session.scalars(
            select(Historique).where(Historique.action == "modification")
        ).one()
        assert trace.changements == {
            "code_postal": ["13002", "13400"],
            "commune": ["Marseille", "Aubagne"],
        }
        assert trace.guichet_id == ref.autre_agent.guichet_id
        assert not trace.changement_identite
    vue = demandes.consulter(ref.uow(), ref.agent, numero)
    assert vue.numero == numero and vue.date_depot == JOUR


def test_a_guichet_adds_a_child_born_after_the_filing(ref: Referentiel) -> None:
    """Ten months on, the newborn is checked against the day of the change, not the filing."""
    document = document_demande(foyer=2)
    numero = demandes.enregistrer(ref.uow(), ref.agent, document, aujourd_hui=JOUR).numero
    enfant = {"role": "a_charge", "nom_naissance": "Lefort", "prenoms": "Jade",
              "date_naissance": "2026-12-20", "lien": "E"}  # fmt: skip
    demandes.modifier(
        ref.uow(),
        ref.agent,
        numero,
        {"personnes": [*document["personnes"], enfant]},
        aujourd_hui=date(2027, 1, 16),
    )
    personnes = demandes.consulter(ref.uow(), ref.agent, numero).document["personnes"]
    assert personnes[-1]["prenoms"] == "Jade"
    assert personnes[-1]["date_naissance"] == date(2026, 12, 20)


def test_modification_without_change_traces_nothing(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    assert demandes.modifier(ref.uow(), ref.agent, numero, {"commune": "Marseille"}) == {}
    with ref.uow() as uow:
        assert (
            uow.session.scalar(select(Historique).where(Historique.action == "modification"))
            is None
        )


def test_identity_change_requires_a_justification_and_is_marked(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    personnes = demandes.consulter(ref.uow(), ref.agent, numero).document["personnes"]
    personnes[0]["nom_naissance"] = "Nguyen-Tran"
    with pytest.raises(SneError) as error:
        demandes.modifier(ref.uow(), ref.agent, numero, {"personnes": personnes})
    assert error.value.code == "JUSTIFICATION_REQUISE"
    assert error.value.details["champs"] == ["personnes[1].nom_naissance"]
    demandes.modifier(
        ref.uow(), ref.agent, numero, {"personnes": personnes}, justification="Acte de naissance"
    )
    with ref.uow() as uow:
        trace = uow.session.scalars(
            select(Historique).where(Historique.action == "modification")
        ).one()
        assert trace.changement_identite
        assert trace.justification == "Acte de naissance"
        assert trace.changements["personnes[1].nom_naissance"] == ["Nguyen", "Nguyen-Tran"]


def test_territorial_manager_cannot_change_an_identity(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    personnes = demandes.consulter(ref.uow(), ref.agent, numero).document["personnes"]
    personnes[0]["prenoms"] = "Clara"
    with pytest.raises(Forbidden):
        demandes.modifier(
            ref.uow(), ref.gestionnaire, numero, {"personnes": personnes}, justification="x"
        )


def test_renewal_keeps_number_and_anciennete(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    faite = demandes.renouveler(ref.uow(), ref.autre_agent, numero, aujourd_hui=date(2027, 2, 20))
    assert faite.numero == numero
    assert faite.date_depot == JOUR
    assert faite.date_renouvellement == date(2027, 2, 20)
    assert faite.date_expiration == date(2028, 2, 20)


def test_renewal_of_a_radiated_demand_is_refused_with_its_reason(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=date(2026, 5, 4))
    with pytest.raises(Conflict) as error:
        demandes.renouveler(ref.uow(), ref.agent, numero, aujourd_hui=date(2026, 6, 1))
    assert error.value.code == "DEMANDE_RADIEE"
    assert "radiée depuis le 04/05/2026" in error.value.message
    assert "Renonciation" in error.value.message


def test_another_territory_cannot_touch_the_demand(ref: Referentiel) -> None:
    numero = demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero
    autre = Referentiel(ref.uow, territoire="084")
    with pytest.raises(Forbidden) as error:
        demandes.renouveler(ref.uow(), autre.agent, numero, aujourd_hui=JOUR)
    assert "territoire 084" in error.value.message


def test_unknown_and_malformed_numbers_are_told_apart(ref: Referentiel) -> None:
    with pytest.raises(NotFound) as error:
        demandes.consulter(ref.uow(), ref.agent, "0130326999999G1301")
    assert error.value.code == "NUMERO_INCONNU"
    with pytest.raises(NotFound) as error:
        demandes.consulter(ref.uow(), ref.agent, "013-0326")
    assert error.value.code == "NUMERO_INVALIDE"
