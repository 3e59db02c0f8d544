"""A group of probable duplicates side by side, field by field, before a merge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sne.acteurs import Acteur
from sne.services import formulaire
from sne.services.doublons.groupe import charger_groupe, exiger_meme_territoire
from sne.uow import UnitOfWork


@dataclass(frozen=True)
class Membre:
    """One demande of the group."""

    numero: str
    date_depot: date
    statut: str
    demandeur: str


@dataclass(frozen=True)
class Rubrique:
    """One field of the Cerfa and each demande's value, as text."""

    champ: str
    valeurs: dict[str, str]

    @property
    def differe(self) -> bool:
        return len(set(self.valeurs.values())) > 1

    @property
    def options(self) -> dict[str, str]:
        """Each demande's value, labelled with its numéro (the choices of a radio group)."""
        return {numero: f"{numero} : {valeur}" for numero, valeur in self.valeurs.items()}


@dataclass(frozen=True)
class Comparaison:
    """The group, the survivor a merge would keep (oldest ancienneté) and the fields."""

    survivante: str
    membres: list[Membre]
    rubriques: list[Rubrique]


def _texte(valeur: Any) -> str:
    """A value as a person reads it."""
    if valeur is None or valeur == "" or valeur == []:
        return "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, list):
        return "; ".join(_texte(v) for v in valeur)
    if isinstance(valeur, dict):  # a person of the household
        naissance = _texte(valeur.get("date_naissance"))
        nom = " ".join(filter(None, [valeur.get("prenoms"), valeur.get("nom_naissance")]))
        return f"{nom or 'sans nom'} ({valeur.get('role')}, {naissance})"
    return str(valeur)


def comparer(uow: UnitOfWork, acteur: Acteur, numeros: Sequence[str]) -> Comparaison:
    """The demandes ``numeros`` side by side (the manager's territory only)."""
    with uow:
        groupe = charger_groupe(uow.session, numeros)
        exiger_meme_territoire(groupe, acteur, "fusionner")
        documents = {d.numero: formulaire.en_document(d) for d in groupe}
        survivante = min(groupe, key=lambda d: (d.date_depot, d.id)).numero
        membres = [
            Membre(
                d.numero,
                d.date_depot,
                d.statut,
                _texte(next((p for p in documents[d.numero]["personnes"]), None)),
            )
            for d in sorted(groupe, key=lambda d: (d.date_depot, d.id))
        ]
    rubriques = [
        Rubrique(champ, {m.numero: _texte(documents[m.numero].get(champ)) for m in membres})
        for champ in (*formulaire.CHAMPS_DEMANDE, "personnes")
    ]
    return Comparaison(
        survivante,
        membres,
        [r for r in rubriques if any(v != "—" for v in r.valeurs.values())],
    )
