"""The digitisation console, one lot: its pages and dossiers, and resolving what the pipeline held.

Each view reads the form, calls one service of ``sne.services.resolution`` and
redirects with a message, or shows the page again with the refusal beside the
field at fault (422). A lot, dossier, page or piece that does not exist, or
that the account may not see, is a 404. Thumbnails are drawn once and then
served from the file store, cached by the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from scanning.chirurgie import LARGEURS
from scanning.plan import CATEGORIES, TYPES
from sne import codes
from sne.errors import NotFound, SneError
from sne.services.resolution import dossiers, pieces, revue, vignettes, vue
from sne.services.resolution.commun import MARQUES
from sne.stockage import FileStore, store_for

bp = Blueprint("console_lots", __name__, url_prefix="/console/lots")
PERMISSION = "resoudre_numerisation"
#: Height of a thumbnail's box: an A4 page is 1.414 times as high as wide.
HAUTEURS = {taille: round(largeur * 1.414) for taille, largeur in LARGEURS.items()}
#: The plan de classement as the type list shows it: category, then type.
_CATEGORIES = {c.code: c.libelle for c in CATEGORIES}
TYPES_PLAN = {t.code: f"{_CATEGORIES[t.categorie]} — {t.libelle}" for t in TYPES}
MARQUES_LIBELLES = {m: codes.STATUT_PIECE[m] for m in MARQUES}
ROTATIONS = {
    "90": "d'un quart de tour à droite",
    "180": "d'un demi-tour",
    "270": "d'un quart de tour à gauche",
}


def _store() -> FileStore:
    return store_for(current_app.extensions["sne.settings"])


def _entier(nom: str) -> int:
    """A whole number posted in ``nom`` (-1 when absent or not a number, which services refuse)."""
    valeur = request.form.get(nom, "").strip()
    return int(valeur) if valeur.isdigit() else -1


def _agir(
    action: Callable[[], object], succes: str, retour: str, afficher: Callable[..., Any]
) -> Response | tuple[str, int]:
    """Run one service call; redirect to ``retour`` with ``succes``, or show the refusal (422)."""
    try:
        action()
    except NotFound:
        raise
    except SneError as erreur:
        erreurs = {k: str(v) for k, v in erreur.details.items()}
        return afficher(message=erreur.message, erreurs=erreurs), 422
    flash(succes, "success")
    return redirect(retour)


# ------------------------------------------------------------------------------- the lot


@bp.get("/<int:lot_id>")
@exige(PERMISSION)
def voir(lot_id: int) -> str:
    """The lot's pages as thumbnails with their role and fate, its dossiers and their pieces."""
    page = request.args.get("page", "1")
    etat = vue.consulter(acces.uow(), acces.acteur(), lot_id, int(page) if page.isdigit() else 1)
    return render_template(
        "guichet/console/lot.html",
        lot=etat,
        largeur=LARGEURS["vignette"],
        hauteur=HAUTEURS["vignette"],
        adresse=lambda n: url_for("console_lots.voir", lot_id=lot_id, page=n),
    )


@bp.get("/<int:lot_id>/pages/<int:index>/<taille>.jpg")
@exige(PERMISSION)
def vignette(lot_id: int, index: int, taille: str) -> Response:
    """A page's thumbnail (``vignette``) or preview (``apercu``), drawn once, cached a day."""
    jpeg = vignettes.vignette(acces.uow(), acces.acteur(), _store(), lot_id, index, taille)
    reponse = current_app.response_class(jpeg, mimetype="image/jpeg")
    reponse.headers["Cache-Control"] = "private, max-age=86400"
    return reponse


@bp.get("/<int:lot_id>/pieces/<int:piece_id>/pages/<int:position>.jpg")
@exige(PERMISSION)
def apercu_piece(lot_id: int, piece_id: int, position: int) -> Response:
    """A page of a piece as its file now is (turned, moved), drawn once per file version."""
    jpeg = vignettes.apercu_piece(acces.uow(), acces.acteur(), _store(), lot_id, piece_id, position)
    reponse = current_app.response_class(jpeg, mimetype="image/jpeg")
    reponse.headers["Cache-Control"] = "private, no-cache"
    return reponse


@bp.post("/<int:lot_id>/terminer")
@exige(PERMISSION)
def terminer(lot_id: int) -> Response | tuple[str, int]:
    """Close the lot's review once nothing waits; the mails list the decisions."""

    def afficher(message: str, erreurs: dict[str, str]) -> str:
        etat = vue.consulter(acces.uow(), acces.acteur(), lot_id)
        return render_template(
            "guichet/console/lot.html",
            lot=etat,
            largeur=LARGEURS["vignette"],
            hauteur=HAUTEURS["vignette"],
            adresse=lambda n: url_for("console_lots.voir", lot_id=lot_id, page=n),
            message=message,
        )

    return _agir(
        lambda: revue.terminer_revue(
            acces.uow(), acces.acteur(), lot_id, planifier=acces.planifier_mail()
        ),
        "Vérification terminée : le lot est traité et la notification part.",
        url_for("console_lots.voir", lot_id=lot_id),
        afficher,
    )


# ------------------------------------------------------------------------------- dossiers


def _dossier(lot_id: int, index: int, **contexte: Any) -> str:
    """The dossier page: the fiche's image beside the identity of the demande typed or found."""
    choisi = vue.dossier(acces.uow(), acces.acteur(), lot_id, index)
    numero = (request.values.get("numero") or choisi.numero or "").strip()
    identite = vue.identite(acces.uow(), acces.acteur(), lot_id, numero) if numero else None
    return render_template(
        "guichet/console/dossier.html",
        lot_id=lot_id,
        dossier=choisi,
        numero=numero,
        identite=identite,
        largeur=LARGEURS["apercu"],
        hauteur=HAUTEURS["apercu"],
        **{"message": None, "erreurs": {}, **contexte},
    )


@bp.get("/<int:lot_id>/dossiers/<int:index>")
@exige(PERMISSION)
def dossier(lot_id: int, index: int) -> str:
    """A dossier of the lot, with what may be decided about it."""
    return _dossier(lot_id, index)


@bp.post("/<int:lot_id>/dossiers/<int:index>/rattacher")
@exige(PERMISSION)
def rattacher(lot_id: int, index: int) -> Response | tuple[str, int]:
    """Attach a waiting dossier to the demande typed."""
    numero = request.form.get("numero", "")
    return _agir(
        lambda: dossiers.rattacher(acces.uow(), acces.acteur(), _store(), lot_id, index, numero),
        "Dossier rattaché : ses pages forment une pièce à qualifier (coupez-la si besoin).",
        url_for("console_lots.dossier", lot_id=lot_id, index=index),
        lambda **c: _dossier(lot_id, index, **c),
    )


@bp.post("/<int:lot_id>/dossiers/<int:index>/rejeter")
@exige(PERMISSION)
def rejeter(lot_id: int, index: int) -> Response | tuple[str, int]:
    """Reject a waiting dossier with a reason."""
    motif = request.form.get("motif", "")
    return _agir(
        lambda: dossiers.rejeter(acces.uow(), acces.acteur(), lot_id, index, motif),
        "Dossier rejeté : le motif figurera dans la notification.",
        url_for("console_lots.voir", lot_id=lot_id),
        lambda message, erreurs: _dossier(
            lot_id, index, message=message, erreurs={"motif": message, **erreurs}
        ),
    )


# ------------------------------------------------------------------------------- loose pages


def _page(lot_id: int, index: int, **contexte: Any) -> str:
    choisie, etat = vue.page(acces.uow(), acces.acteur(), lot_id, index)
    return render_template(
        "guichet/console/page.html",
        lot=etat,
        page=choisie,
        choix_dossiers={
            str(d.index): f"Dossier n° {d.index + 1} — {d.numero or 'numéro illisible'} "
            f"({d.statut_libelle.lower()})"
            for d in etat.dossiers
            if d.statut != "rejete"
        },
        largeur=LARGEURS["apercu"],
        hauteur=HAUTEURS["apercu"],
        **{"message": None, "erreurs": {}, **contexte},
    )


@bp.get("/<int:lot_id>/pages/<int:index>")
@exige(PERMISSION)
def page(lot_id: int, index: int) -> str:
    """One page of the lot, large, with what may be done with it when it is loose."""
    return _page(lot_id, index)


@bp.post("/<int:lot_id>/pages/<int:index>/mettre-de-cote")
@exige(PERMISSION)
def mettre_de_cote(lot_id: int, index: int) -> Response | tuple[str, int]:
    """Set a loose page aside with a reason."""
    motif = request.form.get("motif", "")
    return _agir(
        lambda: dossiers.mettre_de_cote(acces.uow(), acces.acteur(), lot_id, index, motif),
        f"Page {index + 1} mise de côté : elle reste dans le lot.",
        url_for("console_lots.voir", lot_id=lot_id),
        lambda message, erreurs: _page(
            lot_id, index, message=message, erreurs={"motif": message, **erreurs}
        ),
    )


@bp.post("/<int:lot_id>/pages/<int:index>/ajouter")
@exige(PERMISSION)
def ajouter(lot_id: int, index: int) -> Response | tuple[str, int]:
    """Add a loose page to a dossier of the lot."""
    cible = _entier("dossier")
    return _agir(
        lambda: dossiers.ajouter_au_dossier(
            acces.uow(), acces.acteur(), _store(), lot_id, index, cible
        ),
        f"Page {index + 1} ajoutée au dossier n° {cible + 1}.",
        url_for("console_lots.voir", lot_id=lot_id),
        lambda message, erreurs: _page(
            lot_id, index, message=message, erreurs={"dossier": message, **erreurs}
        ),
    )


# ------------------------------------------------------------------------------- pieces


def _piece(lot_id: int, piece_id: int, **contexte: Any) -> str:
    choisie, son_dossier = vue.piece(acces.uow(), acces.acteur(), lot_id, piece_id)
    return render_template(
        "guichet/console/piece.html",
        lot_id=lot_id,
        piece=choisie,
        dossier=son_dossier,
        autres={
            str(p.id): f"Pièce {p.rang} — {p.type_libelle} ({p.statut_libelle})"
            for p in son_dossier.pieces
            if p.id != choisie.id
        },
        positions={str(i): f"Page {i + 1} de la pièce" for i in range(len(choisie.pages))},
        coupes={str(i): f"Page {i + 1} de la pièce" for i in range(1, len(choisie.pages))},
        types=TYPES_PLAN,
        marques=MARQUES_LIBELLES,
        rotations=ROTATIONS,
        largeur=LARGEURS["apercu"],
        hauteur=HAUTEURS["apercu"],
        **{"message": None, "erreurs": {}, **contexte},
    )


@bp.get("/<int:lot_id>/pieces/<int:piece_id>")
@exige(PERMISSION)
def piece(lot_id: int, piece_id: int) -> str:
    """A piece of the lot: its pages, its type, and the fixes of a wrong cut."""
    return _piece(lot_id, piece_id)


def _action_piece(
    lot_id: int, piece_id: int, action: Callable[[], object], succes: str, champ: str
) -> Response | tuple[str, int]:
    """Run a decision on a piece; come back to the dossier's piece list or show the refusal."""
    retour = url_for("console_lots.piece", lot_id=lot_id, piece_id=piece_id)
    if request.form.get("retour") == "lot":
        retour = url_for("console_lots.voir", lot_id=lot_id)
    return _agir(
        action,
        succes,
        retour,
        lambda message, erreurs: _piece(
            lot_id, piece_id, message=message, erreurs={champ: message, **erreurs}
        ),
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/qualifier")
@exige(PERMISSION)
def qualifier(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Give the piece its type from the plan de classement."""
    code = request.form.get("type", "")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.qualifier(acces.uow(), acces.acteur(), lot_id, piece_id, code),
        "Pièce qualifiée.",
        "type",
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/marquer")
@exige(PERMISSION)
def marquer(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Mark the piece inexploitable, hors périmètre or obsolète, with a reason."""
    statut, motif = request.form.get("statut", ""), request.form.get("motif", "")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.marquer(acces.uow(), acces.acteur(), lot_id, piece_id, statut, motif),
        "Pièce marquée : elle reste au dossier avec son motif.",
        "motif",
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/deplacer")
@exige(PERMISSION)
def deplacer(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Move a page of the piece to another piece of the same dossier."""
    position, vers = _entier("position"), _entier("vers")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.deplacer_page(
            acces.uow(), acces.acteur(), _store(), lot_id, piece_id, position, vers
        ),
        "Page déplacée.",
        "vers",
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/tourner")
@exige(PERMISSION)
def tourner(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Turn a page of the piece."""
    position, rotation = _entier("position_rotation"), _entier("rotation")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.tourner(
            acces.uow(), acces.acteur(), _store(), lot_id, piece_id, position, rotation
        ),
        "Page redressée.",
        "rotation",
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/scinder")
@exige(PERMISSION)
def scinder(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Split the piece before a page: the pages from there on become a new piece."""
    position = _entier("position_coupe")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.scinder(acces.uow(), acces.acteur(), _store(), lot_id, piece_id, position),
        "Pièce coupée en deux : la seconde partie est une nouvelle pièce à qualifier.",
        "position_coupe",
    )


@bp.post("/<int:lot_id>/pieces/<int:piece_id>/joindre")
@exige(PERMISSION)
def joindre(lot_id: int, piece_id: int) -> Response | tuple[str, int]:
    """Append another piece of the same dossier to this one."""
    autre = _entier("autre")
    return _action_piece(
        lot_id,
        piece_id,
        lambda: pieces.joindre(acces.uow(), acces.acteur(), _store(), lot_id, piece_id, autre),
        "Pièces réunies.",
        "autre",
    )
