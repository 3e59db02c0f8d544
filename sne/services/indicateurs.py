"""The guichets' indicators ("suivi des guichets"): a daily snapshot, then cheap reads.

``rafraichir`` recomputes a territory's snapshot with set-based SQL (one
``INSERT … SELECT … GROUP BY`` per indicator), so the pages never scan the
demandes: they add up ``indicateur_mois`` rows (territory, guichet, month,
indicator, key). The daily run calls it after the lifecycle; so does
``sne indicateurs rafraichir``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    true,
)

from sne import codes
from sne.acteurs import Acteur
from sne.documents.tableur import Tableau
from sne.errors import NotFound, ValidationError
from sne.models import (
    Attestation,
    Demande,
    DoublonForce,
    Envoi,
    Guichet,
    Historique,
    IndicateurMois,
    Lot,
    Notification,
    Piece,
    Preavis,
    Radiation,
    ReleveIndicateurs,
    Territoire,
)
from sne.services.calcul_sql import jours_entre, mois_de
from sne.services.notifications import Planifier
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow

#: Attributions recorded more than this many days after the lease signature are late.
DELAI_SAISIE_ATTRIBUTION = 30
#: Pieces arriving within this many days of the filing count as "on time".
DELAI_PIECES = 15
#: Channels by which a piece is uploaded (the others arrive on paper).
CANAUX_TELEVERSEMENT = ("depot_professionnel", "portail_demandeur")
#: Piece category that proves identity (scanning's plan de classement).
CATEGORIE_IDENTITE = "identite"
#: Guichet type of the public portal: its registrations are the online channel.
TYPE_PORTAIL = "PORTAIL"

# Alert thresholds, per guichet over the period shown.
SEUIL_ATTRIBUTIONS_TARDIVES = 0.10  # share of attributions recorded > 30 days after the lease
SEUIL_FORCAGE_MINIMUM = 0.05  # forcing rate above 5 % …
FACTEUR_FORCAGE = 2.0  # … and above twice the territory's rate
SEUIL_PIECES_A_TEMPS = 0.80  # share of pieces arriving within 15 days below 80 %

#: An empty key, written in the SQL itself (a bound parameter would not match in GROUP BY).
VIDE = literal_column("''", String)

ROLES = frozenset({"gestionnaire_territorial", "administrateur"})


@dataclass(frozen=True)
class Releve:
    """What a refresh did for one territory."""

    territoire: str
    jour: date
    lignes: int
    duree_ms: int


def _sources(territoire: str | None) -> Iterable[tuple[str, Any, Select[Any]]]:
    """Each indicator, the column of its territory, its set-based query.

    The query's rows are (guichet_id, mois, cle, nombre, somme); without a
    territory, every territory is computed in the same pass (grouped by it).
    """

    def dans_le(colonne: Any) -> ColumnElement[bool]:
        return colonne == territoire if territoire else true()

    dans = dans_le(Demande.territoire_code)
    guichet_demande = Demande.guichet_id
    canal = case(
        (Guichet.type == TYPE_PORTAIL, literal_column("'portail'")),
        else_=literal_column("'guichet'"),
    )
    yield (
        "enregistrees",
        Demande.territoire_code,
        select(guichet_demande, mois_de(Demande.date_depot), canal, func.count(), null())
        .join(Guichet, Guichet.id == Demande.guichet_id)
        .where(dans)
        .group_by(guichet_demande, mois_de(Demande.date_depot), canal),
    )
    for indicateur, action in (("renouvelees", "renouvellement"), ("modifiees", "modification")):
        guichet = func.coalesce(Historique.guichet_id, Demande.guichet_id)
        yield (
            indicateur,
            Demande.territoire_code,
            select(guichet, mois_de(Historique.at), VIDE, func.count(), null())
            .join(Demande, Demande.id == Historique.demande_id)
            .where(dans, Historique.action == action, Historique.entite == "demande")
            .group_by(guichet, mois_de(Historique.at)),
        )
    guichet_radiation = func.coalesce(Radiation.guichet_id, Demande.guichet_id)

    def radiations(*colonnes: Any) -> Select[Any]:
        return (
            select(*colonnes)
            .join(Demande, Demande.id == Radiation.demande_id)
            .where(dans, Radiation.annulee_le.is_(None))
        )

    yield (
        "radiees",
        Demande.territoire_code,
        radiations(
            guichet_radiation,
            mois_de(Radiation.date_radiation),
            Radiation.motif,
            func.count(),
            null(),
        ).group_by(guichet_radiation, mois_de(Radiation.date_radiation), Radiation.motif),
    )
    delai = jours_entre(Radiation.date_radiation, Radiation.date_bail)
    attributions = Radiation.motif == "RADATT"
    yield (
        "attributions",
        Demande.territoire_code,
        radiations(
            guichet_radiation,
            mois_de(Radiation.date_radiation),
            VIDE,
            func.count(Radiation.date_bail),
            func.sum(delai),
        )
        .where(attributions, Radiation.date_bail.is_not(None))
        .group_by(guichet_radiation, mois_de(Radiation.date_radiation)),
    )
    yield (
        "attributions_tardives",
        Demande.territoire_code,
        radiations(
            guichet_radiation,
            mois_de(Radiation.date_radiation),
            VIDE,
            func.count(),
            null(),
        )
        .where(attributions, delai > DELAI_SAISIE_ATTRIBUTION)
        .group_by(guichet_radiation, mois_de(Radiation.date_radiation)),
    )
    yield (
        "doublons_forces",
        DoublonForce.territoire_code,
        select(
            DoublonForce.guichet_id,
            mois_de(DoublonForce.jour),
            DoublonForce.action,
            func.count(),
            null(),
        )
        .where(dans_le(DoublonForce.territoire_code))
        .group_by(DoublonForce.guichet_id, mois_de(DoublonForce.jour), DoublonForce.action),
    )
    identite = exists().where(Piece.demande_id == Demande.id, Piece.categorie == CATEGORIE_IDENTITE)
    yield (
        "sans_piece_identite",
        Demande.territoire_code,
        select(guichet_demande, mois_de(Demande.date_depot), VIDE, func.count(), null())
        .where(dans, Demande.type_demandeur == "physique", ~identite)
        .group_by(guichet_demande, mois_de(Demande.date_depot)),
    )
    premiere = (
        select(Attestation.demande_id, func.min(Attestation.date_emission).label("le"))
        .join(Demande, Demande.id == Attestation.demande_id)
        .where(dans, Attestation.type == "enregistrement")
        .group_by(Attestation.demande_id)
        .subquery()
    )
    yield (
        "delai_attestation",
        Demande.territoire_code,
        select(
            guichet_demande,
            mois_de(Demande.date_depot),
            VIDE,
            func.count(),
            func.sum(jours_entre(premiere.c.le, Demande.date_depot)),
        )
        .join(premiere, premiere.c.demande_id == Demande.id)
        .where(dans)
        .group_by(guichet_demande, mois_de(Demande.date_depot)),
    )

    def pieces(*colonnes: Any) -> Select[Any]:
        return (
            select(*colonnes)
            .join(Demande, Demande.id == Piece.demande_id)
            .where(dans)
            .group_by(guichet_demande, mois_de(Piece.created_at), Piece.canal)
        )

    yield (
        "pieces",
        Demande.territoire_code,
        pieces(guichet_demande, mois_de(Piece.created_at), Piece.canal, func.count(), null()),
    )
    yield (
        "pieces_a_temps",
        Demande.territoire_code,
        pieces(guichet_demande, mois_de(Piece.created_at), Piece.canal, func.count(), null()).where(
            jours_entre(Piece.created_at, Demande.date_depot) <= DELAI_PIECES
        ),
    )
    yield (
        "preavis",
        Demande.territoire_code,
        select(guichet_demande, mois_de(Preavis.date_envoi), Preavis.canal, func.count(), null())
        .join(Demande, Demande.id == Preavis.demande_id)
        .where(dans)
        .group_by(guichet_demande, mois_de(Preavis.date_envoi), Preavis.canal),
    )
    territoire_notif = func.coalesce(
        Lot.territoire_code, Envoi.territoire_code, Demande.territoire_code
    )
    guichet_notif = func.coalesce(Envoi.guichet_id, Lot.guichet_id, Demande.guichet_id)
    yield (
        "notifications_echec",
        territoire_notif,
        select(
            guichet_notif, mois_de(Notification.created_at), Notification.type, func.count(), null()
        )
        .outerjoin(Lot, Lot.id == Notification.lot_id)
        .outerjoin(Envoi, Envoi.id == Notification.envoi_id)
        .outerjoin(Demande, Demande.id == Notification.demande_id)
        .where(Notification.statut == "echec", dans_le(territoire_notif))
        .group_by(guichet_notif, mois_de(Notification.created_at), Notification.type),
    )


def rafraichir(
    uow: UnitOfWork, acteur: Acteur, jour: date, territoire: str | None = None
) -> list[Releve]:
    """Recompute the snapshot of ``territoire`` (every territory by default) in one transaction.

    Without a territory each fact table is read once for all of them, not once per territory.
    """
    acteur.exiger("rafraichir_indicateurs", territoire)
    debut = time.perf_counter()
    colonnes = ["territoire_code", "guichet_id", "mois", "indicateur", "cle", "nombre", "somme"]
    with uow:
        session = uow.session
        # Two refreshes at once (the night's and a manual one) would each insert the figures:
        # the second waits here. FOR NO KEY UPDATE leaves registrations' foreign-key checks be.
        quels = select(Territoire.code).order_by(Territoire.code).with_for_update(key_share=True)
        if territoire:
            quels = quels.where(Territoire.code == territoire)
        codes_territoires = list(session.scalars(quels))
        if territoire and not codes_territoires:
            raise NotFound(f"Aucun territoire « {territoire} ».")
        effacer = delete(IndicateurMois)
        if territoire:
            effacer = effacer.where(IndicateurMois.territoire_code == territoire)
        session.execute(effacer)
        for indicateur, colonne, requete in _sources(territoire):
            session.execute(
                insert(IndicateurMois).from_select(
                    colonnes, _ordonner(requete, colonne, indicateur)
                )
            )
        lignes: dict[str, int] = {
            code: nombre
            for code, nombre in session.execute(
                select(IndicateurMois.territoire_code, func.count()).group_by(
                    IndicateurMois.territoire_code
                )
            )
        }
        duree = round((time.perf_counter() - debut) * 1000)
        for code in codes_territoires:
            releve = session.get(ReleveIndicateurs, code)
            if releve is None:
                releve = ReleveIndicateurs(territoire_code=code)
                session.add(releve)
            releve.jour = jour
            releve.calcule_le = utcnow()
            releve.duree_ms = duree
        uow.commit()
    return [Releve(code, jour, lignes.get(code, 0), duree) for code in codes_territoires]


def _ordonner(requete: Select[Any], territoire: Any, indicateur: str) -> Select[Any]:
    """Put a source's columns in the snapshot's order, grouped by territory too."""
    guichet, mois, cle, nombre, somme = requete.selected_columns
    return requete.with_only_columns(
        territoire,
        guichet,
        mois,
        literal(indicateur, String),
        func.coalesce(cle, VIDE),
        nombre,
        somme,
        maintain_column_froms=True,
    ).group_by(territoire)


# --- Reading the snapshot -------------------------------------------------------------------

#: Figures of one scope (a guichet or the territory, a month or the period): (indicator, key).
Cumul = dict[tuple[str, str], tuple[int, int]]


def _n(cumul: Cumul, indicateur: str, *cles: str) -> int:
    """Events of ``indicateur`` (only those ``cles`` when given)."""
    return sum(n for (i, c), (n, _) in cumul.items() if i == indicateur and (not cles or c in cles))


def _moyenne(cumul: Cumul, indicateur: str) -> float | None:
    """Mean delay in days of ``indicateur``, or None without events."""
    nombre = _n(cumul, indicateur)
    somme = sum(s for (i, _), (_, s) in cumul.items() if i == indicateur)
    return round(somme / nombre, 1) if nombre else None


def _part(numerateur: int, denominateur: int) -> float | None:
    """A share in percent, or None when nothing was counted."""
    return round(100 * numerateur / denominateur, 1) if denominateur else None


CANAUX_COURRIER = tuple(c for c in codes.CANAL if c not in CANAUX_TELEVERSEMENT)


@dataclass(frozen=True)
class Ligne:
    """One line of the indicator tables: its code (charts, tests), French label and formula."""

    code: str
    libelle: str
    calcul: Callable[[Cumul], int | float | None]


def _par_motif(motif: str) -> Callable[[Cumul], int]:
    return lambda cumul: _n(cumul, "radiees", motif)


def _lignes() -> tuple[Ligne, ...]:
    motifs = tuple(
        Ligne(f"radiees_{motif}", f"  dont {libelle.lower()}", _par_motif(motif))
        for motif, libelle in codes.MOTIF_RADIATION.items()
    )
    return (
        Ligne(
            "enregistrees_guichet",
            "Demandes enregistrées à un guichet",
            lambda c: _n(c, "enregistrees", "guichet"),
        ),
        Ligne(
            "enregistrees_portail",
            "Demandes enregistrées en ligne (portail grand public)",
            lambda c: _n(c, "enregistrees", "portail"),
        ),
        Ligne("renouvelees", "Demandes renouvelées", lambda c: _n(c, "renouvelees")),
        Ligne("modifiees", "Demandes modifiées", lambda c: _n(c, "modifiees")),
        Ligne("radiees", "Demandes radiées", lambda c: _n(c, "radiees")),
        *motifs,
        Ligne(
            "part_non_renouvellement",
            "Part des radiations pour non-renouvellement (%)",
            lambda c: _part(_n(c, "radiees", "RADREN"), _n(c, "radiees")),
        ),
        Ligne(
            "attributions", "Attributions enregistrées (bail daté)", lambda c: _n(c, "attributions")
        ),
        Ligne(
            "delai_attribution",
            "Délai moyen entre signature du bail et saisie (jours)",
            lambda c: _moyenne(c, "attributions"),
        ),
        Ligne(
            "attributions_tardives",
            f"Attributions saisies plus de {DELAI_SAISIE_ATTRIBUTION} jours après le bail",
            lambda c: _n(c, "attributions_tardives"),
        ),
        Ligne("doublons_forces", "Doublons forcés", lambda c: _n(c, "doublons_forces")),
        Ligne(
            "taux_forcage",
            "Taux de forçage (% des enregistrements)",
            lambda c: _part(_n(c, "doublons_forces"), _n(c, "enregistrees")),
        ),
        Ligne(
            "sans_piece_identite",
            "Demandes sans pièce d'identité au dossier",
            lambda c: _n(c, "sans_piece_identite"),
        ),
        Ligne(
            "delai_attestation",
            "Délai moyen entre dépôt et attestation (jours)",
            lambda c: _moyenne(c, "delai_attestation"),
        ),
        Ligne(
            "pieces_courrier",
            "Pièces reçues par courrier",
            lambda c: _n(c, "pieces", *CANAUX_COURRIER),
        ),
        Ligne(
            "pieces_televersees",
            "Pièces téléversées",
            lambda c: _n(c, "pieces", *CANAUX_TELEVERSEMENT),
        ),
        Ligne(
            "part_pieces_a_temps",
            f"Part des pièces téléversées dans les {DELAI_PIECES} jours du dépôt (%)",
            lambda c: _part(
                _n(c, "pieces_a_temps", *CANAUX_TELEVERSEMENT),
                _n(c, "pieces", *CANAUX_TELEVERSEMENT),
            ),
        ),
        Ligne("preavis_email", "Préavis envoyés par courriel", lambda c: _n(c, "preavis", "email")),
        Ligne(
            "preavis_courrier",
            "Préavis à envoyer par courrier",
            lambda c: _n(c, "preavis", "courrier"),
        ),
        Ligne(
            "notifications_echec", "Notifications en échec", lambda c: _n(c, "notifications_echec")
        ),
    )


LIGNES = _lignes()
LIGNES_PAR_CODE = {ligne.code: ligne for ligne in LIGNES}
#: Indicators a chart may show (counts, not shares or delays: bars of events).
GRAPHIQUES = (
    "enregistrees_guichet",
    "enregistrees_portail",
    "renouvelees",
    "radiees",
    "attributions",
    "doublons_forces",
    "pieces_televersees",
    "preavis_email",
)


@dataclass(frozen=True)
class GuichetSuivi:
    """A guichet as the indicator pages name it."""

    id: int
    code: str
    nom: str
    referent_email: str | None


@dataclass(frozen=True)
class Alerte:
    """A guichet past a data-quality threshold over the period, and why."""

    guichet: GuichetSuivi
    motifs: tuple[str, ...]


@dataclass(frozen=True)
class Suivi:
    """The indicator pages' content for a territory, a period and (optionally) a guichet."""

    territoire: str
    donnees_au: date | None
    du: str
    au: str
    guichets: tuple[GuichetSuivi, ...]
    guichet: GuichetSuivi | None
    par_guichet: Tableau
    par_mois: Tableau
    graphique: str
    serie_mois: tuple[tuple[str, float], ...]
    serie_guichets: tuple[tuple[str, float], ...]
    alertes: tuple[Alerte, ...]


def _mois_valide(texte: str | None, champ: str) -> str | None:
    if not texte:
        return None
    try:
        date.fromisoformat(texte + "-01")
    except ValueError:
        raise ValidationError(
            {champ: "mois illisible : écrivez-le AAAA-MM, par exemple 2026-03"}
        ) from None
    return texte


def _mois_entre(du: str, au: str) -> list[str]:
    mois, fin = date.fromisoformat(du + "-01"), date.fromisoformat(au + "-01")
    liste: list[str] = []
    while mois <= fin and len(liste) < 120:
        liste.append(f"{mois:%Y-%m}")
        mois += relativedelta(months=1)
    return liste


def territoire_de(acteur: Acteur, territoire: str | None) -> str:
    """The territory an account follows: its own, or the one a national account names."""
    code = acteur.territoire_code or territoire
    if not code:
        raise ValidationError({"territoire": "choisissez un territoire"})
    return code


def consulter(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    aujourd_hui: date,
    du: str | None = None,
    au: str | None = None,
    guichet: str | None = None,
    graphique: str | None = None,
    territoire: str | None = None,
) -> Suivi:
    """Read the snapshot of the acteur's territory over [du, au] (the last 12 months by default)."""
    code = territoire_de(acteur, territoire)
    acteur.exiger("suivre_indicateurs", code)
    du, au = _mois_valide(du, "du"), _mois_valide(au, "au")
    with uow:
        session = uow.session
        releve = session.get(ReleveIndicateurs, code)
        donnees_au = releve.jour if releve else None
        fin = au or f"{donnees_au or aujourd_hui:%Y-%m}"
        debut = du or f"{date.fromisoformat(fin + '-01') - relativedelta(months=11):%Y-%m}"
        if debut > fin:
            raise ValidationError({"du": "le premier mois doit précéder le dernier"})
        guichets = tuple(
            GuichetSuivi(g.id, g.code, g.nom, g.referent_email)
            for g in session.scalars(
                select(Guichet).where(Guichet.territoire_code == code).order_by(Guichet.code)
            )
        )
        choisi = None
        if guichet:
            choisi = next((g for g in guichets if g.code == guichet), None)
            if choisi is None:
                raise NotFound(f"Aucun guichet « {guichet} » dans le territoire {code}.")
        lignes = session.execute(
            select(
                IndicateurMois.guichet_id,
                IndicateurMois.mois,
                IndicateurMois.indicateur,
                IndicateurMois.cle,
                func.sum(IndicateurMois.nombre),
                func.sum(func.coalesce(IndicateurMois.somme, 0)),
            )
            .where(
                IndicateurMois.territoire_code == code,
                IndicateurMois.mois >= debut,
                IndicateurMois.mois <= fin,
            )
            .group_by(
                IndicateurMois.guichet_id,
                IndicateurMois.mois,
                IndicateurMois.indicateur,
                IndicateurMois.cle,
            )
        ).all()
    par_guichet: dict[int | None, Cumul] = defaultdict(dict)
    par_mois: dict[str, Cumul] = defaultdict(dict)
    total: Cumul = {}
    for guichet_id, mois, indicateur, cle, nombre, somme in lignes:
        cibles = [par_guichet[guichet_id], total]
        if choisi is None or choisi.id == guichet_id:
            cibles.append(par_mois[mois])
        for cumul in cibles:
            n, s = cumul.get((indicateur, cle), (0, 0))
            cumul[(indicateur, cle)] = (n + int(nombre), s + int(somme or 0))
    graphique = graphique if graphique in GRAPHIQUES else GRAPHIQUES[0]
    mois = _mois_entre(debut, fin)
    periode = f"{_mois_fr(debut)} à {_mois_fr(fin)}"
    colonnes_guichets = [g for g in guichets if g.id in par_guichet] or list(guichets)
    tableau_guichets = Tableau(
        titre=f"Indicateurs par guichet, {periode}",
        entetes=("Indicateur", f"Territoire {code}", *(g.code for g in colonnes_guichets)),
        lignes=tuple(
            (
                ligne.libelle.strip(),
                ligne.calcul(total),
                *(ligne.calcul(par_guichet[g.id]) for g in colonnes_guichets),
            )
            for ligne in LIGNES
        ),
        nom_fichier=f"indicateurs-guichets-{code}-{debut}-{fin}",
    )
    portee = f"guichet {choisi.code}" if choisi else f"territoire {code}"
    tableau_mois = Tableau(
        titre=f"Indicateurs par mois, {portee}",
        entetes=("Indicateur", *(_mois_fr(m) for m in mois)),
        lignes=tuple(
            (ligne.libelle.strip(), *(ligne.calcul(par_mois[m]) for m in mois)) for ligne in LIGNES
        ),
        nom_fichier=f"indicateurs-mois-{choisi.code if choisi else code}-{debut}-{fin}",
    )
    courbe = LIGNES_PAR_CODE[graphique].calcul
    return Suivi(
        territoire=code,
        donnees_au=donnees_au,
        du=debut,
        au=fin,
        guichets=guichets,
        guichet=choisi,
        par_guichet=tableau_guichets,
        par_mois=tableau_mois,
        graphique=graphique,
        serie_mois=tuple((_mois_fr(m), float(courbe(par_mois[m]) or 0)) for m in mois),
        serie_guichets=tuple(
            (g.code, float(courbe(par_guichet[g.id]) or 0)) for g in colonnes_guichets
        ),
        alertes=_alertes(guichets, par_guichet, total),
    )


MOIS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _mois_fr(mois: str) -> str:
    annee, numero = mois.split("-")
    return f"{MOIS_FR[int(numero) - 1]} {annee}"


def _alertes(
    guichets: tuple[GuichetSuivi, ...], par_guichet: dict[int | None, Cumul], total: Cumul
) -> tuple[Alerte, ...]:
    """Guichets past a threshold over the period, each with its reasons in French."""
    taux_territoire = _n(total, "doublons_forces") / max(_n(total, "enregistrees"), 1)
    seuil_forcage = max(SEUIL_FORCAGE_MINIMUM, FACTEUR_FORCAGE * taux_territoire)
    alertes = []
    for guichet in guichets:
        cumul = par_guichet.get(guichet.id, {})
        motifs = []
        attributions, tardives = _n(cumul, "attributions"), _n(cumul, "attributions_tardives")
        if attributions and tardives / attributions > SEUIL_ATTRIBUTIONS_TARDIVES:
            motifs.append(
                f"{tardives} attribution(s) sur {attributions} saisie(s) plus de "
                f"{DELAI_SAISIE_ATTRIBUTION} jours après la signature du bail "
                f"(seuil : {SEUIL_ATTRIBUTIONS_TARDIVES:.0%})"
            )
        enregistrees, forces = _n(cumul, "enregistrees"), _n(cumul, "doublons_forces")
        if enregistrees and forces / enregistrees > seuil_forcage:
            motifs.append(
                f"taux de forçage de {forces / enregistrees:.0%} ({forces} sur {enregistrees} "
                f"enregistrements ; seuil : {seuil_forcage:.0%})"
            )
        televersees = _n(cumul, "pieces", *CANAUX_TELEVERSEMENT)
        a_temps = _n(cumul, "pieces_a_temps", *CANAUX_TELEVERSEMENT)
        if televersees and a_temps / televersees < SEUIL_PIECES_A_TEMPS:
            motifs.append(
                f"{televersees - a_temps} pièce(s) sur {televersees} téléversée(s) plus de "
                f"{DELAI_PIECES} jours après le dépôt (seuil : {SEUIL_PIECES_A_TEMPS:.0%} à temps)"
            )
        if motifs:
            alertes.append(Alerte(guichet, tuple(motifs)))
    return tuple(alertes)


def ecrire_au_referent(
    uow: UnitOfWork,
    acteur: Acteur,
    *,
    guichet: str,
    message: str,
    planifier: Planifier,
) -> int:
    """Write the manager's mail to a guichet's référent as a notification; send it after commit."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "écrivez le message à envoyer au référent"})
    with uow:
        session = uow.session
        ligne = session.scalar(select(Guichet).where(Guichet.code == guichet))
        if ligne is None or (
            acteur.territoire_code is not None and ligne.territoire_code != acteur.territoire_code
        ):
            raise NotFound(f"Aucun guichet « {guichet} ».")
        acteur.exiger("suivre_indicateurs", ligne.territoire_code)
        if not ligne.referent_email:
            raise ValidationError(
                {"message": f"le guichet {ligne.code} n'a pas d'adresse de référent"}
            )
        maintenant = utcnow()
        notification = Notification(
            destinataire=ligne.referent_email,
            sujet=f"Suivi des guichets : qualité des données du guichet {ligne.code}",
            corps=f"Bonjour,\n\n{message}\n\nLe gestionnaire territorial ({acteur.login})",
            type="alerte_qualite",
            statut="a_envoyer",
            tentatives=0,
            cle=f"alerte_qualite:{ligne.code}:{maintenant.isoformat()}",
            created_at=maintenant,
        )
        session.add(notification)
        session.flush()
        tracer(
            session,
            acteur,
            entite="guichet",
            entite_id=ligne.code,
            action="alerte_qualite",
            changements={"notification": notification.id, "destinataire": ligne.referent_email},
        )
        uow.after_commit(partial(planifier, notification.id))
        uow.commit()
        return notification.id
