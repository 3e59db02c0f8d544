"""The indicators' snapshot on SQLite and PostgreSQL: small data, every figure checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from sne.acteurs import SYSTEME
from sne.errors import Forbidden, NotFound, ValidationError
from sne.models import Historique, Notification, Piece
from sne.services import cycle, demandes, indicateurs, radiation
from sne.uow import utcnow
from tests.conftest import JOUR
from tests.factories import ATTRIBUTION, Referentiel, document_demande


def _enregistrer(ref: Referentiel, foyer: int, jour: date, *, autre: bool = False) -> str:
    agent = ref.autre_agent if autre else ref.agent
    return demandes.enregistrer(
        ref.uow(), agent, document_demande(foyer=foyer), aujourd_hui=jour
    ).numero


def _attribuer(ref: Referentiel, numero: str, bail: date, saisie: date) -> None:
    radiation.radier(
        ref.uow(),
        ref.agent,
        numero,
        "RADATT",
        aujourd_hui=saisie,
        donnees={**ATTRIBUTION, "date_bail": bail.isoformat()},
    )


def _piece(ref: Referentiel, numero: str, canal: str, categorie: str, le: date) -> None:
    with ref.uow() as unit:
        demande_id = demandes.charger(unit.session, numero).id
        unit.session.add(
            Piece(
                demande_id=demande_id,
                type="carte_identite" if categorie == "identite" else "avis_imposition",
                categorie=categorie,
                pages=1,
                taille=100,
                sha256="0" * 64,
                canal=canal,
                statut="classee",
                created_at=utcnow().replace(year=le.year, month=le.month, day=le.day),
            )
        )
        unit.commit()


@pytest.fixture
def donnees(ref: Referentiel) -> dict[str, str]:
    """Four demandes in February and March 2026 at two guichets, attributions and pieces."""
    a = _enregistrer(ref, 1, date(2026, 2, 10))
    b = _enregistrer(ref, 2, date(2026, 2, 20))
    c = _enregistrer(ref, 3, date(2026, 3, 2))
    d = _enregistrer(ref, 4, date(2026, 3, 3), autre=True)
    _attribuer(ref, a, bail=date(2026, 3, 1), saisie=date(2026, 3, 5))  # 4 days
    _attribuer(ref, b, bail=date(2026, 1, 30), saisie=date(2026, 3, 6))  # 35 days: late
    _piece(ref, c, "depot_professionnel", "identite", date(2026, 3, 10))  # 8 days: on time
    _piece(ref, c, "depot_professionnel", "ressources", date(2026, 3, 30))  # 28 days: late
    _piece(ref, d, "courrier_guichet", "ressources", date(2026, 3, 5))
    return {"a": a, "b": b, "c": c, "d": d}


def _table(suivi: indicateurs.Suivi, tableau: str = "par_guichet") -> dict[str, tuple[object, ...]]:
    lignes = getattr(suivi, tableau).lignes
    return {
        ligne.code: valeurs[1:] for ligne, valeurs in zip(indicateurs.LIGNES, lignes, strict=True)
    }


def test_snapshot_counts_each_indicator_per_guichet_and_month(
    ref: Referentiel, donnees: dict[str, str]
) -> None:
    (releve,) = indicateurs.rafraichir(ref.uow(), SYSTEME, JOUR, "013")
    assert releve.territoire == "013" and releve.lignes > 0
    suivi = indicateurs.consulter(
        ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="2026-02", au="2026-03"
    )
    assert suivi.donnees_au == JOUR
    assert suivi.par_guichet.entetes == ("Indicateur", "Territoire 013", "G1301", "G1302")
    figures = _table(suivi)
    # territory, first guichet, second guichet
    assert figures["enregistrees_guichet"] == (4, 3, 1)
    assert figures["enregistrees_portail"] == (0, 0, 0)
    assert figures["radiees"] == (2, 2, 0)
    assert figures["radiees_RADATT"] == (2, 2, 0)
    assert figures["attributions"] == (2, 2, 0)
    assert figures["delai_attribution"] == (19.5, 19.5, None)  # (4 + 35) / 2
    assert figures["attributions_tardives"] == (1, 1, 0)
    assert figures["sans_piece_identite"] == (3, 2, 1)  # c alone has one
    assert figures["pieces_televersees"] == (2, 2, 0)
    assert figures["pieces_courrier"] == (1, 0, 1)
    assert figures["part_pieces_a_temps"] == (50.0, 50.0, None)
    par_mois = indicateurs.consulter(
        ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="2026-02", au="2026-03", guichet="G1301"
    )
    assert par_mois.par_mois.entetes == ("Indicateur", "févr. 2026", "mars 2026")
    mois = _table(par_mois, "par_mois")
    assert mois["enregistrees_guichet"] == (2, 1)
    assert mois["radiees"] == (0, 2)
    assert par_mois.serie_mois == (("févr. 2026", 2.0), ("mars 2026", 1.0))
    # The first guichet records late and uploads late: both reasons are listed.
    (alerte,) = suivi.alertes
    assert alerte.guichet.code == "G1301"
    assert [m.split(" ")[0:2] for m in alerte.motifs] == [
        ["1", "attribution(s)"],
        ["1", "pièce(s)"],
    ]


def test_refresh_replaces_the_snapshot_and_sees_renewals_and_preavis(
    ref: Referentiel, donnees: dict[str, str]
) -> None:
    indicateurs.rafraichir(ref.uow(), SYSTEME, JOUR, "013")
    demandes.renouveler(ref.uow(), ref.agent, donnees["c"], aujourd_hui=date(2026, 3, 20))
    indicateurs.rafraichir(ref.uow(), SYSTEME, date(2026, 3, 21), "013")
    # Renewals are dated by the history's clock (the real one): the period reaches today.
    suivi = indicateurs.consulter(
        ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="2026-03", au=f"{utcnow():%Y-%m}"
    )
    figures = _table(suivi)
    assert figures["renouvelees"] == (1, 1, 0)
    assert figures["enregistrees_guichet"] == (2, 1, 1)  # counted once, not twice
    assert suivi.donnees_au == date(2026, 3, 21)


def test_daily_run_refreshes_the_snapshot(ref: Referentiel, donnees: dict[str, str]) -> None:
    def garder(_message: EmailMessage) -> None:
        return None

    cycle.cycle_quotidien(
        ref.uow(),
        SYSTEME,
        JOUR,
        envoyer=garder,
        expediteur="s@example.fr",
        store=_Rien(),  # type: ignore[arg-type]
        alerte_a=None,
        planifier=lambda _id: None,
        territoire="013",
    )
    suivi = indicateurs.consulter(ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="2026-02")
    assert suivi.donnees_au == JOUR
    assert _table(suivi)["enregistrees_guichet"][0] == 4


class _Rien:
    def delete(self, _cle: str) -> None:
        return None


def test_only_the_manager_of_the_territory_reads_indicators(ref: Referentiel) -> None:
    with pytest.raises(Forbidden):
        indicateurs.consulter(ref.uow(), ref.agent, aujourd_hui=JOUR)
    with pytest.raises(Forbidden):
        indicateurs.rafraichir(ref.uow(), ref.gestionnaire, JOUR, "013")
    with pytest.raises(NotFound):
        indicateurs.consulter(ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, guichet="G9999")
    with pytest.raises(NotFound):
        indicateurs.rafraichir(ref.uow(), SYSTEME, JOUR, "099")
    with pytest.raises(ValidationError):
        indicateurs.consulter(ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="mars")


def test_manager_writes_to_a_referent_through_a_notification(ref: Referentiel) -> None:
    planifiees: list[int] = []
    ident = indicateurs.ecrire_au_referent(
        ref.uow(),
        ref.gestionnaire,
        guichet="G1301",
        message="Merci de saisir les attributions dès la signature du bail.",
        planifier=planifiees.append,
    )
    assert planifiees == [ident]
    with ref.uow() as unit:
        notification = unit.session.get(Notification, ident)
        assert notification is not None
        assert notification.destinataire == "referent@hmp.example.fr"
        assert "dès la signature du bail" in notification.corps
        assert unit.session.scalar(
            select(Historique.action).where(Historique.action == "alerte_qualite")
        )
    with pytest.raises(ValidationError):  # the second guichet has no référent address
        indicateurs.ecrire_au_referent(
            ref.uow(), ref.gestionnaire, guichet="G1302", message="x", planifier=planifiees.append
        )


def test_manager_cannot_write_to_another_territory(
    ref: Referentiel, uow: Callable[[], object]
) -> None:
    autre = Referentiel(ref.uow, territoire="084")
    with pytest.raises(NotFound):
        indicateurs.ecrire_au_referent(
            ref.uow(), ref.gestionnaire, guichet=autre.guichet, message="x", planifier=print
        )


def test_one_pass_refreshes_every_territory_apart(
    ref: Referentiel, donnees: dict[str, str]
) -> None:
    autre = Referentiel(ref.uow, territoire="084")
    demandes.enregistrer(
        ref.uow(), autre.agent, document_demande(foyer=7), aujourd_hui=date(2026, 3, 4)
    )
    releves = indicateurs.rafraichir(ref.uow(), SYSTEME, JOUR)
    assert [(r.territoire, r.lignes > 0) for r in releves] == [("013", True), ("084", True)]
    ici = indicateurs.consulter(ref.uow(), ref.gestionnaire, aujourd_hui=JOUR, du="2026-02")
    la_bas = indicateurs.consulter(ref.uow(), autre.gestionnaire, aujourd_hui=JOUR, du="2026-02")
    assert _table(ici)["enregistrees_guichet"] == (4, 3, 1)
    assert _table(la_bas)["enregistrees_guichet"] == (1, 1)
    assert la_bas.donnees_au == JOUR
