"""Extracts (no typeFichier): the take-over's renewal date and history are written and read back."""

from __future__ import annotations

from datetime import date

from sne.interchange import ecrire, lire
from sne.interchange.lecture import Evenement
from sne.services import formulaire
from tests.factories import JOUR, RADIATION_ATTRIBUTION, document_demande
from tests.samples import sample_nuu

NUMERO = "0130524000123G1302"
HISTOIRE = (
    Evenement(date(2024, 5, 10), "CRE", "Enregistrée en mairie"),
    Evenement(date(2025, 5, 2), "REN"),
)


def _extrait(**options: object) -> bytes:
    document = formulaire.valider(document_demande(), date_depot=date(2024, 5, 10))
    return ecrire(
        document,
        version="02.01",
        date_fichier=JOUR,
        guichet="G1302",
        numero=NUMERO,
        date_creation=date(2024, 5, 10),
        **options,  # type: ignore[arg-type]
    )


def test_an_extract_carries_its_renewal_and_history_both_ways() -> None:
    contenu = _extrait(type_fichier=None, date_renouvellement=date(2025, 5, 2), evenements=HISTOIRE)
    assert b"<typeFichier>" not in contenu
    fichier = lire(contenu)
    assert fichier.anomalies == ()
    assert (fichier.type_fichier, fichier.numero, fichier.date_creation) == (
        None,
        NUMERO,
        date(2024, 5, 10),
    )
    assert fichier.date_renouvellement == date(2025, 5, 2)
    assert fichier.evenements == HISTOIRE


def test_only_an_extract_may_carry_them() -> None:
    contenu = _extrait(
        type_fichier="MOD", date_renouvellement=date(2025, 5, 2), evenements=HISTOIRE
    )
    chemins = {(a.code, a.chemin.rsplit("/", 1)[1]) for a in lire(contenu).anomalies}
    assert chemins == {
        ("ELEMENT_INTERDIT", "dateDernierRenouvellement"),
        ("ELEMENT_INTERDIT", "listeEvenement"),
    }


def test_an_unknown_event_type_is_an_anomaly() -> None:
    contenu = _extrait(type_fichier=None, evenements=(Evenement(date(2025, 1, 2), "SUP"),))
    (anomalie,) = lire(contenu).anomalies
    assert anomalie.code == "CODE_INCONNU"
    assert anomalie.chemin.endswith("/listeEvenement/evenement[1]/typeEvenement/@code")


def test_the_take_over_sample_written_back_reads_the_same() -> None:
    fichier = lire(sample_nuu("reprise_extrait_renouvele.xml"))
    assert fichier.anomalies == () and fichier.document is not None
    assert fichier.document["personnes"][0]["civilite"] == "3"
    assert fichier.numero and fichier.date_creation
    relu = lire(
        ecrire(
            fichier.document,
            type_fichier=None,
            version=fichier.version or "02.01",
            date_fichier=JOUR,
            guichet=fichier.numero[-5:],
            numero=fichier.numero,
            date_creation=fichier.date_creation,
            date_renouvellement=fichier.date_renouvellement,
            evenements=fichier.evenements,
        )
    )
    assert relu.anomalies == () and relu.document is not None
    assert (relu.numero, relu.date_creation, relu.date_renouvellement, relu.evenements) == (
        fichier.numero,
        fichier.date_creation,
        fichier.date_renouvellement,
        fichier.evenements,
    )
    depot = fichier.date_creation
    attendu = formulaire.valider(fichier.document, date_depot=depot)
    assert formulaire.valider(relu.document, date_depot=depot) == attendu


def test_an_extract_carries_its_radiation_both_ways() -> None:
    fichier = lire(_extrait(type_fichier=None, radiation=RADIATION_ATTRIBUTION))
    assert fichier.anomalies == ()
    assert (fichier.motif_radiation, fichier.date_radiation) == ("RADATT", date(2026, 1, 20))
    donnees = {
        c: v for c, v in RADIATION_ATTRIBUTION.items() if c not in {"motif", "date_radiation"}
    }
    assert fichier.donnees_radiation == donnees
    assert fichier.chemin("date_bail").endswith("/radiation/logementAttribue/dateBail")


def test_a_radiation_in_an_extract_needs_its_date() -> None:
    contenu = _extrait(
        type_fichier=None, radiation={**RADIATION_ATTRIBUTION, "date_radiation": None}
    )
    (anomalie,) = lire(contenu).anomalies
    assert (anomalie.code, anomalie.chemin.rsplit("/", 2)[1:]) == (
        "ELEMENT_MANQUANT",
        ["radiation", "dateRadiation"],
    )


def test_a_radiated_sample_reads_without_anomaly() -> None:
    fichier = lire(sample_nuu("reprise_extrait_radie.xml"))
    assert fichier.anomalies == ()
    assert (fichier.motif_radiation, fichier.date_radiation) == ("RADABA", date(2026, 2, 12))
