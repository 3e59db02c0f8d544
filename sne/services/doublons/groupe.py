"""A group of demandes named for a merge or a report: loaded, one territory, data choices checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, selectinload

from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, SneError, ValidationError
from sne.models import (
    Demande,
    Personne,
)
from sne.services import formulaire


def charger_groupe(session: Session, numeros: Sequence[str]) -> list[Demande]:
    """Lock and load the demandes ``numeros`` (in id order, so concurrent merges do not deadlock)."""
    voulus = list(dict.fromkeys(n.strip().upper() for n in numeros if n.strip()))
    if len(voulus) < 2:
        raise SneError("Indiquer au moins deux demandes distinctes.", code="GROUPE_INCOMPLET")
    trouvees = list(
        session.scalars(
            select(Demande)
            .where(Demande.numero.in_(voulus))
            .order_by(Demande.id)
            .options(selectinload(Demande.personnes).selectinload(Personne.ressources))
            .with_for_update()
        )
    )
    manquants = sorted(set(voulus) - {d.numero for d in trouvees})
    if manquants:
        raise NotFound(
            f"Aucune demande ne porte le numéro {', '.join(manquants)}.", code="NUMERO_INCONNU"
        )
    return trouvees


def exiger_meme_territoire(demandes_: Sequence[Demande], acteur: Acteur, action: str) -> str:
    territoires = {d.territoire_code for d in demandes_}
    if len(territoires) > 1:
        raise Conflict(
            "Les demandes appartiennent à des territoires différents : "
            f"{', '.join(sorted(territoires))}.",
            code="TERRITOIRES_DIFFERENTS",
        )
    territoire = territoires.pop()
    acteur.exiger(action, territoire)
    return territoire


def choix_valides(
    donnees: Mapping[str, str], numeros: Iterable[str], champ: str = "donnees"
) -> dict[str, str]:
    """Check a field → numéro choice: known fields, numéros of the group."""
    permis = {*formulaire.CHAMPS_DEMANDE, "personnes"}
    groupe = set(numeros)
    problemes: dict[str, str] = {}
    propres: dict[str, str] = {}
    for cle, numero in donnees.items():
        numero = str(numero).strip().upper()
        if cle not in permis:
            problemes[f"{champ}.{cle}"] = "rubrique inconnue du formulaire"
        elif numero not in groupe:
            problemes[f"{champ}.{cle}"] = f"la demande {numero} ne fait pas partie du groupe"
        else:
            propres[cle] = numero
    if problemes:
        raise ValidationError(problemes)
    return propres
