"""Duplicates on SQLite and PostgreSQL: check at registration, forcing, sweep, merge, reports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from sne.errors import Conflict, Forbidden, NotFound, SneError, ValidationError
from sne.models import Demande, DoublonForce, Fusion, Historique, Personne, Piece
from sne.services import demandes, doublons, radiation
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande


def _seul(nom: str, prenoms: str, naissance: str, **overrides: Any) -> dict[str, Any]:
    """A one-person household (the applicant) with the given identity."""
    doc = document_demande(situation_familiale="C", **overrides)
    doc["personnes"] = [
        dict(
            doc["personnes"][0],
            nom_naissance=nom,
            prenoms=prenoms,
            date_naissance=naissance,
        )
    ]
    return doc


def _enregistrer(ref: Referentiel, doc: dict[str, Any], **kwargs: Any) -> str:
    return demandes.enregistrer(ref.uow(), ref.agent, doc, aujourd_hui=JOUR, **kwargs).numero


def test_registration_of_a_duplicate_is_refused_with_its_candidates(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    with pytest.raises(doublons.DoublonProbable) as error:
        demandes.enregistrer(
            ref.uow(),
            ref.autre_agent,
            _seul("NGUYEN", "Thi-Claire", "1988-05-02"),
            aujourd_hui=JOUR,
        )
    assert error.value.code == "DOUBLON_PROBABLE"
    [candidat] = error.value.candidats
    assert (candidat.numero, candidat.code, candidat.role) == (
        premiere,
        "ORDRE_PRENOMS",
        "demandeur",
    )
    assert premiere in error.value.details
    assert "autre ordre" in error.value.details[premiere]
    # Nothing was written, no number consumed.
    assert _enregistrer(ref, document_demande(foyer=1)).endswith("000002G1301")


def test_the_co_holder_of_an_active_demande_is_a_candidate(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    with pytest.raises(doublons.DoublonProbable) as error:
        _enregistrer(ref, _seul("Benali", "Karim", "1985-11-20"))
    assert [(c.numero, c.role, c.pour) for c in error.value.candidats] == [
        (premiere, "cotitulaire", "demandeur")
    ]


def test_near_identities_radiated_demandes_and_other_territories_are_not_candidates(
    ref: Referentiel,
) -> None:
    ancienne = _enregistrer(ref, document_demande())
    _enregistrer(ref, _seul("Nguyen", "Claire Thi", "1988-05-03"))  # another day: another person
    radiation.radier(ref.uow(), ref.agent, ancienne, "RADABA", aujourd_hui=JOUR)
    autre = Referentiel(ref.uow, territoire="084")
    demandes.enregistrer(ref.uow(), autre.agent, document_demande(foyer=1), aujourd_hui=JOUR)
    assert _enregistrer(ref, document_demande(foyer=1))  # radiated, and in another territory


def test_forcing_records_the_forced_duplicate_against_guichet_and_agent(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    with pytest.raises(doublons.DoublonProbable):
        _enregistrer(ref, document_demande(), forcer_doublon="   ")
    forcee = demandes.enregistrer(
        ref.uow(),
        ref.autre_agent,
        _seul("Nguyen", "Claire Thi", "1988-02-05"),
        aujourd_hui=JOUR,
        forcer_doublon="Homonyme : pièce d'identité vérifiée, personne différente",
    ).numero
    with ref.uow() as uow:
        ligne = uow.session.scalars(select(DoublonForce)).one()
        assert ligne.guichet_id == ref.autre_agent.guichet_id
        assert ligne.agent_id == ref.autre_agent.utilisateur_id
        assert ligne.candidats == [
            {"numero": premiere, "code": "INVERSION_JOUR_MOIS", "confiance": 0.75}
        ]
        trace = uow.session.scalars(
            select(Historique).where(
                Historique.entite_id == forcee, Historique.action == "doublon_force"
            )
        ).one()
        assert trace.justification.startswith("Homonyme")
    # A registration without candidates records nothing even with a justification.
    _enregistrer(ref, document_demande(foyer=2), forcer_doublon="par précaution")
    with ref.uow() as uow:
        assert uow.session.scalar(select(func.count(DoublonForce.id))) == 1


def test_forced_duplicates_are_counted_per_guichet_over_a_period(ref: Referentiel) -> None:
    _enregistrer(ref, document_demande())
    for agent, jour in ((ref.agent, JOUR), (ref.agent, JOUR), (ref.autre_agent, date(2026, 3, 2))):
        demandes.enregistrer(
            ref.uow(), agent, document_demande(), aujourd_hui=jour, forcer_doublon="vérifié"
        )
    lignes = doublons.compter_forcages(
        ref.uow(), ref.gestionnaire, territoire="013", du=date(2026, 3, 1), au=JOUR
    )
    assert [(f.guichet, f.nombre) for f in lignes] == [("G1301", 2), ("G1302", 1)]
    assert lignes[0].par_agent == (("agent13", 2),)
    assert (
        doublons.compter_forcages(
            ref.uow(), ref.gestionnaire, territoire="013", du=date(2026, 3, 3), au=date(2026, 3, 15)
        )
        == []
    )
    with pytest.raises(Forbidden):
        doublons.compter_forcages(ref.uow(), ref.agent, territoire="013", du=JOUR, au=JOUR)


def test_an_identity_change_matching_another_demande_needs_forcing(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    seconde = _enregistrer(ref, _seul("Nguyen", "Clara Thi", "1988-05-02"))
    personnes = demandes.consulter(ref.uow(), ref.agent, seconde).document["personnes"]
    personnes[0]["prenoms"] = "Claire Thi"
    with pytest.raises(doublons.DoublonProbable) as error:
        demandes.modifier(
            ref.uow(), ref.agent, seconde, {"personnes": personnes}, justification="acte"
        )
    assert [c.numero for c in error.value.candidats] == [premiere]
    demandes.modifier(
        ref.uow(),
        ref.agent,
        seconde,
        {"personnes": personnes},
        justification="acte de naissance",
        forcer_doublon="jumelles homonymes",
        aujourd_hui=JOUR,
    )
    with ref.uow() as uow:
        assert uow.session.scalars(select(DoublonForce.action)).all() == ["modification"]
    # Other changes of that demande are not checked again.
    assert demandes.modifier(ref.uow(), ref.agent, seconde, {"commune": "Aubagne"})


def test_check_service_reads_only_the_persons(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    trouves = doublons.rechercher(
        ref.uow(),
        ref.agent,
        {"personnes": [{"role": "demandeur", "nom_naissance": "Ngyuen", "prenoms": "Claire Thi",
                        "date_naissance": "1988-05-02"}]},
    )  # fmt: skip
    assert [(c.numero, c.code) for c in trouves] == [(premiere, "FAUTE_NOM")]
    with pytest.raises(ValidationError):
        doublons.rechercher(ref.uow(), ref.agent, {"personnes": [{"date_naissance": "02/05"}]})
    with pytest.raises(Forbidden):
        doublons.rechercher(ref.uow(), ref.consultant, {"personnes": []})


def test_sweep_groups_probable_duplicates_surest_first(ref: Referentiel) -> None:
    force = {"forcer_doublon": "test"}
    a = _enregistrer(ref, _seul("Dupont", "Jean", "1970-03-07"))
    b = _enregistrer(ref, _seul("DUPONT", "jean", "1970-03-07"), **force)
    c = _enregistrer(ref, _seul("Dupont", "Jean", "1970-07-03"), **force)
    d = _enregistrer(ref, _seul("Martin", "Louise", "1975-10-20"))
    e = _enregistrer(ref, _seul("Martni", "Louise", "1975-10-20"), **force)
    _enregistrer(ref, _seul("Martin", "Louis", "1975-10-21"))  # near: no link
    _enregistrer(ref, _seul("Petit", "Paul", "1960-01-15"))
    groupes = doublons.balayer(ref.uow(), ref.gestionnaire, "013")
    assert [sorted(g.numeros) for g in groupes] == [sorted([a, b, c]), sorted([d, e])]
    assert [(g.code, g.confiance) for g in groupes] == [("IDENTIQUE", 1.0), ("FAUTE_NOM", 0.8)]
    assert {lien.code for lien in groupes[0].liens} == {"IDENTIQUE", "INVERSION_JOUR_MOIS"}
    with pytest.raises(Forbidden):
        doublons.balayer(ref.uow(), ref.agent, "013")


def _piece(ref: Referentiel, numero: str) -> int:
    with ref.uow() as uow:
        demande_id = uow.session.scalar(select(Demande.id).where(Demande.numero == numero))
        piece_id = uow.session.execute(
            insert(Piece).returning(Piece.id),
            {
                "demande_id": demande_id,
                "type": "identite",
                "pages": 1,
                "taille": 1000,
                "sha256": "0" * 64,
                "canal": "guichet",
                "statut": "qualifiee",
                "sensible": False,
                "created_at": utcnow(),
            },
        ).scalar_one()
        uow.commit()
        return piece_id


def test_merge_keeps_the_oldest_number_chosen_data_and_moves_pieces(ref: Referentiel) -> None:
    ancienne = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR, date_depot=date(2026, 2, 20)
    ).numero
    recente = demandes.enregistrer(
        ref.uow(),
        ref.autre_agent,
        document_demande(email="claire.n@example.fr", commune="Aubagne", code_postal="13400"),
        aujourd_hui=JOUR,
        forcer_doublon="doute",
    ).numero
    piece = _piece(ref, recente)
    with pytest.raises(Forbidden):
        doublons.fusionner(ref.uow(), ref.agent, [recente, ancienne])
    with pytest.raises(ValidationError):
        doublons.fusionner(ref.uow(), ref.gestionnaire, [recente, ancienne], donnees={"x": recente})
    faite = doublons.fusionner(
        ref.uow(),
        ref.gestionnaire,
        [recente, ancienne],
        donnees={"email": recente, "commune": recente, "code_postal": recente},
        justification="même personne (signalement G1302)",
    )
    assert (faite.survivante, faite.absorbees, faite.pieces_deplacees) == (ancienne, (recente,), 1)
    assert faite.changements["email"] == ["claire.nguyen@example.fr", "claire.n@example.fr"]
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, ancienne)
    assert (vue.date_depot, vue.document["commune"]) == (date(2026, 2, 20), "Aubagne")
    assert vue.date_expiration == date(2027, 3, 16)  # the latest validity of the group
    assert demandes.consulter(ref.uow(), ref.gestionnaire, recente).statut == "fusionnee"
    with ref.uow() as uow:
        assert uow.session.get(Piece, piece).demande_id == uow.session.scalar(  # type: ignore[union-attr]
            select(Demande.id).where(Demande.numero == ancienne)
        )
        assert uow.session.scalar(select(func.count(Fusion.id))) == 1
        trace = uow.session.scalars(
            select(Historique).where(Historique.entite_id == recente, Historique.action == "fusion")
        ).one()
        assert trace.changements["fusionnee_dans"] == ancienne
    # The merged demande is closed: no longer a candidate, no longer mergeable.
    trouves = doublons.rechercher(ref.uow(), ref.agent, document_demande())
    assert {c.numero for c in trouves} == {ancienne}
    with pytest.raises(Conflict):
        doublons.fusionner(ref.uow(), ref.gestionnaire, [recente, ancienne])


def test_name_correction_on_a_piece_is_traced_and_rekeys_the_person(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    seconde = _enregistrer(ref, _seul("Ngyen", "Claire Thi", "1988-05-02"), forcer_doublon="x")
    piece = _piece(ref, seconde)
    autre_piece = _piece(ref, premiere)
    with pytest.raises(Forbidden):
        doublons.corriger_identite(
            ref.uow(), ref.agent, seconde, nom_naissance="Nguyen", justification="CNI"
        )
    with pytest.raises(SneError) as error:
        doublons.corriger_identite(
            ref.uow(), ref.gestionnaire, seconde, nom_naissance="Nguyen", justification=" "
        )
    assert error.value.code == "JUSTIFICATION_REQUISE"
    with pytest.raises(NotFound):
        doublons.corriger_identite(
            ref.uow(),
            ref.gestionnaire,
            seconde,
            nom_naissance="Nguyen",
            piece=autre_piece,
            justification="CNI",
        )
    faite = doublons.corriger_identite(
        ref.uow(),
        ref.gestionnaire,
        seconde,
        nom_naissance="Nguyen Van",
        piece=piece,
        justification="Carte d'identité produite",
    )
    assert faite.changements == {"personnes[1].nom_naissance": ["Ngyen", "Nguyen Van"]}
    assert faite.candidats == []
    with ref.uow() as uow:
        cle = uow.session.scalar(
            select(Personne.cle_identite)
            .join(Demande)
            .where(Demande.numero == seconde, Personne.rang == 1)
        )
        assert cle == "claire nguyen thi van"
        trace = uow.session.scalars(
            select(Historique).where(
                Historique.entite_id == seconde, Historique.action == "correction_identite"
            )
        ).one()
        assert trace.changement_identite and trace.changements["piece"] == piece
        assert trace.justification == "Carte d'identité produite"
    # Corrected back to the other demande's spelling: the duplicate is pointed at.
    faite = doublons.corriger_identite(
        ref.uow(), ref.gestionnaire, seconde, nom_naissance="NGUYEN", justification="CNI"
    )
    assert [(c.numero, c.code) for c in faite.candidats] == [(premiere, "IDENTIQUE")]


def test_guichets_report_duplicates_into_the_managers_queue(ref: Referentiel) -> None:
    premiere = _enregistrer(ref, document_demande())
    seconde = _enregistrer(ref, document_demande(email="autre@example.fr"), forcer_doublon="x")
    with pytest.raises(Forbidden):
        doublons.signaler(ref.uow(), ref.gestionnaire, [premiere, seconde])
    with pytest.raises(ValidationError):
        doublons.signaler(ref.uow(), ref.agent, [premiere, seconde], donnees={"email": "X"})
    numero = doublons.signaler(
        ref.uow(),
        ref.autre_agent,
        [premiere, seconde],
        donnees={"email": seconde},
        commentaire="Même dame venue deux fois",
    )
    [vue] = doublons.lister_signalements(ref.uow(), ref.gestionnaire, territoire="013")
    assert (vue.id, vue.guichet, vue.numeros, vue.donnees) == (
        numero,
        "G1302",
        (premiere, seconde),
        {"email": seconde},
    )
    faite = doublons.fusionner(
        ref.uow(),
        ref.gestionnaire,
        list(vue.numeros),
        donnees=vue.donnees,
        signalement=vue.id,
    )
    assert faite.changements["email"][1] == "autre@example.fr"
    assert doublons.lister_signalements(ref.uow(), ref.gestionnaire, territoire="013") == []
    [close] = doublons.lister_signalements(
        ref.uow(), ref.gestionnaire, territoire="013", statut=None
    )
    assert (close.statut, close.conclusion) == ("traite", f"Fusion dans {premiere}")
    autre = doublons.signaler(ref.uow(), ref.agent, [premiere, seconde])
    doublons.clore_signalement(
        ref.uow(), ref.gestionnaire, autre, conclusion="déjà fusionnées", rejete=True
    )
    with pytest.raises(Conflict):
        doublons.clore_signalement(ref.uow(), ref.gestionnaire, autre, conclusion="encore")
