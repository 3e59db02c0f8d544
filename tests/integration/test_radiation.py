"""Radiation motifs and their data, reactivation, and the split of a couple's demande."""

from datetime import date

import pytest
from sqlalchemy import select

from sne.errors import Conflict, Forbidden, ValidationError
from sne.models import Demande, Historique, Radiation
from sne.services import demandes, radiation
from tests.conftest import JOUR
from tests.factories import ATTRIBUTION, Referentiel, document_demande


@pytest.fixture
def numero(ref: Referentiel) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR).numero


def test_attribution_records_the_dwelling(ref: Referentiel, numero: str) -> None:
    faite = radiation.radier(
        ref.uow(), ref.agent, numero, "RADATT", aujourd_hui=date(2026, 9, 2), donnees=ATTRIBUTION
    )
    assert faite.motif == "RADATT"
    with ref.uow() as uow:
        demande = uow.session.scalars(select(Demande).where(Demande.numero == numero)).one()
        ligne = uow.session.scalars(
            select(Radiation).where(Radiation.demande_id == demande.id)
        ).one()
        assert (ligne.logement_typologie, ligne.reservataire, ligne.statut_dalo) == (
            "T3",
            "PPRIOR",
            "ACTIF",
        )
        assert ligne.date_bail == date(2026, 9, 1) and ligne.logement_surface == 67
        assert (demande.statut, demande.date_radiation) == ("radiee", date(2026, 9, 2))


def test_attribution_without_its_details_lists_what_is_missing(
    ref: Referentiel, numero: str
) -> None:
    with pytest.raises(ValidationError) as error:
        radiation.radier(
            ref.uow(),
            ref.agent,
            numero,
            "RADATT",
            aujourd_hui=date(2026, 9, 2),
            donnees={"logement_adresse": "4 allée des Pins", "logement_typologie": "T12"},
        )
    problems = error.value.problems
    assert "obligatoire" in problems["date_bail"]
    assert "obligatoire" in problems["reservataire"]
    assert "inconnu" in problems["logement_typologie"]


def test_lease_signed_in_the_future_is_refused(ref: Referentiel, numero: str) -> None:
    with pytest.raises(ValidationError) as error:
        radiation.radier(
            ref.uow(),
            ref.agent,
            numero,
            "RADATT",
            aujourd_hui=date(2026, 8, 1),
            donnees=ATTRIBUTION,
        )
    assert "signature du bail" in error.value.problems["date_bail"]


def test_renunciation_is_immediate_and_needs_no_data(ref: Referentiel, numero: str) -> None:
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    assert demandes.consulter(ref.uow(), ref.agent, numero).motif_radiation == "RADABA"


def test_attribution_data_is_refused_for_another_motif(ref: Referentiel, numero: str) -> None:
    with pytest.raises(ValidationError):
        radiation.radier(
            ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR, donnees=ATTRIBUTION
        )


def test_no_reply_needs_a_warning_a_month_old(ref: Referentiel, numero: str) -> None:
    with pytest.raises(ValidationError) as error:
        radiation.radier(ref.uow(), ref.agent, numero, "RADCON", aujourd_hui=date(2026, 6, 10))
    assert "avertissement" in error.value.problems["date_avertissement"]
    with pytest.raises(ValidationError) as error:
        radiation.radier(
            ref.uow(),
            ref.agent,
            numero,
            "RADCON",
            aujourd_hui=date(2026, 6, 10),
            donnees={"date_avertissement": "2026-05-20"},
        )
    assert "20/06/2026" in error.value.problems["date_avertissement"]
    radiation.radier(
        ref.uow(),
        ref.agent,
        numero,
        "RADCON",
        aujourd_hui=date(2026, 6, 20),
        donnees={"date_avertissement": "2026-05-20"},
    )


def test_inadmissibility_needs_its_sub_motif(ref: Referentiel, numero: str) -> None:
    donnees = {"date_avertissement": "2026-04-01"}
    with pytest.raises(ValidationError) as error:
        radiation.radier(
            ref.uow(), ref.agent, numero, "RADIRR", aujourd_hui=date(2026, 5, 5), donnees=donnees
        )
    assert "IRRSEJ" in error.value.problems["sous_motif"]
    radiation.radier(
        ref.uow(),
        ref.agent,
        numero,
        "RADIRR",
        aujourd_hui=date(2026, 5, 5),
        donnees={**donnees, "sous_motif": "IRRRES"},
    )


def test_unknown_motif_and_manual_non_renewal_are_refused(ref: Referentiel, numero: str) -> None:
    with pytest.raises(ValidationError):
        radiation.radier(ref.uow(), ref.agent, numero, "RADXYZ", aujourd_hui=JOUR)
    with pytest.raises(Forbidden) as error:
        radiation.radier(ref.uow(), ref.agent, numero, "RADREN", aujourd_hui=JOUR)
    assert error.value.code == "RADREN_AUTOMATIQUE"


def test_radiating_twice_is_refused(ref: Referentiel, numero: str) -> None:
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    with pytest.raises(Conflict):
        radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)


def _radier_non_renouvellement(ref: Referentiel, numero: str, jour: date) -> None:
    with ref.uow() as uow:
        demande = demandes.charger(uow.session, numero)
        radiation.radier_non_renouvellement(uow.session, ref.agent, demande, jour)
        uow.commit()


def test_reactivation_within_18_months_keeps_number_and_anciennete(
    ref: Referentiel, numero: str
) -> None:
    _radier_non_renouvellement(ref, numero, date(2027, 4, 16))
    faite = radiation.reactiver(
        ref.uow(),
        ref.gestionnaire,
        numero,
        aujourd_hui=date(2027, 9, 16),
        justification="Réclamation",
    )
    assert (faite.numero, faite.date_depot) == (numero, JOUR)
    assert faite.date_expiration == date(2028, 9, 16)
    vue = demandes.consulter(ref.uow(), ref.agent, numero)
    assert vue.statut == "active" and vue.motif_radiation is None


def test_reactivation_after_18_months_is_refused(ref: Referentiel, numero: str) -> None:
    _radier_non_renouvellement(ref, numero, date(2027, 4, 16))
    with pytest.raises(Conflict) as error:
        radiation.reactiver(
            ref.uow(), ref.gestionnaire, numero, aujourd_hui=date(2027, 9, 17), justification="x"
        )
    assert "16/09/2027" in error.value.message


def test_only_non_renewal_can_be_reactivated(ref: Referentiel, numero: str) -> None:
    radiation.radier(ref.uow(), ref.agent, numero, "RADABA", aujourd_hui=JOUR)
    with pytest.raises(Conflict) as error:
        radiation.reactiver(
            ref.uow(), ref.gestionnaire, numero, aujourd_hui=JOUR, justification="x"
        )
    assert error.value.code == "REACTIVATION_IMPOSSIBLE"


def _document_cotitulaire() -> dict:
    doc = document_demande(
        adresse_ligne1="3 boulevard Baille", code_postal="13006", situation_familiale="S"
    )
    karim = dict(doc["personnes"][1], role="demandeur", nom_naissance="BENALI")
    del karim["lien"]
    doc["personnes"] = [karim]
    return doc


def test_split_keeps_the_joint_filing_date(ref: Referentiel, numero: str) -> None:
    faite = radiation.scinder(
        ref.uow(),
        ref.autre_agent,
        numero,
        _document_cotitulaire(),
        aujourd_hui=date(2026, 10, 5),
        justification="Ordonnance de non-conciliation",
    )
    assert faite.date_depot == JOUR
    assert faite.numero.startswith("0130326") and faite.numero.endswith("000002G1302")
    origine = demandes.consulter(ref.uow(), ref.agent, numero)
    assert [p["role"] for p in origine.document["personnes"]] == ["demandeur", "a_charge"]
    nouvelle = demandes.consulter(ref.uow(), ref.agent, faite.numero)
    assert nouvelle.document["personnes"][0]["prenoms"] == "Karim"
    with ref.uow() as uow:
        actions = set(uow.session.scalars(select(Historique.action)))
        assert {"scission", "creation_scission"} <= actions


def test_split_requires_the_co_holder_as_new_applicant(ref: Referentiel, numero: str) -> None:
    doc = _document_cotitulaire()
    doc["personnes"][0]["prenoms"] = "Karima"
    with pytest.raises(Conflict) as error:
        radiation.scinder(ref.uow(), ref.agent, numero, doc, aujourd_hui=JOUR, justification="x")
    assert error.value.code == "COTITULAIRE_DIFFERENT"


def test_an_attribution_may_record_the_dalo_typology_from_the_official_list(
    ref: Referentiel, numero: str
) -> None:
    def radier(typologie: str) -> None:
        donnees = {**ATTRIBUTION, "typologie_dalo": typologie}
        jour = date(2026, 9, 2)
        radiation.radier(ref.uow(), ref.agent, numero, "RADATT", aujourd_hui=jour, donnees=donnees)

    with pytest.raises(ValidationError) as error:
        radier("07")  # not in the list (07 does not exist)
    assert set(error.value.problems) == {"typologie_dalo"}
    radier("45")
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, numero)
    assert vue.radiation is not None and vue.radiation["typologie_dalo"] == "45"
