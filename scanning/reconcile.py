"""Reconcile a split batch against each envoi's recorded composition: expected dossiers, not counts.

The bordereau only carries totals, and totals can balance by accident: a fiche
missing between demandes A and B while A also lacks one of its pieces leaves
every count right and B's pages inside A's dossier. The guichet recorded which
demandes it sent, in which order, with how many documents and pages each; so
``reconcilier`` checks, for every envoi of the manifest whose composition is
known, that each declared demande got its dossier and that no dossier runs past
what its demande declared. Whatever does not reconcile is held for manual
review with a French anomaly naming the demandes; nothing is moved between
dossiers. An applicant's attestation mail has no envoi and is left as it is.
Pure: a manifest in, a manifest out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from scanning.manifest import Anomaly, Dossier, DossierStatus, Envoi, Manifest, Role


@dataclass(frozen=True)
class DossierAttendu:
    """One demande of an envoi as the guichet recorded it."""

    numero: str  # numéro unique
    documents: int  # documents declared
    pages: int  # pages declared, fiche included


def reconcilier(manifest: Manifest, attendus: Mapping[str, Sequence[DossierAttendu]]) -> Manifest:
    """Check each sending of the manifest against its recorded composition (key: the envoi
    identifier as the bordereau's QR code carries it, e.g. 'E013-0000A'), in order."""
    dossiers = list(manifest.dossiers)
    envois = list(manifest.envois)
    anomalies = list(manifest.anomalies)
    for envoi in manifest.envois:
        if envoi.envoi not in attendus:
            continue
        trouvees = _verifier_envoi(
            envoi, [dossiers[i] for i in envoi.dossiers], attendus[envoi.envoi]
        )
        if not trouvees:
            continue
        anomalies.extend(anomalie for anomalie, _ in trouvees)
        for _, tenus in trouvees:
            for index in tenus:
                dossiers[index] = replace(dossiers[index], status=DossierStatus.REVUE)
        envois[envoi.index] = replace(envoi, status=DossierStatus.REVUE)
    return replace(
        manifest, dossiers=tuple(dossiers), envois=tuple(envois), anomalies=tuple(anomalies)
    )


def _verifier_envoi(
    envoi: Envoi, trouves: list[Dossier], attendus: Sequence[DossierAttendu]
) -> list[tuple[Anomaly, tuple[int, ...]]]:
    """Anomalies of one envoi, each with the dossiers (manifest indices) it holds for review."""
    resultat: list[tuple[Anomaly, tuple[int, ...]]] = []
    declares = {attendu.numero: attendu for attendu in attendus}
    fiches = [d for d in trouves if d.kind is Role.FICHE]
    numeros_trouves = [d.numero for d in fiches]
    for dossier in fiches:
        if dossier.numero not in declares:
            resultat.append(
                (
                    Anomaly(
                        "dossier_hors_envoi",
                        f"Envoi {envoi.envoi} : la demande {dossier.numero} n'est pas déclarée "
                        "dans cet envoi ; son dossier attend un opérateur.",
                        pages=(dossier.separator_page, *dossier.pages),
                        dossier=dossier.index,
                        sending=envoi.index,
                    ),
                    (dossier.index,),
                )
            )
            continue
        attendu = declares[dossier.numero]
        trouvees = 1 + len(dossier.pages)
        # The splitter already holds a dossier running past its own fiche's count.
        deja_dit = dossier.declared_pages == attendu.pages
        if trouvees > attendu.pages and not deja_dit:
            resultat.append(
                (
                    Anomaly(
                        "pages_au_dela_de_la_demande",
                        f"Envoi {envoi.envoi} : le dossier de la demande {dossier.numero} compte "
                        f"{trouvees} pages, fiche comprise, alors que la demande en déclare "
                        f"{attendu.pages} : les pages en trop appartiennent peut-être à une autre "
                        "demande ; rien n'a été rattaché automatiquement.",
                        pages=dossier.pages,
                        dossier=dossier.index,
                        sending=envoi.index,
                    ),
                    (dossier.index,),
                )
            )
    for rang, attendu in enumerate(attendus):
        if attendu.numero in numeros_trouves:
            continue
        tenus = _ou_sont_ses_pages(rang, attendus, fiches)
        voisins = [d.numero for d in fiches if d.index in tenus]
        ou = (
            f" ; ses pages sont peut-être dans le dossier de la demande {', '.join(voisins)}, "
            "gardé pour vérification"
            if voisins
            else ""
        )
        resultat.append(
            (
                Anomaly(
                    "demande_sans_fiche",
                    f"Envoi {envoi.envoi} : aucune fiche récapitulative trouvée pour la demande "
                    f"{attendu.numero} ({attendu.documents} document(s), {attendu.pages} pages "
                    f"déclarées){ou}.",
                    pages=tuple(p for d in fiches if d.index in tenus for p in d.pages),
                    sending=envoi.index,
                ),
                tenus,
            )
        )
    return resultat


def _ou_sont_ses_pages(
    rang: int, attendus: Sequence[DossierAttendu], fiches: list[Dossier]
) -> tuple[int, ...]:
    """The dossiers that may hold the pages of the ``rang``-th declared demande, whose fiche is missing.

    Scanned in the declared order, they follow the fiche of the demande declared
    before it: that dossier. In any other order they could be anywhere: every
    dossier of the envoi.
    """
    ordre = {attendu.numero: i for i, attendu in enumerate(attendus)}
    rangs = [ordre[d.numero] for d in fiches if d.numero in ordre]
    if rangs != sorted(rangs) or len(rangs) != len(fiches):
        return tuple(d.index for d in fiches)
    precedents = [d for d in fiches if ordre[d.numero] < rang]
    return (precedents[-1].index,) if precedents else ()
