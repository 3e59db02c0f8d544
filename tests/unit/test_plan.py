"""The plan de classement table: codes, categories, sensitivity, and its use by the classifier."""

from __future__ import annotations

import pytest

from scanning import classify
from scanning.plan import CATEGORIES_PAR_CODE, TYPES, TYPES_PAR_CODE, type_piece


def test_every_type_has_a_known_category_and_a_french_label() -> None:
    assert len({t.code for t in TYPES}) == len(TYPES)
    for t in TYPES:
        assert t.categorie in CATEGORIES_PAR_CODE
        assert t.libelle and t.libelle[0].isupper()


def test_medical_and_judicial_types_are_sensitive() -> None:
    for code in ("certificat_medical", "jugement_divorce", "jugement_expulsion", "decision_mdph"):
        assert type_piece(code).sensible
    for code in ("bulletin_salaire", "avis_imposition", "quittance_loyer"):
        assert not type_piece(code).sensible


def test_unknown_code_is_named_in_french() -> None:
    with pytest.raises(KeyError, match="type de pièce inconnu"):
        type_piece("facture_telephone")


def test_classifier_has_patterns_for_every_type() -> None:
    assert set(classify.MOTIFS) == set(TYPES_PAR_CODE)
    assert all(classify.MOTIFS[code] for code in TYPES_PAR_CODE if code != "autre")
