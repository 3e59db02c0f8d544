"""Reconciliation of a split batch against the envois' recorded compositions."""

from __future__ import annotations

from scanning.manifest import Dossier, DossierStatus, Envoi, Manifest, Role
from scanning.reconcile import DossierAttendu, reconcilier

A, B, C = "0130326000001G1301", "0130326000002G1301", "0130326000003G1301"
PUBLIC = "0130326000009GDPUB"


def _manifest(*fiches: tuple[str, int, int], envoi: str = "E013-00001") -> Manifest:
    """A bordereau at page 0, then each (numero, declared pages, pages found) fiche and pieces."""
    dossiers = []
    page = 1
    for index, (numero, declarees, trouvees) in enumerate(fiches):
        pieces = tuple(range(page + 1, page + trouvees))
        dossiers.append(
            Dossier(index, Role.FICHE, numero, page, pieces, sending=0, declared_pages=declarees)
        )
        page += trouvees
    attestation = Dossier(len(dossiers), Role.ATTESTATION, PUBLIC, page, (page + 1,))
    total = 1 + sum(f[2] for f in fiches)
    envois = (
        Envoi(0, 0, envoi, "G1301", "013", 3, total, "2026-03-16", tuple(range(len(fiches)))),
    )
    return Manifest("lot.pdf", "x", page + 2, (), envois=envois, dossiers=(*dossiers, attestation))


def _statuts(manifest: Manifest) -> list[str]:
    return [d.status.value for d in manifest.dossiers]


def test_a_missing_fiche_holds_the_dossier_that_took_its_pages_even_when_counts_balance() -> None:
    # A declared 4 pages but lost a one-page piece; B's fiche is missing, its one piece follows A.
    manifest = _manifest((A, 4, 4), (C, 3, 3))
    attendus = {
        "E013-00001": [DossierAttendu(A, 3, 4), DossierAttendu(B, 1, 2), DossierAttendu(C, 2, 3)]
    }
    resultat = reconcilier(manifest, attendus)
    assert _statuts(resultat) == ["revue_manuelle", "ok", "ok"]
    assert resultat.envois[0].status is DossierStatus.REVUE
    [anomalie] = [a for a in resultat.anomalies if a.code == "demande_sans_fiche"]
    assert B in anomalie.message and A in anomalie.message
    assert anomalie.pages == manifest.dossiers[0].pages


def test_a_dossier_past_what_its_demande_declared_is_held_and_named() -> None:
    # The fiche was filled with 5 pages, the guichet recorded 3: the two extra pages are suspect.
    manifest = _manifest((A, 5, 5), (B, 2, 2), (C, 3, 3))
    attendus = {
        "E013-00001": [DossierAttendu(A, 2, 3), DossierAttendu(B, 1, 2), DossierAttendu(C, 2, 3)]
    }
    resultat = reconcilier(manifest, attendus)
    assert _statuts(resultat) == ["revue_manuelle", "ok", "ok", "ok"]
    [anomalie] = resultat.anomalies
    assert anomalie.code == "pages_au_dela_de_la_demande" and A in anomalie.message
    assert anomalie.message.endswith(".") and ".." not in anomalie.message


def test_a_missing_fiche_out_of_the_declared_order_holds_every_dossier_of_the_envoi() -> None:
    manifest = _manifest((C, 3, 3), (A, 3, 5))
    attendus = {
        "E013-00001": [DossierAttendu(A, 2, 3), DossierAttendu(B, 1, 2), DossierAttendu(C, 2, 3)]
    }
    assert _statuts(reconcilier(manifest, attendus)) == ["revue_manuelle", "revue_manuelle", "ok"]


def test_an_undeclared_demande_is_held() -> None:
    manifest = _manifest((A, 3, 3), (C, 3, 3))
    resultat = reconcilier(manifest, {"E013-00001": [DossierAttendu(A, 2, 3)]})
    assert _statuts(resultat) == ["ok", "revue_manuelle", "ok"]
    assert [a.code for a in resultat.anomalies] == ["dossier_hors_envoi"]


def test_a_first_demande_without_fiche_holds_nothing_more_than_the_splitter_did() -> None:
    # Its pages, before any fiche of the envoi, are orphans the splitter already reports.
    manifest = _manifest((B, 2, 2))
    resultat = reconcilier(
        manifest, {"E013-00001": [DossierAttendu(A, 1, 2), DossierAttendu(B, 1, 2)]}
    )
    assert _statuts(resultat) == ["ok", "ok"]
    assert [a.code for a in resultat.anomalies] == ["demande_sans_fiche"]


def test_a_complete_envoi_an_unknown_envoi_and_an_attestation_are_left_as_they_are() -> None:
    manifest = _manifest((A, 3, 3), (B, 2, 2))
    complet = {"E013-00001": [DossierAttendu(A, 2, 3), DossierAttendu(B, 1, 2)]}
    assert reconcilier(manifest, complet) == manifest
    assert reconcilier(manifest, {"E013-99999": [DossierAttendu(C, 1, 2)]}) == manifest
