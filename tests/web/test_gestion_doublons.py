"""The console's duplicates: the sweep's groups, side by side, a confirmed merge with a reason."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from sne.models import Utilisateur
from sne.services import demandes, doublons
from tests.conftest import JOUR
from tests.factories import Referentiel, document_demande
from tests.web.conftest import jeton


def texte(reponse: object) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(reponse.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def paire(ref: Referentiel) -> tuple[str, str]:
    """The same person registered twice: first in February, then (forced) at another guichet."""
    ancienne = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(), aujourd_hui=JOUR, date_depot=date(2026, 2, 20)
    ).numero
    recente = demandes.enregistrer(
        ref.uow(),
        ref.autre_agent,
        document_demande(email="claire.n@example.fr"),
        aujourd_hui=JOUR,
        forcer_doublon="doute",
    ).numero
    return ancienne, recente


def test_merge_from_the_sweep_after_a_confirmation(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ancienne, recente = paire
    gestion = client_de("gestion13")
    assert client_de("agent13").get("/gestion/doublons").status_code == 403
    liste = texte(gestion.get("/gestion/doublons"))
    assert ancienne in liste and recente in liste and "Comparer le groupe 1" in liste
    adresse = f"/gestion/doublons/groupe?n={recente}&n={ancienne}"
    groupe = texte(gestion.get(adresse))
    assert f"La demande la plus ancienne ({ancienne})" in groupe
    assert f"{recente} : claire.n@example.fr" in groupe  # the two e-mails side by side
    formulaire = {
        "n": [recente, ancienne],
        "champ_email": recente,
        "csrf_token": jeton(gestion, adresse),
    }
    sans = gestion.post("/gestion/doublons/fusion", data=formulaire)
    assert sans.status_code == 422 and "indiquez pourquoi" in texte(sans)
    formulaire["justification"] = "même personne, signalée par la mairie"
    apercu = texte(gestion.post("/gestion/doublons/fusion", data=formulaire))
    assert "Confirmer la fusion" in apercu and "Rien n'est encore enregistré" in apercu
    assert "claire.nguyen@example.fr" in apercu and "claire.n@example.fr" in apercu
    reponse = gestion.post("/gestion/doublons/fusion", data={**formulaire, "confirmer": "1"})
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/gestion/doublons"
    assert demandes.consulter(ref.uow(), ref.gestionnaire, recente).statut == "fusionnee"
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, ancienne)
    assert (vue.date_depot, vue.document["email"]) == (date(2026, 2, 20), "claire.n@example.fr")


def test_the_preview_changes_nothing(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ancienne, recente = paire
    gestion = client_de("gestion13")
    adresse = f"/gestion/doublons/groupe?n={recente}&n={ancienne}"
    gestion.post(
        "/gestion/doublons/fusion",
        data={
            "n": [recente, ancienne],
            "champ_email": recente,
            "justification": "même personne",
            "csrf_token": jeton(gestion, adresse),
        },
    )
    assert demandes.consulter(ref.uow(), ref.gestionnaire, recente).statut == "active"
    assert (
        demandes.consulter(ref.uow(), ref.gestionnaire, ancienne).document["email"]
        == "claire.nguyen@example.fr"
    )


def test_a_group_of_another_territory_is_not_found(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    Referentiel(ref.uow, "084")
    ancienne, recente = paire
    with ref.uow() as unit:
        unit.session.execute(update(Utilisateur).values(mot_de_passe_a_changer=False))
        unit.commit()
    autre = client_de("gestion84")
    assert autre.get(f"/gestion/doublons/groupe?n={recente}&n={ancienne}").status_code == 404
    assert ancienne not in texte(autre.get("/gestion/doublons"))


def test_a_report_refused_with_a_reason_the_guichet_reads(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ident = doublons.signaler(ref.uow(), ref.agent, list(paire), commentaire="même date")
    gestion = client_de("gestion13")
    assert client_de("agent13").get("/gestion/signalements").status_code == 403
    assert f"Signalement n° {ident}" in texte(gestion.get("/gestion/signalements"))
    adresse = f"/gestion/signalements/{ident}/refuser"
    jeton_ = jeton(gestion, "/gestion/signalements")
    vide = gestion.post(adresse, data={"csrf_token": jeton_})
    assert vide.status_code == 422 and "Indiquer la conclusion" in texte(vide)
    reponse = gestion.post(
        adresse, data={"conclusion": "deux sœurs jumelles", "csrf_token": jeton_}
    )
    assert reponse.status_code == 302
    assert "Aucun signalement en attente" in texte(gestion.get("/gestion/signalements"))
    assert "deux sœurs jumelles" in texte(client_de("agent13").get("/"))


def test_a_report_closed_by_the_merge(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ancienne, recente = paire
    ident = doublons.signaler(ref.uow(), ref.agent, [recente, ancienne])
    gestion = client_de("gestion13")
    groupe = texte(
        gestion.get(f"/gestion/doublons/groupe?n={recente}&n={ancienne}&signalement={ident}")
    )
    assert f'name="signalement" value="{ident}"' in groupe
    gestion.post(
        "/gestion/doublons/fusion",
        data={
            "n": [recente, ancienne],
            "signalement": str(ident),
            "justification": "signalement confirmé",
            "confirmer": "1",
            "csrf_token": jeton(gestion, "/gestion/signalements"),
        },
    )
    (vue,) = doublons.lister_signalements(
        ref.uow(), ref.gestionnaire, territoire="013", statut=None
    )
    assert (vue.statut, vue.conclusion) == ("traite", f"Fusion dans {ancienne}")


def test_forced_duplicates_per_guichet_flag_an_abnormal_rate(
    client_de: Callable[[str], FlaskClient], ref: Referentiel
) -> None:
    for foyer in range(3):  # the other guichet forces three duplicates of three households
        for agent, forcer in ((ref.agent, None), (ref.autre_agent, f"doute n° {foyer}")):
            demandes.enregistrer(
                ref.uow(),
                agent,
                document_demande(foyer=foyer),
                aujourd_hui=JOUR,
                forcer_doublon=forcer,
            )
    for foyer in range(3, 9):  # the first guichet registers six more, none forced
        demandes.enregistrer(ref.uow(), ref.agent, document_demande(foyer=foyer), aujourd_hui=JOUR)
    suivi = doublons.suivre_forcages(
        ref.uow(), ref.gestionnaire, territoire="013", du=date(2020, 1, 1), au=date(2100, 1, 1)
    )
    assert [(g.guichet, g.forcages, g.enregistrements, g.anormal) for g in suivi.guichets] == [
        ("G1302", 3, 3, True),
        ("G1301", 0, 9, False),
    ]
    page = texte(client_de("gestion13").get("/gestion/forcages?du=01/01/2020&au=01/01/2100"))
    assert "taux anormal" in page and "doute n° 2" in page and "25.0 %" in page


def test_a_group_judged_different_persons_does_not_come_back(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ancienne, recente = paire
    gestion = client_de("gestion13")
    adresse = f"/gestion/doublons/groupe?n={recente}&n={ancienne}"
    jeton_ = jeton(gestion, adresse)
    vide = gestion.post(
        "/gestion/doublons/ecarter", data={"n": [recente, ancienne], "csrf_token": jeton_}
    )
    assert vide.status_code == 422 and "pas les mêmes personnes" in texte(vide)
    reponse = gestion.post(
        "/gestion/doublons/ecarter",
        data={
            "n": [recente, ancienne],
            "motif_ecart": "homonymes nés le même jour",
            "csrf_token": jeton_,
        },
    )
    assert reponse.status_code == 302
    assert ancienne not in texte(gestion.get("/gestion/doublons"))
    assert doublons.balayer(ref.uow(), ref.gestionnaire, "013") == []


def test_a_name_corrected_on_a_justified_request(
    client_de: Callable[[str], FlaskClient], paire: tuple[str, str], ref: Referentiel
) -> None:
    ancienne, _ = paire
    gestion = client_de("gestion13")
    assert client_de("agent13").get("/gestion/corrections").status_code == 403
    jeton_ = jeton(gestion, "/gestion/corrections")
    donnees = {
        "numero": ancienne,
        "rang": "1",
        "nom_naissance": "NGUYEN-TRAN",
        "csrf_token": jeton_,
    }
    sans = gestion.post("/gestion/corrections", data=donnees)
    assert sans.status_code == 422 and "exige une justification" in texte(sans)
    piece = gestion.post(
        "/gestion/corrections", data={**donnees, "piece": "999999", "justification": "acte"}
    )
    assert piece.status_code == 422 and "pas dans le dossier" in texte(piece)
    reponse = gestion.post(
        "/gestion/corrections", data={**donnees, "justification": "acte de naissance produit"}
    )
    assert reponse.status_code == 302
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, ancienne)
    assert vue.document["personnes"][0]["nom_naissance"] == "NGUYEN-TRAN"
