"""Read an interfaceNuu file into a ``FichierNuu``: guard, parse, check the structure, map.

Contract: bytes in; a ``FichierNuu`` out whose ``anomalies`` list every
structural problem (unknown, repeated, forbidden or missing elements, bad codes,
unreadable values) with its element path. No database is touched: the content
rules (ages, required fields per applicant kind…) stay with the services, whose
refusals ``FichierNuu.chemin`` maps back to element paths.

Guard: files over ``TAILLE_MAX`` are refused unread; the bytes are parsed by
defusedxml with ``forbid_dtd``, which aborts at any ``DOCTYPE`` whatever the
encoding (and at any entity declaration or external reference), so neither
entity expansion nor external entities (XXE) can occur.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sne import codes
from sne.interchange import format as f
from sne.interchange.anomalies import Anomalie
from sne.numero import GUICHET_RE, NumeroInvalide, analyser
from sne.services import formulaire

TAILLE_MAX = 5 * 1024 * 1024
RACINE = f"/{f.RACINE}"
DEMANDE_LOGEMENT = f"{RACINE}/demande/demandeLogement"

_ENTIER_RE = re.compile(r"^[0-9]{1,9}$")
_MONTANT_RE = re.compile(r"^[0-9]{1,7}(?:\.[0-9]{1,2})?$")
_VRAI, _FAUX = frozenset({"true", "1"}), frozenset({"false", "0"})
_INDEX_RE = re.compile(r"^personnes\[(\d+)\](?:\.(.*))?$")
_RESSOURCE_RE = re.compile(r"^ressources\[(\d+)\](?:\.(.*))?$")


@dataclass(frozen=True)
class CheminsPersonne:
    """Where one person of the document was read: its element, its fields, its resources."""

    element: str
    champs: Mapping[str, str]
    ressources: tuple[str, ...] = ()

    def chemin(self, cle: str) -> str:
        """The element path of ``cle`` (``nom_naissance``, ``ressources[2].type``…)."""
        trouve = _RESSOURCE_RE.match(cle)
        if trouve:
            rang, reste = int(trouve.group(1)), trouve.group(2)
            if 1 <= rang <= len(self.ressources):
                base = self.ressources[rang - 1]
                suffixe = {"type": "/ressource/@code", "montant_mensuel": "/montant"}
                return base + suffixe.get(reste or "", "")
        return self.champs.get(cle.split(".", 1)[0], self.element)


@dataclass(frozen=True)
class Evenement:
    """One line of history an extract carries (ours): when, which operation, what was said."""

    date: date
    type: str
    commentaire: str | None = None


@dataclass(frozen=True)
class FichierNuu:
    """What a file says, ready for the services, and every anomaly of its structure.

    ``document`` is the demande document (``sne.services.formulaire`` shape) of a
    CRE, CRS or MOD file; ``donnees_radiation`` the data ``radier`` takes. A 02.00
    file has no ``consentement_sms`` key (that version cannot say it).
    """

    version: str | None = None
    type_fichier: str | None = None
    date_fichier: date | None = None
    numero: str | None = None
    numero_origine: str | None = None
    guichet: str | None = None
    date_creation: date | None = None
    justification: str | None = None
    justification_doublon: str | None = None
    document: dict[str, Any] | None = None
    motif_radiation: str | None = None
    donnees_radiation: dict[str, Any] | None = None
    date_renouvellement: date | None = None
    #: The day an extract's demande was radiated (a take-over of a radiated demande).
    date_radiation: date | None = None
    evenements: tuple[Evenement, ...] = ()
    chemins: Mapping[str, str] = field(default_factory=dict)
    chemins_personnes: tuple[CheminsPersonne, ...] = ()
    anomalies: tuple[Anomalie, ...] = ()

    def chemin(self, cle: str) -> str:
        """The element path of a document or radiation key named in a service's refusal."""
        trouve = _INDEX_RE.match(cle)
        if trouve:
            rang = int(trouve.group(1))
            if 1 <= rang <= len(self.chemins_personnes):
                return self.chemins_personnes[rang - 1].chemin(trouve.group(2) or "")
            cle = "personnes"
        return self.chemins.get(cle, DEMANDE_LOGEMENT)

    def reordonner(self, ordre: list[int]) -> FichierNuu:
        """The same file with its persons in ``ordre`` (indexes into the current list)."""
        if self.document is None:
            return self
        document = dict(self.document)
        document["personnes"] = [self.document["personnes"][i] for i in ordre]
        return replace(
            self,
            document=document,
            chemins_personnes=tuple(self.chemins_personnes[i] for i in ordre),
        )

    def reordonner_ressources(self, rang: int, ordre: list[int]) -> FichierNuu:
        """The same file with the resources of person ``rang`` (from 1) in ``ordre``."""
        if self.document is None:
            return self
        personnes = list(self.document["personnes"])
        personne = dict(personnes[rang - 1])
        personne["ressources"] = [personne["ressources"][i] for i in ordre]
        personnes[rang - 1] = personne
        chemins = list(self.chemins_personnes)
        ancien = chemins[rang - 1]
        chemins[rang - 1] = replace(ancien, ressources=tuple(ancien.ressources[i] for i in ordre))
        return replace(
            self,
            document={**self.document, "personnes": personnes},
            chemins_personnes=tuple(chemins),
        )


def analyser_xml(contenu: bytes) -> ET.Element | Anomalie:
    """Parse ``contenu`` safely: its root element, or the anomaly refusing it."""
    if len(contenu) > TAILLE_MAX:
        return Anomalie(
            "FICHIER_TROP_GROS",
            "/",
            f"le fichier dépasse {TAILLE_MAX // (1024 * 1024)} Mo : il n'a pas été lu",
        )
    try:
        return fromstring(contenu, forbid_dtd=True)
    except DefusedXmlException:
        return Anomalie(
            "DOCTYPE_INTERDIT",
            "/",
            "déclaration DOCTYPE ou ENTITY refusée : un fichier interfaceNuu n'en comporte pas",
        )
    except ET.ParseError as exc:
        ligne, colonne = exc.position
        return Anomalie(
            "FICHIER_ILLISIBLE",
            "/",
            f"le fichier n'est pas un XML bien formé (ligne {ligne}, colonne {colonne} : "
            f"{expat.ErrorString(exc.code)})",
        )


def lire(contenu: bytes) -> FichierNuu:
    """Read ``contenu`` (the bytes of a file); anomalies are in the result, never raised."""
    racine = analyser_xml(contenu)
    if isinstance(racine, Anomalie):
        return FichierNuu(anomalies=(racine,))
    return _Lecture().fichier(racine)


def _separer(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        espace, _, nom = tag[1:].partition("}")
        return espace, nom
    return None, tag


class _Champs:
    """Values read for one target (the demande, a person, a radiation) and where each was."""

    def __init__(self) -> None:
        self.valeurs: dict[str, Any] = {}
        self.chemins: dict[str, str] = {}

    def mettre(self, cle: str, valeur: Any, chemin: str) -> None:
        self.valeurs[cle] = valeur
        self.chemins[cle] = chemin


@dataclass
class _Noeud:
    """One element (or the place of an absent one) and its children grouped by name."""

    lecture: _Lecture
    element: ET.Element | None
    chemin: str
    enfants: dict[str, list[ET.Element]]

    @property
    def present(self) -> bool:
        return self.element is not None

    def chemin_de(self, nom: str) -> str:
        return f"{self.chemin}/{nom}"

    def un(self, nom: str) -> ET.Element | None:
        return self.enfants.get(nom, [None])[0]

    def manquant(self, chemin: str, quoi: str = "élément obligatoire absent") -> None:
        self.lecture.signaler("ELEMENT_MANQUANT", chemin, quoi)

    def sous(
        self, nom: str, permis: Mapping[str, bool], *, obligatoire: bool = False, code: bool = False
    ) -> _Noeud:
        """The child ``nom`` as a node (an absent one if missing: its fields read as empty)."""
        element = self.un(nom)
        if element is None and obligatoire and self.present:
            self.manquant(self.chemin_de(nom))
        return self.lecture.noeud(element, self.chemin_de(nom), permis, code=code)

    def items(self, nom: str, permis: Mapping[str, bool], *, code: bool = False) -> list[_Noeud]:
        """The repeated children ``nom``, each with its rank in the path."""
        return [
            self.lecture.noeud(element, f"{self.chemin}/{nom}[{rang}]", permis, code=code)
            for rang, element in enumerate(self.enfants.get(nom, []), start=1)
        ]

    def texte(
        self,
        nom: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        obligatoire: bool = False,
    ) -> str | None:
        """The text of the leaf ``nom``, stripped (``None`` when absent or empty)."""
        chemin = self.chemin_de(nom)
        element = self.un(nom)
        valeur = None
        if element is not None:
            self.lecture.feuille(element, chemin)
            valeur = (element.text or "").strip() or None
            if valeur is None and obligatoire:
                self.manquant(chemin, "élément obligatoire vide")
        elif obligatoire and self.present:
            self.manquant(chemin)
        if c is not None and cle is not None:
            c.mettre(cle, valeur, chemin)
        return valeur

    def code(
        self,
        nom: str,
        table: Mapping[str, str] | re.Pattern[str],
        libelle: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        obligatoire: bool = False,
    ) -> str | None:
        """The ``code`` attribute of the leaf ``nom``, checked against ``table``."""
        element = self.un(nom)
        chemin = self.chemin_de(nom)
        valeur = None
        if element is not None:
            self.lecture.feuille(element, chemin, attributs=("code",))
            valeur = self.lecture.lire_code(element, chemin, table, libelle, obligatoire=True)
        elif obligatoire and self.present:
            self.manquant(chemin)
        if c is not None and cle is not None:
            c.mettre(cle, valeur, f"{chemin}/@code")
        return valeur

    def code_propre(
        self,
        table: Mapping[str, str],
        libelle: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        obligatoire: bool = False,
    ) -> str | None:
        """The ``code`` attribute of this element itself (``logementActuel``, ``ressourceRecue``)."""
        valeur = None
        if self.element is not None:
            valeur = self.lecture.lire_code(
                self.element, self.chemin, table, libelle, obligatoire=obligatoire
            )
        if c is not None and cle is not None:
            c.mettre(cle, valeur, f"{self.chemin}/@code")
        return valeur

    def date(
        self,
        nom: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        obligatoire: bool = False,
    ) -> date | None:
        texte = self.texte(nom, obligatoire=obligatoire)
        valeur = None
        if texte is not None:
            try:
                valeur = date.fromisoformat(texte) if len(texte) == 10 else None
            except ValueError:
                valeur = None
            if valeur is None:
                self.lecture.invalide(
                    self.chemin_de(nom), f"date « {texte} » illisible (AAAA-MM-JJ)"
                )
        if c is not None and cle is not None:
            c.mettre(cle, valeur, self.chemin_de(nom))
        return valeur

    def nombre(
        self,
        nom: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        decimal: bool = False,
        obligatoire: bool = False,
    ) -> int | Decimal | None:
        texte = self.texte(nom, obligatoire=obligatoire)
        valeur: int | Decimal | None = None
        if texte is not None:
            if decimal and _MONTANT_RE.match(texte):
                valeur = Decimal(texte).quantize(Decimal("0.01"))
            elif not decimal and _ENTIER_RE.match(texte):
                valeur = int(texte)
            else:
                attendu = (
                    "montant positif, point décimal (1650.00)" if decimal else "entier positif"
                )
                self.lecture.invalide(self.chemin_de(nom), f"« {texte} » : {attendu} attendu")
        if c is not None and cle is not None:
            c.mettre(cle, valeur, self.chemin_de(nom))
        return valeur

    def booleen(
        self,
        nom: str,
        c: _Champs | None = None,
        cle: str | None = None,
        *,
        absent: bool | None = False,
    ) -> bool | None:
        """``true``/``false`` (or ``1``/``0``); ``absent`` when the element is not there."""
        texte = self.texte(nom)
        valeur = absent
        if texte is not None:
            if texte in _VRAI or texte in _FAUX:
                valeur = texte in _VRAI
            else:
                self.lecture.invalide(self.chemin_de(nom), f"« {texte} » : true ou false attendu")
        if c is not None and cle is not None:
            c.mettre(cle, valeur, self.chemin_de(nom))
        return valeur

    def liste_codes(
        self,
        liste: str,
        item: str,
        table: Mapping[str, str] | re.Pattern[str],
        libelle: str,
        c: _Champs,
        cle: str,
        *,
        obligatoire: bool = False,
        sous_element: str | None = None,
    ) -> None:
        """A list of codes: ``liste/item@code`` (or ``liste/item/sous_element@code``)."""
        permis = f.PERMIS_LOCALISATION if sous_element else {}
        noeud = self.sous(liste, {item: True})
        valeurs = []
        for element in noeud.items(item, permis, code=sous_element is None):
            if sous_element:
                valeur = element.code(sous_element, table, libelle, obligatoire=True)
            else:
                valeur = self.lecture.lire_code(
                    element.element, element.chemin, table, libelle, obligatoire=True
                )
            if valeur is not None:
                valeurs.append(valeur)
        if obligatoire and self.present and not noeud.enfants.get(item):
            self.manquant(f"{noeud.chemin}/{item}", f"au moins un élément {item} obligatoire")
        c.mettre(cle, valeurs, noeud.chemin)


@dataclass
class _PersonneLue:
    """A person read: its values, where each was, and the dependants' resources it listed."""

    valeurs: dict[str, Any]
    chemins: CheminsPersonne
    a_charge: list[tuple[dict[str, Any], str]]


class _Lecture:
    """One reading: the version met and the anomalies found so far."""

    def __init__(self) -> None:
        self.anomalies: list[Anomalie] = []
        self.version: str | None = None

    def signaler(self, code: str, chemin: str, message: str) -> None:
        self.anomalies.append(Anomalie(code, chemin, message))

    def invalide(self, chemin: str, message: str) -> None:
        self.signaler("VALEUR_INVALIDE", chemin, message)

    def attributs(self, element: ET.Element, chemin: str, permis: tuple[str, ...]) -> None:
        for nom in element.attrib:
            if nom not in permis:
                self.signaler(
                    "ATTRIBUT_INCONNU", f"{chemin}/@{_separer(nom)[1]}", "attribut non prévu"
                )

    def feuille(self, element: ET.Element, chemin: str, attributs: tuple[str, ...] = ()) -> None:
        """Check a leaf: only the allowed attributes, no child element."""
        self.attributs(element, chemin, attributs)
        for enfant in element:
            if isinstance(enfant.tag, str):
                nom = _separer(enfant.tag)[1]
                self.signaler(
                    "ELEMENT_INCONNU", f"{chemin}/{nom}", f"élément « {nom} » inconnu ici"
                )

    def lire_code(
        self,
        element: ET.Element | None,
        chemin: str,
        table: Mapping[str, str] | re.Pattern[str],
        libelle: str,
        *,
        obligatoire: bool,
    ) -> str | None:
        if element is None:
            return None
        valeur = (element.get("code") or "").strip() or None
        if valeur is None:
            if obligatoire:
                self.signaler("ELEMENT_MANQUANT", f"{chemin}/@code", "attribut code obligatoire")
            return None
        connu = table.match(valeur) if isinstance(table, re.Pattern) else valeur in table
        if not connu:
            admis = (
                "code INSEE sur 5 caractères"
                if isinstance(table, re.Pattern)
                else "codes admis : " + ", ".join(table)
            )
            self.signaler(
                "CODE_INCONNU", f"{chemin}/@code", f"code {libelle} « {valeur} » inconnu ({admis})"
            )
            return None
        return valeur

    def noeud(
        self,
        element: ET.Element | None,
        chemin: str,
        permis: Mapping[str, bool],
        *,
        code: bool = False,
        attributs: tuple[str, ...] = (),
    ) -> _Noeud:
        """Group the children of ``element``, reporting unknown, repeated and stray content."""
        enfants: dict[str, list[ET.Element]] = {}
        if element is not None:
            self.attributs(element, chemin, ("code", *attributs) if code else attributs)
            if (element.text or "").strip() or any((e.tail or "").strip() for e in element):
                self.signaler(
                    "CONTENU_INATTENDU", chemin, "texte inattendu dans un élément composé"
                )
            for enfant in element:
                if not isinstance(enfant.tag, str):
                    continue  # comments and processing instructions
                espace, nom = _separer(enfant.tag)
                if espace != f.NS:
                    self.signaler(
                        "ELEMENT_INCONNU",
                        f"{chemin}/{nom}",
                        f"élément « {nom} » hors de l'espace de noms {f.NS}",
                    )
                elif nom not in permis:
                    self.signaler(
                        "ELEMENT_INCONNU", f"{chemin}/{nom}", f"élément « {nom} » inconnu ici"
                    )
                elif nom in f.ELEMENTS_0201 and self.version == "02.00":
                    self.signaler(
                        "ELEMENT_INCONNU",
                        f"{chemin}/{nom}",
                        f"élément « {nom} » inconnu en version 02.00 (introduit en 02.01)",
                    )
                else:
                    enfants.setdefault(nom, []).append(enfant)
            for nom, liste in enfants.items():
                if len(liste) > 1 and not permis[nom]:
                    self.signaler(
                        "ELEMENT_REPETE",
                        f"{chemin}/{nom}",
                        f"élément « {nom} » présent {len(liste)} fois (une seule occurrence admise)",
                    )
                    del liste[1:]
        return _Noeud(self, element, chemin, enfants)

    # The file, from the root down.

    def fichier(self, racine: ET.Element) -> FichierNuu:
        espace, nom = _separer(racine.tag)
        if espace != f.NS:
            quoi = f"espace de noms « {espace} »" if espace else "aucun espace de noms"
            self.signaler("ESPACE_NOMS_INCORRECT", f"/{nom}", f"{quoi} : {f.NS} attendu")
            return self.fin()
        if nom != f.RACINE:
            self.signaler("RACINE_INCORRECTE", f"/{nom}", f"racine « {nom} » : {f.RACINE} attendu")
            return self.fin()
        version = racine.get("versionInterface")
        if version not in f.VERSIONS:
            quoi = f"version « {version} » inconnue" if version else "attribut absent"
            self.signaler(
                "VERSION_INCONNUE",
                f"{RACINE}/@versionInterface",
                f"{quoi} (02.00 ou 02.01 attendu)",
            )
        # An unknown version or file type does not stop the reading: every anomaly is reported.
        self.version = version if version in f.VERSIONS else f.VERSION_COURANTE
        noeud = self.noeud(racine, RACINE, f.PERMIS_RACINE, attributs=("versionInterface",))
        entete = noeud.sous("entete", f.PERMIS_ENTETE, obligatoire=True)
        type_fichier = entete.texte("typeFichier")
        date_fichier = self._date_fichier(entete)
        if type_fichier is not None and type_fichier in f.TYPES_NON_PRIS_EN_CHARGE:
            self.signaler(
                "TYPE_FICHIER_NON_PRIS_EN_CHARGE",
                f"{RACINE}/entete/typeFichier",
                f"fichier {type_fichier} ({f.TYPES_NON_PRIS_EN_CHARGE[type_fichier]}) : émis par "
                "le SNE, il n'est pas reçu (admis : CRE, CRS, MOD, REN, RAD)",
            )
            return self.fin(version=version, type_fichier=type_fichier)
        if type_fichier is not None and type_fichier not in f.TYPES_FICHIER:
            self.signaler(
                "TYPE_FICHIER_INCONNU",
                f"{RACINE}/entete/typeFichier",
                f"type « {type_fichier} » inconnu (admis : CRE, CRS, MOD, REN, RAD)",
            )
        demande = noeud.sous("demande", f.PERMIS_DEMANDE, obligatoire=True)
        dl = demande.sous("demandeLogement", f.PERMIS_DEMANDE_LOGEMENT, obligatoire=True)
        fichier = self._demande_logement(dl, type_fichier, date_fichier)
        return replace(fichier, version=version if version in f.VERSIONS else None)

    def fin(self, **valeurs: Any) -> FichierNuu:
        return FichierNuu(**valeurs, anomalies=tuple(self.anomalies))

    def _date_fichier(self, entete: _Noeud) -> date | None:
        texte = entete.texte("dateFichier", obligatoire=True)
        if texte is None:
            return None
        try:
            return datetime.fromisoformat(texte).date() if len(texte) >= 10 else None
        except ValueError:
            pass
        self.invalide(
            f"{RACINE}/entete/dateFichier",
            f"« {texte} » : AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ss attendu",
        )
        return None

    def _numero(self, dl: _Noeud, nom: str, *, obligatoire: bool) -> str | None:
        texte = dl.texte(nom, obligatoire=obligatoire)
        if texte is None:
            return None
        try:
            return str(analyser(texte))
        except NumeroInvalide as exc:
            self.signaler("NUMERO_INVALIDE", dl.chemin_de(nom), exc.message)
            return None

    def _demande_logement(
        self, dl: _Noeud, type_fichier: str | None, date_fichier: date | None
    ) -> FichierNuu:
        """Read the body; a file without known type (an extract) is read as a whole demande."""
        if type_fichier in f.TYPES_FICHIER:
            assert type_fichier is not None
            libelle = f.TYPES_FICHIER[type_fichier]
            for nom in f.PERMIS_DEMANDE_LOGEMENT:
                if nom in f.INTERDITS[type_fichier] and nom in dl.enfants:
                    self.signaler(
                        "ELEMENT_INTERDIT",
                        dl.chemin_de(nom),
                        f"élément sans objet dans un fichier {type_fichier} ({libelle})",
                    )
                    del dl.enfants[nom]
        numero = self._numero(
            dl, "numUnique", obligatoire=type_fichier in {"MOD", "REN", "RAD", None}
        )
        origine = self._numero(dl, "numUniqueOrigine", obligatoire=type_fichier == "CRS")
        # Without numGuichet, the numéro unique names the demande's guichet: enough to act on it.
        guichet = dl.texte("numGuichet", obligatoire=numero is None)
        if guichet is not None and not GUICHET_RE.match(guichet):
            self.invalide(
                dl.chemin_de("numGuichet"), f"« {guichet} » : G suivi de 4 caractères attendu"
            )
        date_creation = dl.date("dateCreationDemande", obligatoire=type_fichier == "CRE")
        justification = dl.texte("justification", obligatoire=type_fichier == "CRS")
        justification_doublon = dl.texte("justificationDoublon")
        valeurs: dict[str, Any] = {
            "type_fichier": type_fichier,
            "date_fichier": date_fichier,
            "numero": numero,
            "numero_origine": origine,
            "guichet": guichet,
            "date_creation": date_creation,
            "justification": justification,
            "justification_doublon": justification_doublon,
        }
        if type_fichier is None:
            valeurs |= self._reprise(dl)
        if type_fichier not in {"REN", "RAD"}:
            document = self._document(dl)
            # An extract's radiation (taken over as a radiated demande) has its own paths.
            valeurs |= document | {"chemins": {**valeurs.get("chemins", {}), **document["chemins"]}}
        elif type_fichier == "RAD":
            valeurs |= self._radiation(dl)
        return self.fin(**valeurs)

    def _reprise(self, dl: _Noeud) -> dict[str, Any]:
        """What an extract adds for a take-over: the last renewal and the history (ours)."""
        radiee = self._radiation(dl, reprise=True) if "radiation" in dl.enfants else {}
        renouvellement = dl.date("dateDernierRenouvellement")
        evenements = []
        liste = dl.sous("listeEvenement", {"evenement": True})
        for noeud in liste.items("evenement", f.PERMIS_EVENEMENT):
            quand = noeud.date("dateEvenement", obligatoire=True)
            quoi = noeud.code(
                "typeEvenement", f.TYPES_FICHIER, "type d'événement", obligatoire=True
            )
            commentaire = noeud.texte("commentaire")
            if quand is not None and quoi is not None:
                evenements.append(Evenement(quand, quoi, commentaire))
        return {"date_renouvellement": renouvellement, "evenements": tuple(evenements), **radiee}

    # The demande document (CRE, CRS, MOD).

    def _document(self, dl: _Noeud) -> dict[str, Any]:
        c = _Champs()
        physique, morale = dl.un("personnePhysique"), dl.un("personneMorale")
        personnes: list[tuple[dict[str, Any], CheminsPersonne]] = []
        if physique is not None and morale is not None:
            self.signaler(
                "ELEMENT_INTERDIT",
                dl.chemin_de("personneMorale"),
                "personnePhysique et personneMorale s'excluent",
            )
        if physique is None and morale is None:
            dl.manquant(
                dl.chemin_de("personnePhysique"), "personnePhysique ou personneMorale obligatoire"
            )
        elif physique is not None:
            personnes = self._physique(dl.sous("personnePhysique", f.PERMIS_PERSONNE_PHYSIQUE), c)
        else:
            personnes = self._morale(dl.sous("personneMorale", f.PERMIS_PERSONNE_MORALE), c)
        self._recherche(dl.sous("logementRecherche", f.PERMIS_RECHERCHE, obligatoire=True), c)
        document = c.valeurs
        for champ in formulaire.CHAMPS_DEMANDE:
            if champ == "consentement_sms" and self.version == "02.00":
                continue  # 02.00 cannot say it: a MOD keeps the registered value
            if champ not in document:
                vide: Any = [] if champ in formulaire.LISTES else None
                document[champ] = False if champ in formulaire.BOOLEENS else vide
        personnes.sort(key=lambda paire: f.ORDRE_ROLES.index(paire[0]["role"]))
        document["personnes"] = [p for p, _ in personnes]
        return {
            "document": document,
            "chemins": c.chemins,
            "chemins_personnes": tuple(chemins for _, chemins in personnes),
        }

    def _physique(self, n: _Noeud, c: _Champs) -> list[tuple[dict[str, Any], CheminsPersonne]]:
        c.mettre("type_demandeur", "physique", n.chemin)
        c.chemins["personnes"] = n.chemin
        demandeur = n.sous("demandeur", f.PERMIS_DEMANDEUR_PHYSIQUE, obligatoire=True)
        lu = self._personne(demandeur, "demandeur", contacts=c)
        personnes = [(lu.valeurs, lu.chemins), *self._foyer(n)]
        self._ressources_a_charge(lu.a_charge, personnes)
        self._logement_actuel(
            n.sous("logementActuel", f.PERMIS_LOGEMENT_ACTUEL, obligatoire=True), c
        )
        n.liste_codes(
            "listeMotif", "motif", codes.MOTIF_DEMANDE, "motif", c, "motifs", obligatoire=True
        )
        n.texte("precisionMotif", c, "motif_precision")
        handicap = n.sous("handicap", f.PERMIS_HANDICAP)
        for nom, cle in f.OUI_NON_HANDICAP.items():
            handicap.code(nom, codes.BOOLEEN_DOC, codes.OUI_NON_HANDICAP[cle], c, cle)
        handicap.texte("precision", c, "handicap_precision")
        for nom, cle in f.CODES_HANDICAP.items():
            handicap.code(nom, *codes.CHAMPS_HANDICAP[cle], c, cle)
        for liste, (item, cle) in f.LISTES_HANDICAP.items():
            handicap.liste_codes(liste, item, *codes.LISTES_HANDICAP[cle], c, cle)
        return personnes

    def _ressources_a_charge(
        self,
        ressources: list[tuple[dict[str, Any], str]],
        personnes: list[tuple[dict[str, Any], CheminsPersonne]],
    ) -> None:
        """Give the dependants' resources (listed by the applicant) to the first dependant."""
        if not ressources:
            return
        rang = next((i for i, (p, _) in enumerate(personnes) if p["role"] == "a_charge"), None)
        if rang is None:
            for _, chemin in ressources:
                self.signaler(
                    "ELEMENT_NON_STOCKABLE",
                    chemin,
                    "ressource des personnes à charge sans personne à charge dans la demande",
                )
            return
        valeurs, chemins = personnes[rang]
        valeurs["ressources"] = [*valeurs["ressources"], *(r for r, _ in ressources)]
        personnes[rang] = (
            valeurs,
            replace(chemins, ressources=(*chemins.ressources, *(x for _, x in ressources))),
        )

    def _logement_actuel(self, actuel: _Noeud, c: _Champs) -> None:
        modeles = _Champs()
        actuel.liste_codes(
            "listeModeleLogement",
            "modeleLogement",
            codes.LOGEMENT_ACTUEL,
            "modèle de logement",
            modeles,
            "liste",
            obligatoire=True,
        )
        liste = actuel.chemin_de("listeModeleLogement")
        valeurs = modeles.valeurs["liste"]
        for rang in range(2, len(valeurs) + 1):
            self.signaler(
                "ELEMENT_NON_STOCKABLE",
                f"{liste}/modeleLogement[{rang}]",
                "un seul modèle de logement actuel est conservé : indiquer le principal",
            )
        c.mettre("logement_actuel", valeurs[0] if valeurs else None, f"{liste}/modeleLogement")
        actuel.nombre("montantMensuelLoyer", c, "logement_actuel_loyer", decimal=True)
        actuel.nombre("nombreHabitant", c, "logement_actuel_habitants")
        actuel.code(
            "categorieLogement",
            codes.CATEGORIE_LOGEMENT_ACTUEL,
            "catégorie",
            c,
            "logement_actuel_categorie",
        )
        actuel.code(
            "typeLogementActuel",
            codes.TYPE_LOGEMENT,
            "type de logement",
            c,
            "logement_actuel_type",
        )
        actuel.nombre("surface", c, "logement_actuel_surface")
        actuel.booleen("proprietaire", c, "logement_actuel_proprietaire")
        actuel.texte("bailleur", c, "logement_actuel_bailleur")

    def _morale(self, n: _Noeud, c: _Champs) -> list[tuple[dict[str, Any], CheminsPersonne]]:
        c.mettre("type_demandeur", "morale", n.chemin)
        c.chemins["personnes"] = n.chemin
        n.texte("raisonSociale", c, "raison_sociale", obligatoire=True)
        n.texte("siret", c, "siret")
        self._contacts(n, c)
        lu = self._personne(n.sous("demandeur", f.PERMIS_PERSONNE, obligatoire=True), "demandeur")
        return [(lu.valeurs, lu.chemins), *self._foyer(n)]

    def _contacts(self, n: _Noeud, c: _Champs) -> None:
        adresse = n.sous("adressePostale", f.PERMIS_ADRESSE, obligatoire=True)
        adresse.booleen("etranger", c, "adresse_etranger")
        adresse.texte("numero", c, "adresse_numero")
        adresse.texte("voie", c, "adresse_ligne1", obligatoire=True)
        adresse.texte("complement", c, "adresse_ligne2")
        adresse.texte("codePostal", c, "code_postal")
        adresse.code("commune", formulaire.COMMUNE_INSEE_RE, "commune", c, "commune_insee")
        adresse.texte("libelleCommune", c, "commune")
        adresse.texte("pays", c, "pays")
        if c.valeurs["commune"] is None:
            c.chemins["commune"] = adresse.chemin_de("commune")
        n.texte("telPortable", c, "telephone_portable")
        n.texte("telFixe", c, "telephone_fixe")
        n.texte("mel", c, "email")
        if self.version != "02.00":
            n.booleen("consentementSms", c, "consentement_sms")

    def _foyer(self, n: _Noeud) -> list[tuple[dict[str, Any], CheminsPersonne]]:
        personnes = []
        for noeud in n.sous("listeCotitulaire", {"cotitulaire": True}).items(
            "cotitulaire", f.PERMIS_COTITULAIRE
        ):
            lu = self._personne(noeud, "cotitulaire")
            personnes.append((lu.valeurs, lu.chemins))
        for noeud in n.sous("listePersonneACharge", {"personneACharge": True}).items(
            "personneACharge", f.PERMIS_PERSONNE_A_CHARGE
        ):
            lu = self._personne(noeud, "a_charge")
            personnes.append((lu.valeurs, lu.chemins))
        for noeud in n.items("personneANaitre", f.PERMIS_PERSONNE_A_NAITRE):
            personnes += self._a_naitre(noeud)
        for noeud in n.sous("listePersonneEnGarde", {"personneEnGarde": True}).items(
            "personneEnGarde", f.PERMIS_PERSONNE_EN_GARDE
        ):
            personnes.append(self._en_garde(noeud))
        return personnes

    def _a_naitre(self, n: _Noeud) -> list[tuple[dict[str, Any], CheminsPersonne]]:
        """``nombre`` expected births (1 when absent) on ``dateNaissancePrevue``."""
        c = _Champs()
        c.valeurs["role"] = "a_naitre"
        nombre = n.nombre("nombre")
        n.date("dateNaissancePrevue", c, "date_naissance_prevue", obligatoire=True)
        c.valeurs["ressources"] = []
        if nombre is not None and not 1 <= nombre <= formulaire.MAX_PERSONNES:
            self.invalide(
                n.chemin_de("nombre"), f"« {nombre} » : de 1 à {formulaire.MAX_PERSONNES} attendu"
            )
            nombre = 1
        chemins = CheminsPersonne(n.chemin, c.chemins)
        return [(dict(c.valeurs), chemins) for _ in range(int(nombre or 1))]

    def _en_garde(self, n: _Noeud) -> tuple[dict[str, Any], CheminsPersonne]:
        """A child in shared custody: birth date, sex, custody code (names are ours, optional)."""
        c = _Champs()
        c.valeurs["role"] = "garde_alternee"
        n.texte("nom", c, "nom_naissance")
        n.texte("prenom", c, "prenoms")
        n.date("dateNaissance", c, "date_naissance", obligatoire=True)
        n.code("sexe", codes.SEXE, "sexe", c, "sexe")
        n.code("coParentalite", codes.CO_PARENTALITE, "coparentalité", c, "co_parentalite")
        c.valeurs["ressources"] = []
        return c.valeurs, CheminsPersonne(n.chemin, c.chemins)

    def _personne(self, n: _Noeud, role: str, *, contacts: _Champs | None = None) -> _PersonneLue:
        """The applicant, a co-holder or a dependant (``contacts``: the applicant's demande)."""
        c = _Champs()
        c.valeurs["role"] = role
        titulaire = role in {"demandeur", "cotitulaire"}
        n.code("civilite", codes.CIVILITE, "civilité", c, "civilite", obligatoire=titulaire)
        self._noms(n, c)
        n.texte("prenom", c, "prenoms", obligatoire=True)
        n.date("dateNaissance", c, "date_naissance", obligatoire=True)
        n.code("sexe", codes.SEXE, "sexe", c, "sexe")
        n.texte("communeNaissance", c, "commune_naissance")
        n.code(
            "nationalite", codes.NATIONALITE, "nationalité", c, "nationalite", obligatoire=titulaire
        )
        n.booleen("mineurEmancipe", c, "mineur_emancipe")
        if role == "cotitulaire":
            n.code("lienDemandeur", codes.LIEN_COTITULAIRE, "lien", c, "lien", obligatoire=True)
        elif role == "a_charge":
            n.code("lienParente", codes.LIEN_PERSONNE_A_CHARGE, "lien de parenté", c, "lien")
        # The applicant's family situation and tax income are the demande's; the co-holder's its own.
        famille = contacts if contacts is not None else c
        if role == "cotitulaire" or contacts is not None:
            n.code(
                "situationFamiliale",
                codes.SITUATION_FAMILIALE,
                "situation familiale",
                famille,
                "situation_familiale",
                obligatoire=role == "demandeur",
            )
            revenu = n.sous("revenuFiscal", f.PERMIS_REVENU_FISCAL)
            for suffixe in ("1", "2"):
                revenu.nombre(f"anneeMoins{suffixe}", famille, f"revenu_fiscal_annee_n{suffixe}")
                revenu.nombre(f"montantMoins{suffixe}", famille, f"revenu_fiscal_n{suffixe}")
        if contacts is not None:
            self._contacts(n, contacts)
        self._situation_professionnelle(
            n.sous("situationProfessionnelle", f.PERMIS_SITUATION_PRO), c
        )
        propres: list[tuple[dict[str, Any], str]] = []
        a_charge: list[tuple[dict[str, Any], str]] = []
        for liste, recue, des_personnes_a_charge in f.LISTES_RESSOURCES:
            lues = self._ressources(n.sous(liste, {"detailRessource": True}), recue)
            (a_charge if des_personnes_a_charge else propres).extend(lues)
        c.chemins["ressources"] = n.chemin
        c.valeurs["ressources"] = [r for r, _ in propres]
        chemins = CheminsPersonne(n.chemin, c.chemins, tuple(x for _, x in propres))
        return _PersonneLue(c.valeurs, chemins, a_charge)

    def _noms(self, n: _Noeud, c: _Champs) -> None:
        """``nom`` is the name in use; ``nomPatronymique``, when there, the birth name."""
        nom = n.texte("nom", obligatoire=True)
        naissance = n.texte("nomPatronymique")
        if naissance is None:
            c.mettre("nom_naissance", nom, n.chemin_de("nom"))
            c.mettre("nom_usage", None, n.chemin_de("nom"))
        else:
            c.mettre("nom_naissance", naissance, n.chemin_de("nomPatronymique"))
            c.mettre("nom_usage", nom, n.chemin_de("nom"))

    def _situation_professionnelle(self, pro: _Noeud, c: _Champs) -> None:
        pro.texte("profession", c, "profession")
        pro.code(
            "typeContratTravail",
            codes.CONTRAT_TRAVAIL,
            "contrat de travail",
            c,
            "contrat_travail",
        )
        pro.texte("nomEmployeurPrincipal", c, "employeur")
        pro.booleen("etranger", c, "travail_etranger")
        pro.texte("codePostal", c, "travail_code_postal")
        pro.code("commune", formulaire.COMMUNE_INSEE_RE, "commune", c, "travail_commune_insee")
        pro.texte("libelleCommune", c, "commune_travail")

    def _ressources(self, liste: _Noeud, recue: bool) -> list[tuple[dict[str, Any], str]]:
        """``detailRessource`` items: ``ressource@code`` and the monthly ``montant``."""
        table = codes.RESSOURCE_RECUE if recue else codes.RESSOURCE_VERSEE
        lues = []
        for r in liste.items("detailRessource", f.PERMIS_DETAIL_RESSOURCE):
            type_ = r.code("ressource", table, "ressource", obligatoire=True)
            montant = r.nombre("montant", decimal=True, obligatoire=True)
            lues.append(({"type": type_, "montant_mensuel": montant}, r.chemin))
        return lues

    def _recherche(self, n: _Noeud, c: _Champs) -> None:
        n.liste_codes(
            "listeTypeLogement",
            "typeLogement",
            codes.TYPE_LOGEMENT,
            "type de logement",
            c,
            "types_logement",
            obligatoire=True,
        )
        n.code("categorieLogement", codes.CATEGORIE_LOGEMENT, "catégorie", c, "categorie_logement")
        n.liste_codes(
            "listeLocalisationSouhaite",
            "localisationSouhaite",
            formulaire.COMMUNE_INSEE_RE,
            "commune",
            c,
            "communes_souhaitees",
            obligatoire=True,
            sous_element="commune",
        )
        n.booleen("demandeElargie", c, "demande_elargie")
        n.nombre("loyerMaximum", c, "loyer_maximum")

    # The radiation (RAD).

    def _radiation(self, dl: _Noeud, *, reprise: bool = False) -> dict[str, Any]:
        """A RAD file's radiation, or an extract's (``reprise``: dated by *dateRadiation*, ours)."""
        c = _Champs()
        permis = f.PERMIS_RADIATION_REPRISE if reprise else f.PERMIS_RADIATION
        n = dl.sous("radiation", permis, obligatoire=True)
        if reprise:
            n.date("dateRadiation", c, "date_radiation", obligatoire=True)
        motif = n.code(
            "motif", codes.MOTIF_RADIATION, "motif de radiation", c, "motif", obligatoire=True
        )
        n.code("sousMotif", codes.SOUS_MOTIF_IRRECEVABILITE, "sous-motif", c, "sous_motif")
        n.date("dateAvertissement", c, "date_avertissement")
        n.texte("commentaire", c, "commentaire")
        logement = n.sous("logementAttribue", f.PERMIS_ATTRIBUTION)
        codes_attribution = {
            "zusQpv": (codes.ZUS_QPV, "ZUS/QPV"),
            "typologie": (codes.TYPOLOGIE_ATTRIBUEE, "typologie"),
            "reservataire": (codes.RESERVATAIRE, "réservataire"),
            "statutDalo": (codes.STATUT_DALO, "statut DALO"),
            "typologieDalo": (codes.TYPOLOGIE_DALO, "typologie DALO"),
            "accordCollectif": (codes.ACCORD_COLLECTIF, "accord collectif"),
        }
        for nom, cle in f.ATTRIBUTION:
            if nom in codes_attribution:
                table, libelle = codes_attribution[nom]
                logement.code(nom, table, libelle, c, cle)
            elif nom == "surface":
                logement.nombre(nom, c, cle)
            elif nom == "dateBail":
                logement.date(nom, c, cle)
            else:
                logement.texte(nom, c, cle)
        donnees = {
            cle: valeur
            for cle, valeur in c.valeurs.items()
            if cle not in {"motif", "date_radiation"} and valeur is not None
        }
        radiation = {"motif_radiation": motif, "donnees_radiation": donnees, "chemins": c.chemins}
        if reprise:
            radiation["date_radiation"] = c.valeurs.get("date_radiation")
        return radiation
