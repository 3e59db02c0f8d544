"""What the console and incident tests share: operator accounts, a recording queue, lots."""

from __future__ import annotations

from datetime import date, datetime

from sne.models import Lot
from sne.services import referentiel
from tests.factories import ADMIN, Referentiel
from tests.web.conftest import MOT_DE_PASSE


def creer_operateur(ref: Referentiel, login: str, territoire: str | None) -> None:
    """Open an operator account (national when ``territoire`` is None), password already chosen."""
    referentiel.creer_utilisateur(
        ref.uow(),
        ADMIN,
        login=login,
        nom="Opérateur",
        prenom="Test",
        role="operateur_numerisation",
        mot_de_passe=MOT_DE_PASSE,
        territoire=territoire,
        provisoire=False,
    )


def lot(
    ref: Referentiel,
    *,
    statut: str = "recu",
    echeance: date,
    territoire: str = "013",
    guichet_id: int | None = None,
    canal: str = "courrier_guichet",
    nom: str = "lot.pdf",
    traite_le: datetime | None = None,
) -> int:
    """Record a lot as intake and processing would have left it; return its id."""
    with ref.uow() as unit:
        ligne = Lot(
            sha256=f"{nom}{statut}{echeance}".ljust(64, "0")[:64],
            nom_fichier=nom,
            storage_key=f"lots/{nom}",
            taille=1,
            canal=canal,
            territoire_code=territoire,
            guichet_id=guichet_id,
            recu_le=datetime(echeance.year, echeance.month, 1, 9),
            echeance=echeance,
            statut=statut,
            pages_total=10,
            pages_faites=4,
            erreur="Le traitement du lot s'est interrompu." if statut == "erreur" else None,
            traite_le=traite_le,
            created_at=datetime(2026, 3, 1),
        )
        unit.session.add(ligne)
        unit.commit()
        return ligne.id
