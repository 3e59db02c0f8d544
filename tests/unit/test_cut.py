"""Cutting a dossier's pages into pieces: first pages, recto/verso, declared count."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanning.classify import probabilite_debut
from scanning.cut import decouper


def test_first_pages_start_pieces_and_continuations_follow() -> None:
    textes = [
        "BULLETIN DE PAIE\nSalaire de base",
        "CONTRAT DE LOCATION\nLogement vide — loi n° 89-462",
        "Contrat de location — paraphes : Page 2/3",
        "Contrat de location — paraphes : Page 3/3",
        "QUITTANCE DE LOYER",
    ]
    probabilites = [probabilite_debut(t) for t in textes]
    assert decouper(probabilites).pieces == ((0,), (1, 2, 3), (4,))


def test_recto_and_verso_stay_together() -> None:
    textes = [
        "RÉPUBLIQUE FRANÇAISE CARTE NATIONALE D'IDENTITÉ IDENTITY CARD",
        "Adresse / Address 12 RUE DES TANNEURS IDFRAMARTIN<<<<<<<<<<<",
        "TITRE DE SÉJOUR RESIDENCE PERMIT",
        "Adresse / Address IDFRANGUYEN<<<<<<<<<<<<<<",
    ]
    probabilites = [probabilite_debut(t) for t in textes]
    assert decouper(probabilites).pieces == ((0, 1), (2, 3))
    # Even a declared count asking for more pieces never splits a card from its back.
    forcee = decouper(probabilites, declares=4)
    assert forcee.pieces == ((0, 1), (2, 3))
    assert forcee.anomalie is not None and "annonce 4 document(s)" in forcee.anomalie


def test_blank_back_stays_with_its_recto() -> None:
    probabilites = [probabilite_debut("QUITTANCE DE LOYER"), probabilite_debut(None, blanche=True)]
    assert decouper(probabilites).pieces == ((0, 1),)


def test_declared_count_picks_the_most_likely_cut() -> None:
    # Page 1 is an unknown letter (0.4), page 2 an unclear page (0.55), page 3 a heading.
    probabilites = [0.95, 0.4, 0.55, 0.95]
    assert decouper(probabilites).pieces == ((0, 1), (2,), (3,))
    quatre = decouper(probabilites, declares=4)
    assert quatre.pieces == ((0,), (1,), (2,), (3,))
    assert quatre.anomalie is None  # only unclear pages were settled by the count
    deux = decouper(probabilites, declares=2)
    assert deux.pieces == ((0, 1, 2), (3,))
    assert decouper(probabilites, declares=3).anomalie is None
    un = decouper(probabilites, declares=1)  # a clear heading merged into the piece before
    assert un.pieces == ((0, 1, 2, 3),)
    assert un.anomalie is not None and "ajusté" in un.anomalie


def test_empty_dossier() -> None:
    assert decouper([]).pieces == ()
    assert decouper([], declares=2).anomalie == "Le dossier ne contient aucune page."


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30),
    st.one_of(st.none(), st.integers(min_value=1, max_value=35)),
)
def test_pieces_partition_the_pages_in_order(
    probabilites: list[float], declares: int | None
) -> None:
    decoupage = decouper(probabilites, declares)
    pages = [p for piece in decoupage.pieces for p in piece]
    assert pages == list(range(len(probabilites)))
    assert all(piece for piece in decoupage.pieces)
    for piece in decoupage.pieces[1:]:
        assert probabilites[piece[0]] >= 0.1
    if declares is not None and len(decoupage.pieces) != declares:
        assert decoupage.anomalie
    if declares is None:
        assert decoupage.anomalie is None
