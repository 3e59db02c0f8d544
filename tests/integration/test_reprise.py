"""Take-over of existing demandes (interfaceNuu extracts), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import sessionmaker

from sne.errors import Forbidden
from sne.interchange import archives, ecrire
from sne.interchange.lecture import Evenement
from sne.interchange.reprise import BilanReprise, reprendre
from sne.models import Demande, Historique, Radiation
from sne.services import demandes, formulaire
from sne.uow import UnitOfWork
from tests.conftest import JOUR
from tests.factories import ADMIN, RADIATION_ATTRIBUTION, Referentiel, document_demande
from tests.samples import sample_nuu


def extrait(
    numero: str,
    depot: date,
    *,
    foyer: int = 0,
    renouvellement: date | None = None,
    evenements: tuple[Evenement, ...] = (),
    type_fichier: str | None = None,
    radiation: dict[str, object] | None = None,
) -> bytes:
    """An extract of the demande ``numero`` as the previous system would write it."""
    document = formulaire.valider(document_demande(foyer=foyer), date_depot=depot)
    return ecrire(
        document,
        type_fichier=type_fichier,
        version="02.01",
        date_fichier=JOUR,
        guichet=numero[-5:],
        numero=numero if type_fichier != "CRE" else None,
        date_creation=depot,
        date_renouvellement=renouvellement,
        evenements=evenements,
        radiation=radiation,
    )


def reprise(ref: Referentiel, fichiers: list[tuple[str, bytes]]) -> BilanReprise:
    return reprendre(ref.uow(), ADMIN, fichiers, aujourd_hui=JOUR, taille_lot=2)


def resultats(bilan: BilanReprise) -> dict[str, str]:
    return {f.nom: f.resultat for f in bilan.fichiers}


def test_a_demande_keeps_its_number_ancienneté_renewal_guichet_and_history(
    ref: Referentiel,
) -> None:
    numero = "0130524000123G1302"
    historique = (
        Evenement(date(2024, 5, 10), "CRE", "Enregistrée en mairie"),
        Evenement(date(2025, 5, 2), "REN", None),
    )
    contenu = extrait(
        numero, date(2024, 5, 10), renouvellement=date(2025, 5, 2), evenements=historique
    )
    bilan = reprise(ref, [("a.xml", contenu)])
    assert [(f.nom, f.numero, f.resultat, f.anomalies) for f in bilan.fichiers] == [
        ("a.xml", numero, "reprise", ())
    ]
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, numero)
    assert (vue.date_depot, vue.date_renouvellement, vue.date_expiration) == (
        date(2024, 5, 10),
        date(2025, 5, 2),
        date(2026, 5, 2),
    )
    assert (vue.guichet, vue.statut, vue.territoire) == ("G1302", "active", "013")
    assert vue.document["personnes"][0]["nom_naissance"] == "Nguyen"
    with ref.uow() as uow:
        lignes = uow.session.execute(
            select(Historique.action, Historique.at, Historique.justification)
            .where(Historique.entite_id == numero)
            .order_by(Historique.id)
        ).all()
    assert [(action, justification) for action, _, justification in lignes] == [
        ("reprise", None),
        ("enregistrement", "Enregistrée en mairie"),
        ("renouvellement", None),
    ]
    assert lignes[2][1].date() == date(2025, 5, 2)


def test_the_territory_sequence_continues_after_the_highest_number_taken(
    ref: Referentiel,
) -> None:
    fichiers = [
        ("b.xml", extrait("0130126000041G1301", date(2026, 1, 5), foyer=1)),
        ("c.xml", extrait("0130226000007G1302", date(2026, 2, 3), foyer=2)),
        ("d.xml", extrait("0131225000900G1301", date(2025, 12, 1), foyer=3)),
    ]
    assert set(resultats(reprise(ref, fichiers)).values()) == {"reprise"}
    nouvelle = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=4), aujourd_hui=JOUR
    )
    assert nouvelle.numero == "0130326000042G1301"  # after 41 of 2026, not 900 of 2025


def test_a_second_run_takes_nothing_twice(ref: Referentiel) -> None:
    fichiers = [
        ("e.xml", extrait("0130126000001G1301", date(2026, 1, 5), foyer=1)),
        ("f.xml", extrait("0130126000002G1301", date(2026, 1, 6), foyer=2)),
        ("g.xml", extrait("0130126000003G1301", date(2026, 1, 7), foyer=3)),
    ]
    assert set(resultats(reprise(ref, fichiers)).values()) == {"reprise"}
    encore = reprise(ref, fichiers)
    assert resultats(encore) == dict.fromkeys(("e.xml", "f.xml", "g.xml"), "deja_reprise")
    with ref.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Demande)) == 3
        assert (
            uow.session.scalar(
                select(func.count()).select_from(Historique).where(Historique.action == "reprise")
            )
            == 3
        )


@pytest.mark.postgres
def test_postgresql_statistics_follow_the_demandes_taken_over(postgres_engine: Engine) -> None:
    """The planner knows how many demandes a bulk take-over wrote (else each lot's look-up scans them)."""
    with postgres_engine.connect() as connexion:
        transaction = connexion.begin()
        factory = sessionmaker(bind=connexion, join_transaction_mode="create_savepoint")
        ref = Referentiel(lambda: UnitOfWork(factory))
        fichiers = [
            (f"{rang}.xml", extrait(f"01301260000{rang:02d}G1301", date(2026, 1, 5), foyer=rang))
            for rang in range(1, 6)
        ]
        assert set(resultats(reprise(ref, fichiers)).values()) == {"reprise"}
        estimees, reelles = connexion.execute(
            text(
                "SELECT reltuples, (SELECT count(*) FROM demande) FROM pg_class "
                "WHERE relname = 'demande'"
            )
        ).one()
        transaction.rollback()
    assert (estimees, reelles) == (5, 5)


def test_refused_files_are_reported_with_their_anomalies_and_the_others_taken(
    ref: Referentiel,
) -> None:
    fichiers = [
        ("bon.xml", extrait("0130126000011G1301", date(2026, 1, 5), foyer=1)),
        ("guichet.xml", extrait("0130126000012G1399", date(2026, 1, 5), foyer=2)),
        ("date.xml", extrait("0130226000013G1301", date(2026, 1, 5), foyer=3)),
        ("cre.xml", extrait("0130126000014G1301", date(2026, 1, 5), type_fichier="CRE")),
        ("double.xml", extrait("0130126000011G1301", date(2026, 1, 5), foyer=1)),
        ("casse.xml", b"<interfaceNuu"),
        (
            "mineur.xml",  # the applicant born after the filing: the registration rules refuse
            extrait("0130126000015G1301", date(2026, 1, 5)).replace(
                b"<dateNaissance>1988-05-02", b"<dateNaissance>2027-05-02"
            ),
        ),
    ]
    bilan = reprise(ref, fichiers)
    codes = {f.nom: (f.resultat, [a.code for a in f.anomalies]) for f in bilan.fichiers}
    assert codes["bon.xml"] == ("reprise", [])
    assert codes["guichet.xml"] == ("refusee", ["GUICHET_INCONNU"])
    assert codes["date.xml"] == ("refusee", ["DATE_CREATION_INCOHERENTE"])
    assert codes["cre.xml"] == ("refusee", ["TYPE_FICHIER_NON_REPRIS"])
    assert codes["double.xml"] == ("refusee", ["NUMERO_EN_DOUBLE"])
    assert codes["casse.xml"] == ("refusee", ["FICHIER_ILLISIBLE"])
    assert codes["mineur.xml"] == ("refusee", ["DONNEES_INVALIDES"])
    mineur = next(f for f in bilan.fichiers if f.nom == "mineur.xml").anomalies[0]
    assert mineur.chemin.endswith("/demandeur/dateNaissance")
    guichet = next(f for f in bilan.fichiers if f.nom == "guichet.xml").anomalies[0]
    assert guichet.chemin.endswith("/demandeLogement/numUnique")
    assert "G1399" in guichet.message and "n'existe pas" in guichet.message
    with ref.uow() as uow:
        assert uow.session.scalars(select(Demande.numero)).all() == ["0130126000011G1301"]


def test_only_an_administrator_takes_over(ref: Referentiel) -> None:
    with pytest.raises(Forbidden):
        reprendre(ref.uow(), ref.gestionnaire, [], aujourd_hui=JOUR)


@pytest.mark.parametrize("forme", ["dossier", "zip", "tar.gz"])
def test_folders_and_archives_give_every_file(ref: Referentiel, tmp_path: Path, forme: str) -> None:
    contenus = {
        "lot1/h.xml": extrait("0130126000021G1301", date(2026, 1, 5), foyer=1),
        "lot2/i.xml": extrait("0130126000022G1301", date(2026, 1, 5), foyer=2),
    }
    if forme == "dossier":
        source = tmp_path / "reprise"
        for nom, contenu in contenus.items():
            (source / nom).parent.mkdir(parents=True, exist_ok=True)
            (source / nom).write_bytes(contenu)
    elif forme == "zip":
        source = tmp_path / "reprise.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for nom, contenu in contenus.items():
                archive.writestr(nom, contenu)
    else:
        source = tmp_path / "reprise.tar.gz"
        with tarfile.open(source, "w:gz") as archive:
            for nom, contenu in contenus.items():
                info = tarfile.TarInfo(nom)
                info.size = len(contenu)
                archive.addfile(info, io.BytesIO(contenu))
    bilan = reprise(ref, list(archives.fichiers(source)))
    assert resultats(bilan) == {"lot1/h.xml": "reprise", "lot2/i.xml": "reprise"}


def test_something_else_than_a_folder_or_an_archive_is_refused(tmp_path: Path) -> None:
    autre = tmp_path / "demandes.csv"
    autre.write_text("numero\n")
    with pytest.raises(ValueError, match="dossier, archive"):
        archives.fichiers(autre)


def test_command_reports_per_file_and_exits_1_on_a_refusal(
    sne_cli: Callable[..., Result], tmp_path: Path
) -> None:
    for commande in (
        ("migrate",),
        ("territoire", "create", "013", "Bouches-du-Rhône"),
        ("guichet", "create", "G1301", "--nom", "HMP", "--type", "BAILLEUR", "--territoire", "013"),
    ):
        assert sne_cli(*commande).exit_code == 0
    source = tmp_path / "reprise.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("bon.xml", extrait("0130126000031G1301", date(2026, 1, 5)))
        archive.writestr("autre.xml", extrait("0130126000032G1388", date(2026, 1, 5), foyer=1))
    rapport = tmp_path / "rapport.csv"
    jour = JOUR.isoformat()
    result = sne_cli("reprise", "import", str(source), "--date", jour, "--rapport", str(rapport))
    assert result.exit_code == 1, result.output
    assert "autre.xml : refusé" in result.output
    assert "[GUICHET_INCONNU]" in result.output
    assert "2 fichier(s) lu(s)" in result.output and "1 demande(s) reprise(s)" in result.output
    lignes = rapport.read_text(encoding="utf-8").splitlines()
    assert lignes[0] == "fichier;numero_unique;resultat;anomalies"
    assert lignes[1] == "bon.xml;0130126000031G1301;reprise;"
    assert lignes[2].startswith("autre.xml;0130126000032G1388;refusée;[GUICHET_INCONNU]")
    encore = sne_cli("reprise", "import", str(source), "--date", jour)
    assert "1 déjà reprise(s)" in encore.output


def test_reading_processes_give_the_same_report_in_the_same_order(ref: Referentiel) -> None:
    fichiers = [
        (f"{rang}.xml", extrait(f"01301260001{rang:02d}G1301", date(2026, 1, 5), foyer=rang))
        for rang in range(1, 6)
    ]
    fichiers.insert(2, ("casse.xml", b"pas du XML"))
    bilan = reprendre(ref.uow(), ADMIN, fichiers, aujourd_hui=JOUR, taille_lot=2, processus=2)
    assert [(f.nom, f.resultat) for f in bilan.fichiers] == [
        (nom, "refusee" if nom == "casse.xml" else "reprise") for nom, _ in fichiers
    ]


def test_the_take_over_sample_keeps_everything_it_says(ref: Referentiel) -> None:
    bilan = reprise(ref, [("reprise.xml", sample_nuu("reprise_extrait_renouvele.xml"))])
    assert [(f.resultat, f.anomalies) for f in bilan.fichiers] == [("reprise", ())]
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, "0130525000734G1302")
    assert (vue.guichet, vue.date_depot, vue.date_renouvellement, vue.date_expiration) == (
        "G1302",
        date(2025, 5, 20),
        date(2026, 3, 10),
        date(2027, 3, 10),
    )
    assert vue.document["personnes"][0]["civilite"] == "3"  # Mademoiselle, kept as read
    with ref.uow() as uow:
        actions = uow.session.scalars(
            select(Historique.action)
            .where(Historique.entite_id == "0130525000734G1302")
            .order_by(Historique.id)
        ).all()
    assert actions == ["reprise", "enregistrement", "modification", "renouvellement"]


def test_a_radiated_demande_is_taken_over_radiated_with_its_attribution(
    ref: Referentiel,
) -> None:
    numero = "0130525000500G1302"
    contenu = extrait(numero, date(2025, 5, 4), foyer=5, radiation=RADIATION_ATTRIBUTION)
    bilan = reprise(ref, [("radiee.xml", contenu)])
    assert [(f.numero, f.resultat, f.anomalies) for f in bilan.fichiers] == [
        (numero, "reprise_radiee", ())
    ]
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, numero)
    assert (vue.statut, vue.date_radiation, vue.motif_radiation) == (
        "radiee",
        RADIATION_ATTRIBUTION["date_radiation"],
        "RADATT",
    )
    assert vue.radiation is not None
    assert {c: vue.radiation.get(c) for c in RADIATION_ATTRIBUTION} == RADIATION_ATTRIBUTION
    with ref.uow() as uow:
        ((action, changements),) = uow.session.execute(
            select(Historique.action, Historique.changements).where(Historique.entite_id == numero)
        ).all()
    assert action == "reprise" and changements["radiation_motif"] == "RADATT"
    # The number is kept: the territory's sequence continues after it, and a re-run is safe.
    nouvelle = demandes.enregistrer(
        ref.uow(), ref.agent, document_demande(foyer=6), aujourd_hui=date(2025, 5, 30)
    )
    assert nouvelle.numero.startswith("0130525000501")
    assert resultats(reprise(ref, [("radiee.xml", contenu)])) == {"radiee.xml": "deja_reprise"}
    with ref.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Radiation)) == 1


def test_a_radiation_is_checked_as_radier_checks_it(ref: Referentiel) -> None:
    incomplete = {k: v for k, v in RADIATION_ATTRIBUTION.items() if k != "bailleur"}
    avant_depot = {"motif": "RADABA", "date_radiation": date(2025, 4, 1)}
    bilan = reprise(
        ref,
        [
            (
                "incomplete.xml",
                extrait("0130525000510G1302", date(2025, 5, 4), radiation=incomplete),
            ),
            ("avant.xml", extrait("0130525000511G1302", date(2025, 5, 4), radiation=avant_depot)),
        ],
    )
    refus = {
        f.nom: [(a.code, a.chemin.rsplit("/", 1)[1]) for a in f.anomalies] for f in bilan.fichiers
    }
    assert {f.resultat for f in bilan.fichiers} == {"refusee"}
    assert refus["incomplete.xml"][0][1] == "bailleur"
    assert refus["avant.xml"][0][0] == "DATE_RADIATION_INVALIDE"


def test_the_radiated_sample_is_taken_over_radiated(ref: Referentiel) -> None:
    bilan = reprise(ref, [("radie.xml", sample_nuu("reprise_extrait_radie.xml"))])
    assert [(f.resultat, f.anomalies) for f in bilan.fichiers] == [("reprise_radiee", ())]
    vue = demandes.consulter(ref.uow(), ref.gestionnaire, "0130525000736G1302")
    assert (vue.statut, vue.motif_radiation, vue.date_radiation) == (
        "radiee",
        "RADABA",
        date(2026, 2, 12),
    )
