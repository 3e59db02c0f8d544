"""interfaceNuu files through the services, on SQLite and PostgreSQL: samples, anomalies, round trip."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from sne import migrate
from sne.cli import main
from sne.db import make_engine
from sne.interchange import exporter, importer
from sne.models import Demande, DoublonForce, Historique
from sne.services import demandes
from sne.uow import UnitOfWork
from tests.conftest import JOUR, POSTGRES_URL
from tests.factories import Referentiel, document_demande
from tests.samples import ANOMALIES_NUU, NUU, sample_nuu

DL = "/interfaceNuu/demande/demandeLogement"
PP = f"{DL}/personnePhysique"
PREMIER = "0130326000001G1301"


def importer_sample(ref: Referentiel, nom: str, jour: date = JOUR, acteur: Any = None) -> Any:
    return importer(ref.uow, acteur or ref.agent, sample_nuu(nom), aujourd_hui=jour)


def document(ref: Referentiel, numero: str) -> dict[str, Any]:
    return demandes.consulter(ref.uow(), ref.agent, numero).document


def nombre_de_demandes(ref: Referentiel) -> int:
    with ref.uow() as unit:
        return unit.session.scalar(select(func.count()).select_from(Demande)) or 0


@pytest.fixture
def menage(ref: Referentiel) -> str:
    """The household sample, imported on the day of its file."""
    resultat = importer_sample(ref, "cre_menage_cotitulaire_enfants.xml")
    assert resultat.anomalies == ()
    return str(resultat.numero)


def test_household_creation(ref: Referentiel, menage: str) -> None:
    assert menage == PREMIER
    vue = demandes.consulter(ref.uow(), ref.agent, menage)
    assert (vue.date_depot, vue.date_expiration, vue.guichet) == (
        JOUR,
        date(2027, 3, 16),
        "G1301",
    )
    doc = vue.document
    assert [p["role"] for p in doc["personnes"]] == [
        "demandeur",
        "cotitulaire",
        "a_charge",
        "a_charge",
        "a_naitre",
        "garde_alternee",
    ]
    assert doc["telephone_portable"] == "0671224890" and doc["consentement_sms"] is True
    assert [r["type"] for r in doc["personnes"][1]["ressources"]] == ["SAL", "PAV"]


def test_legal_person_creation_in_0200(ref: Referentiel) -> None:
    resultat = importer_sample(ref, "cre_personne_morale.xml")
    assert (resultat.type_fichier, resultat.numero, resultat.anomalies) == ("CRE", PREMIER, ())
    vue = demandes.consulter(ref.uow(), ref.agent, PREMIER)
    assert vue.date_depot == date(2026, 3, 10)
    assert vue.document["type_demandeur"] == "morale"
    assert vue.document["email"] == "logement@habitat-solidaire.example.org"


def test_split_after_separation(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "crs_separation.xml", date(2026, 4, 20))
    assert (resultat.type_fichier, resultat.anomalies) == ("CRS", ())
    assert resultat.numero == "0130326000002G1301"  # the joint filing date's month and year
    nouvelle = demandes.consulter(ref.uow(), ref.agent, "0130326000002G1301")
    assert nouvelle.date_depot == JOUR
    assert [p["role"] for p in nouvelle.document["personnes"]] == ["demandeur", "garde_alternee"]
    assert "cotitulaire" not in [p["role"] for p in document(ref, menage)["personnes"]]


def test_identity_change_with_its_justification(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "mod_changement_identite.xml", date(2026, 3, 20))
    assert resultat.anomalies == ()
    assert resultat.changements == ("telephone_portable", "personnes[1].prenoms")
    assert document(ref, menage)["personnes"][0]["prenoms"] == "Sophie Laurence Marie"
    with ref.uow() as unit:
        trace = unit.session.scalars(
            select(Historique).where(Historique.action == "modification")
        ).one()
        assert trace.changement_identite is True
        assert trace.justification.startswith("Carte nationale d'identité")


def test_identity_change_without_justification_changes_nothing(
    ref: Referentiel, menage: str
) -> None:
    avant = document(ref, menage)
    resultat = importer_sample(ref, "erreur_mod_identite_sans_justification.xml", date(2026, 3, 20))
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("JUSTIFICATION_REQUISE", f"{DL}/justification")
    ]
    assert resultat.anomalies[0].message.endswith(f"éléments modifiés : {PP}/demandeur/prenom")
    assert document(ref, menage) == avant  # not even the new phone number


def test_renewal(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "ren_renouvellement.xml", date(2027, 2, 15))
    assert (resultat.type_fichier, resultat.numero, resultat.anomalies) == ("REN", menage, ())
    vue = demandes.consulter(ref.uow(), ref.agent, menage)
    assert (vue.date_renouvellement, vue.date_expiration) == (date(2027, 2, 15), date(2028, 2, 15))


def test_radiation_on_attribution(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "rad_attribution.xml", date(2026, 9, 2))
    assert (resultat.type_fichier, resultat.anomalies) == ("RAD", ())
    vue = demandes.consulter(ref.uow(), ref.agent, menage)
    assert (vue.statut, vue.motif_radiation, vue.date_radiation) == (
        "radiee",
        "RADATT",
        date(2026, 9, 2),
    )
    # A second radiation, or a renewal, is refused with the demande's state.
    encore = importer_sample(ref, "ren_renouvellement.xml", date(2027, 2, 15))
    assert [(a.code, a.chemin) for a in encore.anomalies] == [("DEMANDE_RADIEE", f"{DL}/numUnique")]


def test_incomplete_attribution_lists_the_missing_elements(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "erreur_rad_attribution_incomplete.xml", date(2026, 9, 2))
    attribue = f"{DL}/radiation/logementAttribue"
    assert [(a.code, a.chemin, a.message) for a in resultat.anomalies] == [
        (
            "DONNEES_INVALIDES",
            f"{attribue}/surface",
            "obligatoire pour une radiation sur attribution",
        ),
        (
            "DONNEES_INVALIDES",
            f"{attribue}/dateBail",
            "obligatoire pour une radiation sur attribution",
        ),
    ]
    assert demandes.consulter(ref.uow(), ref.agent, menage).statut == "active"


@pytest.mark.parametrize("nom", sorted(ANOMALIES_NUU))
def test_broken_files_import_nothing(ref: Referentiel, nom: str) -> None:
    avant = nombre_de_demandes(ref)
    resultat = importer_sample(ref, nom, date(2027, 2, 15))
    assert [(a.code, a.chemin) for a in resultat.anomalies] == ANOMALIES_NUU[nom]
    assert not resultat.accepte and nombre_de_demandes(ref) == avant


def test_probable_duplicate_is_an_anomaly_unless_justified(ref: Referentiel, menage: str) -> None:
    avant = nombre_de_demandes(ref)
    resultat = importer_sample(ref, "cre_menage_cotitulaire_enfants.xml")
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("DOUBLON_PROBABLE", f"{PP}/demandeur")
    ]
    assert menage in resultat.anomalies[0].message
    assert "justificationDoublon" in resultat.anomalies[0].message
    assert nombre_de_demandes(ref) == avant
    force = sample_nuu("cre_menage_cotitulaire_enfants.xml").replace(
        b"<nuu:numGuichet>",
        b"<nuu:justificationDoublon>Homonyme v\xc3\xa9rifi\xc3\xa9 sur pi\xc3\xa8ce</nuu:justificationDoublon>"
        b"<nuu:numGuichet>",
    )
    accepte = importer(ref.uow, ref.agent, force, aujourd_hui=JOUR)
    assert accepte.anomalies == () and accepte.numero == "0130326000002G1301"
    with ref.uow() as unit:
        forcage = unit.session.scalars(
            select(DoublonForce)
            .join(Demande, Demande.id == DoublonForce.demande_id)
            .where(Demande.numero == accepte.numero)
        ).one()
        assert forcage.justification == "Homonyme vérifié sur pièce"


def test_real_format_file_imports_without_anomaly_and_exports_identically(
    ref: Referentiel,
) -> None:
    resultat = importer_sample(ref, "cre_format_reel_menage_complet.xml")
    assert (resultat.type_fichier, resultat.numero, resultat.anomalies) == ("CRE", PREMIER, ())
    doc = document(ref, PREMIER)
    demandeur, cotitulaire = doc["personnes"][:2]
    assert (demandeur["nom_naissance"], demandeur["nom_usage"]) == ("Lefèvre", "Haddad")
    assert (doc["revenu_fiscal_annee_n1"], cotitulaire["revenu_fiscal_annee_n2"]) == (2025, 2024)
    assert (doc["adresse_numero"], doc["commune_insee"], doc["logement_actuel_habitants"]) == (
        "8",
        "13203",
        4,
    )
    assert [p["role"] for p in doc["personnes"]].count("a_naitre") == 2
    contenu = exporter(ref.uow(), ref.agent, PREMIER, aujourd_hui=JOUR, version="02.00")
    for element in (
        b"<nomPatronymique>Lef\xc3\xa8vre</nomPatronymique>",
        b"<anneeMoins1>2025</anneeMoins1>",
        b"<nombre>2</nombre>",
        b'<coParentalite code="G" />',
        b'<lienParente code="P" />',
        b"<nombreHabitant>4</nombreHabitant>",
        b'<commune code="13117" />',
    ):
        assert element in contenu


def test_duplicate_check_compares_birth_names(ref: Referentiel) -> None:
    assert importer_sample(ref, "cre_format_reel_menage_complet.xml").anomalies == ()
    # Remarried: another name in use, the same birth name: the same person.
    remariee = sample_nuu("cre_format_reel_menage_complet.xml").replace(
        b"<ns1:nom>Haddad</ns1:nom>\n          <ns1:nomPatronymique>",
        b"<ns1:nom>Martin</ns1:nom>\n          <ns1:nomPatronymique>",
    )
    resultat = importer(ref.uow, ref.agent, remariee, aujourd_hui=JOUR)
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("DOUBLON_PROBABLE", f"{PP}/demandeur")
    ]


def test_extract_reads_but_names_no_operation(ref: Referentiel, menage: str) -> None:
    avant = nombre_de_demandes(ref)
    resultat = importer_sample(ref, "extrait_sans_type_fichier.xml")
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("EXTRAIT_NON_IMPORTABLE", "/interfaceNuu/entete")
    ]
    assert nombre_de_demandes(ref) == avant


def test_renewal_without_guichet_number(ref: Referentiel, menage: str) -> None:
    resultat = importer_sample(ref, "ren_sans_num_guichet.xml", date(2027, 2, 15))
    assert (resultat.type_fichier, resultat.numero, resultat.anomalies) == ("REN", menage, ())


def test_context_checks(ref: Referentiel, menage: str) -> None:
    avant = nombre_de_demandes(ref)
    autre = importer_sample(ref, "ren_renouvellement.xml", date(2027, 2, 15), ref.autre_agent)
    assert [(a.code, a.chemin) for a in autre.anomalies] == [
        ("GUICHET_INCOHERENT", f"{DL}/numGuichet")
    ]
    trop_tot = importer_sample(ref, "ren_renouvellement.xml", date(2027, 2, 14))
    assert [a.code for a in trop_tot.anomalies] == ["DATE_FICHIER_FUTURE"]
    faute = sample_nuu("ren_renouvellement.xml").replace(b"2026-03-16", b"2026-03-15")
    resultat = importer(ref.uow, ref.agent, faute, aujourd_hui=date(2027, 2, 15))
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("DATE_CREATION_INCOHERENTE", f"{DL}/dateCreationDemande")
    ]
    inconnu = sample_nuu("ren_renouvellement.xml").replace(b"000001G1301", b"000009G1301")
    resultat = importer(ref.uow, ref.agent, inconnu, aujourd_hui=date(2027, 2, 15))
    assert [(a.code, a.chemin) for a in resultat.anomalies] == [
        ("NUMERO_INCONNU", f"{DL}/numUnique")
    ]
    # A filing older than a month is refused by the registration, and nothing is created.
    ancien = importer_sample(ref, "cre_personne_morale.xml", date(2026, 4, 20))
    assert [(a.code, a.chemin) for a in ancien.anomalies] == [
        ("DATE_DEPOT_INVALIDE", f"{DL}/dateCreationDemande")
    ]
    assert nombre_de_demandes(ref) == avant


def test_content_refused_by_the_form_rules_names_the_elements(ref: Referentiel) -> None:
    contenu = (
        sample_nuu("cre_menage_cotitulaire_enfants.xml")
        .replace(
            b"<nuu:dateNaissance>2016-11-05</nuu:dateNaissance>",
            b"<nuu:dateNaissance>2006-11-05</nuu:dateNaissance>",
        )
        .replace(
            b"<nuu:codePostal>13001</nuu:codePostal>", b"<nuu:codePostal>1300</nuu:codePostal>"
        )
    )
    resultat = importer(ref.uow, ref.agent, contenu, aujourd_hui=JOUR)
    assert [(a.code, a.chemin, a.message) for a in resultat.anomalies] == [
        (
            "DONNEES_INVALIDES",
            f"{PP}/demandeur/adressePostale/codePostal",
            "« 1300 » n'est pas un code postal français",
        ),
        (
            "DONNEES_INVALIDES",
            f"{PP}/listePersonneEnGarde/personneEnGarde[1]/dateNaissance",
            "la garde alternée ou le droit de visite concerne un mineur",
        ),
    ]


# Round trip.


@pytest.fixture(scope="module")
def sqlite_vierge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('vierge') / 'sne.sqlite3'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_vierge(postgres_engine: Engine) -> Iterator[Engine]:
    url = make_url(POSTGRES_URL)
    url = url.set(database=f"{url.database}_vierge")
    adresse = url.render_as_string(hide_password=False)
    engine = migrate.recreer_base_postgres(adresse)
    yield engine
    engine.dispose()
    migrate.supprimer_base_postgres(adresse)


@pytest.fixture
def ref_vierge(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Referentiel]:
    """The same territory and accounts in another, empty database of the same backend."""
    nom = "sqlite_vierge" if engine.dialect.name == "sqlite" else "postgres_vierge"
    autre: Engine = request.getfixturevalue(nom)
    connection = autre.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    uow: Callable[[], UnitOfWork] = lambda: UnitOfWork(factory)  # noqa: E731
    yield Referentiel(uow)
    outer.rollback()
    connection.close()


@pytest.mark.parametrize(
    "nom",
    [
        "cre_format_reel_menage_complet.xml",
        "cre_menage_cotitulaire_enfants.xml",
        "cre_personne_morale.xml",
    ],
)
def test_cre_export_imports_the_same_demande_into_a_fresh_database(
    ref: Referentiel, ref_vierge: Referentiel, nom: str
) -> None:
    numero = importer_sample(ref, nom).numero
    assert numero is not None
    contenu = exporter(ref.uow(), ref.agent, numero, aujourd_hui=JOUR)
    assert b"<numUnique>" not in contenu
    resultat = importer(ref_vierge.uow, ref_vierge.agent, contenu, aujourd_hui=JOUR)
    assert resultat.anomalies == () and resultat.numero is not None
    avant = demandes.consulter(ref.uow(), ref.agent, numero)
    apres = demandes.consulter(ref_vierge.uow(), ref_vierge.agent, resultat.numero)
    assert apres.document == avant.document
    assert apres.date_depot == avant.date_depot


@pytest.mark.parametrize("version", ["02.00", "02.01"])
def test_mod_export_reimported_changes_nothing(ref: Referentiel, menage: str, version: str) -> None:
    avant = document(ref, menage)
    contenu = exporter(
        ref.uow(), ref.agent, menage, aujourd_hui=JOUR, type_fichier="MOD", version=version
    )
    resultat = importer(ref.uow, ref.agent, contenu, aujourd_hui=JOUR)
    assert (resultat.type_fichier, resultat.numero, resultat.anomalies) == ("MOD", menage, ())
    assert resultat.changements == ()
    assert document(ref, menage) == avant
    with ref.uow() as unit:
        actions = unit.session.scalars(select(Historique.action)).all()
        assert "modification" not in actions


def test_mod_round_trip_keeps_an_order_the_format_cannot_express(ref: Referentiel) -> None:
    """Registered with the child before the co-holder and alimony before the salary."""
    doc = document_demande()
    demandeur, cotitulaire, enfant = doc["personnes"]
    cotitulaire["ressources"] = [
        {"type": "PAV", "montant_mensuel": "150.00"},
        {"type": "SAL", "montant_mensuel": "1320.50"},
    ]
    doc["personnes"] = [demandeur, enfant, cotitulaire]
    numero = demandes.enregistrer(ref.uow(), ref.agent, doc, aujourd_hui=JOUR).numero
    avant = document(ref, numero)
    contenu = exporter(ref.uow(), ref.agent, numero, aujourd_hui=JOUR, type_fichier="MOD")
    resultat = importer(ref.uow, ref.agent, contenu, aujourd_hui=JOUR)
    assert resultat.anomalies == () and resultat.changements == ()
    assert document(ref, numero) == avant
    # A real change in such a demande is traced on the right person only.
    change = contenu.replace(b"<montant>1320.50</montant>", b"<montant>1400.00</montant>")
    resultat = importer(ref.uow, ref.agent, change, aujourd_hui=JOUR)
    assert resultat.anomalies == () and resultat.changements == ("personnes[3].ressources",)
    # A refusal names the elements of the file, whatever the registered ranks.
    prenom = change.replace(b"<prenom>In\xc3\xa8s</prenom>", b"<prenom>In\xc3\xa8s Maria</prenom>")
    refus = importer(ref.uow, ref.agent, prenom, aujourd_hui=JOUR)
    assert [a.code for a in refus.anomalies] == ["JUSTIFICATION_REQUISE"]
    assert refus.anomalies[0].message.endswith(
        f"éléments modifiés : {PP}/listePersonneACharge/personneACharge[1]/prenom"
    )


def test_export_refusals(ref: Referentiel, menage: str) -> None:
    from sne.errors import SneError

    with pytest.raises(SneError) as refus:
        exporter(ref.uow(), ref.agent, menage, aujourd_hui=JOUR, type_fichier="RAD")
    assert refus.value.code == "TYPE_FICHIER_INCONNU"
    with pytest.raises(SneError) as refus:
        exporter(ref.uow(), ref.agent, menage, aujourd_hui=JOUR, version="03.00")
    assert refus.value.code == "VERSION_INCONNUE"


def test_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SNE_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": ""}

    def sne(*args: str, entree: str | None = None) -> Any:
        return runner.invoke(main, list(args), env=env, input=entree)

    for commande in (
        ["migrate"],
        ["territoire", "create", "013", "Bouches-du-Rhône"],
        ["guichet", "create", "G1301", "--nom", "HMP", "--type", "BAILLEUR", "--territoire", "013"],
    ):
        assert sne(*commande).exit_code == 0
    compte = sne(
        "user", "create", "agent", "--role", "agent_guichet", "--guichet", "G1301",
        "--nom", "Agent", "--prenom", "Test", "--password-stdin",
        entree="correct horse battery\n",
    )  # fmt: skip
    assert compte.exit_code == 0, compte.output
    cree = sne(
        "import-xml", str(NUU / "cre_menage_cotitulaire_enfants.xml"), "--as", "agent",
        "--date", "2026-03-16",
    )  # fmt: skip
    assert cree.exit_code == 0, cree.output
    assert cree.output == f"Fichier CRE importé : demande enregistrée {PREMIER}\n"
    sortie = tmp_path / "mod.xml"
    export = sne(
        "export-xml", PREMIER, "--type", "MOD", "--version", "02.00", "--out", str(sortie),
        "--as", "agent", "--date", "2026-03-16",
    )  # fmt: skip
    assert export.exit_code == 0, export.output
    assert b'versionInterface="02.00"' in sortie.read_bytes()
    reimport = sne("import-xml", str(sortie), "--as", "agent", "--date", "2026-03-16")
    assert reimport.output == (
        f"Fichier MOD importé : demande modifiée {PREMIER}\n  Aucun changement.\n"
    )
    stdout = sne("export-xml", PREMIER, "--date", "2026-03-16")
    assert stdout.exit_code == 0 and "<typeFichier>CRE</typeFichier>" in stdout.output
    casse = sne("import-xml", str(NUU / "erreur_code_inconnu.xml"), "--as", "agent")
    assert casse.exit_code == 1
    assert "Fichier CRE rejeté : 3 anomalie(s), rien n'a été importé." in casse.output
    assert f"  - [CODE_INCONNU] {PP}/demandeur/civilite/@code : code civilité « 4 »" in casse.output
    illisible = tmp_path / "pas-du-xml.xml"
    illisible.write_text("ceci n'est pas un fichier interfaceNuu", encoding="utf-8")
    sans_type = sne("import-xml", str(illisible), "--as", "agent")
    assert sans_type.exit_code == 1
    assert "Fichier sans type rejeté : 1 anomalie(s)" in sans_type.output
