"""Classification of pieces: every type of the plan from its printed words, unknown pieces to qualify."""

from __future__ import annotations

import pytest

from scanning import classify, ocr
from scanning.plan import TYPES
from synth.pieces import MODELES, rendre_piece


def _texte_imprime(gabarit: str) -> str:
    """The words a template prints on its first page (what a perfect OCR would read)."""
    modele = MODELES[gabarit]
    return "\n".join((*modele.emetteur, *modele.titres, *modele.champs, *modele.tableau))


@pytest.mark.parametrize("code", [t.code for t in TYPES if t.code != "autre"])
def test_every_type_is_recognised_from_its_printed_words(code: str) -> None:
    decision = classify.classer(_texte_imprime(code))
    assert decision.type == code
    assert decision.statut == "classee"
    assert decision.confiance >= classify.SEUIL


@pytest.mark.parametrize("gabarit", ["autre", "facture"])
def test_unknown_piece_goes_to_a_qualifier(gabarit: str) -> None:
    decision = classify.classer(_texte_imprime(gabarit) + "\nMadame, Monsieur, veuillez trouver")
    assert decision.statut == "a_qualifier"
    assert decision.confiance < classify.SEUIL


def test_weak_or_ambiguous_evidence_is_only_a_suggestion() -> None:
    faible = classify.classer("montant du loyer")
    assert faible.type == "quittance_loyer" and faible.statut == "a_qualifier"
    ambigu = classify.classer("QUITTANCE DE LOYER\nCONTRAT DE LOCATION")
    assert ambigu.statut == "a_qualifier"
    assert {code for code, _ in ambigu.scores} >= {"quittance_loyer", "bail"}


def test_accents_case_and_apostrophes_are_folded() -> None:
    assert classify.classer("ATTESTATION D’HÉBERGEMENT").type == "certificat_hebergement"
    assert classify.classer("avis d'impot 2025").type == "avis_imposition"


def test_continuation_and_card_backs_are_recognised() -> None:
    assert classify.est_suite("Contrat de location — paraphes : Page 2/3")
    assert classify.est_suite("IDFRAMARTIN<<<<<<<<<<<<<<<<")
    assert not classify.est_suite("Page 1/3")
    assert classify.probabilite_debut("Page 2 sur 4") < 0.1


@pytest.mark.slow
@pytest.mark.parametrize(
    "gabarit", ["carte_identite", "avis_imposition", "bulletin_salaire", "decision_mdph"]
)
def test_generated_scans_are_classified_by_ocr(gabarit: str) -> None:
    page = rendre_piece(gabarit, 200, 1)[0]
    haut = ocr.lire_haut(page, 200)
    decision = classify.classer(haut.texte)
    if decision.statut != "classee":  # heading below the top third: read the whole page
        decision = classify.classer(ocr.lire_page(page, 200).texte)
    assert (decision.type, decision.statut) == (MODELES[gabarit].code, "classee")
