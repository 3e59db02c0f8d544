"""Documents per second: fiches, attestations and a 50-demand sending, on one core."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from bench.common import peak_rss_mb, report
from scanning.qr_payload import keyring_from_secrets
from sne.documents.attestation import render_attestation
from sne.documents.bordereau import render_envoi
from sne.documents.data import (
    AttestationData,
    BordereauData,
    FicheData,
    GuichetData,
    LigneBordereau,
)
from sne.documents.fiche import render_fiche

GUICHET = GuichetData("G1104", "Mairie de Marseille – Service logement", ("2 quai du Port",))
NOMS = ("Martin", "Bernard", "Dubois", "Lefèvre-Cœurderoy", "N'Diaye", "Nguyen", "Da Silva")


def _fiche(rang: int) -> FicheData:
    return FicheData(
        nom=NOMS[rang % len(NOMS)],
        prenoms="Jean Édouard",
        date_naissance=date(1970, 1 + rang % 12, 1 + rang % 28),
        numero=f"0130318{rang:06d}G1104",
        nb_documents=1 + rang % 9,
        nb_pages=2 + rang % 30,
        date_remplissage=date(2024, 3, 15),
        guichet=GUICHET,
    )


def _attestation(rang: int) -> AttestationData:
    return AttestationData(
        numero=f"0130318{rang:06d}G1104",
        renouvellement=rang % 2 == 1,
        civilite="Mme",
        nom=NOMS[rang % len(NOMS)],
        prenoms="Anne Joséphine",
        date_naissance=date(1985, 4, 12),
        adresse=("14 rue de la République", "13001 Marseille"),
        guichet=GUICHET,
        territoire="Bouches-du-Rhône (013)",
        date_depot=date(2023, 3, 2),
        date_renouvellement=date(2024, 3, 1) if rang % 2 else None,
        date_expiration=date(2025, 3, 1),
        date_emission=date(2024, 3, 15),
    )


def _rate(work: Callable[[int], bytes], seconds: float = 3.0) -> tuple[float, int]:
    """Run ``work(rank)`` for about ``seconds``; return calls per second and the last size."""
    work(0)  # warm caches (fonts, imports) outside the measure
    count, size = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        size = len(work(count))
        count += 1
    return count / (time.perf_counter() - start), size


def main() -> None:
    """Measure and report the figures."""
    keyring = keyring_from_secrets("bench")
    fiches_per_s, fiche_bytes = _rate(lambda rang: render_fiche(_fiche(rang), keyring))
    attestations_per_s, attestation_bytes = _rate(
        lambda rang: render_attestation(_attestation(rang), keyring)
    )

    fiches = [_fiche(rang) for rang in range(1, 51)]
    bordereau = BordereauData(
        envoi="E0000042",
        guichet=GUICHET,
        departement="013",
        nb_dossiers=len(fiches),
        nb_pages=1 + sum(f.nb_pages for f in fiches),
        date_transmission=date(2024, 3, 15),
        lignes=tuple(LigneBordereau(f.numero, f.nom, f.nb_pages) for f in fiches),
    )
    envois_per_s, envoi_bytes = _rate(lambda _: render_envoi(bordereau, fiches, keyring), 5.0)

    report(
        "documents",
        {
            "fiches_per_s": round(fiches_per_s, 1),
            "attestations_per_s": round(attestations_per_s, 1),
            "envoi_50_s": round(1 / envois_per_s, 3),
            "envoi_50_pages_per_s": round(51 * envois_per_s, 1),
            "fiche_kb": round(fiche_bytes / 1024, 1),
            "attestation_kb": round(attestation_bytes / 1024, 1),
            "envoi_50_kb": round(envoi_bytes / 1024, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        },
        notes="single process; embedded DejaVu Sans subsets, QR as vector rectangles, "
        "uncompressed page streams",
    )


if __name__ == "__main__":
    main()
