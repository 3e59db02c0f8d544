"""The pieces of a demande (dossier unique): list, open, download, mark, add scanned files.

Views parse the form and call one service of ``sne.services.pieces``, which
checks the role, the territory and, for a piece's content, the consultant level.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, fichiers
from guichet_portal.acces import exige
from scanning.plan import CATEGORIES, TYPES
from sne.errors import NotFound, SneError
from sne.services import pieces

bp = Blueprint("pieces", __name__, url_prefix="/demandes/<numero>/pieces")
#: Rows of the add form: one file and its type per row.
LIGNES = 5
#: Body limit of the add form: several scans before recompression (each piece ends under 2 MB).
LIMITE_AJOUT = 20 * 1024 * 1024
#: The plan de classement as grouped choices: "Catégorie — type".
TYPES_PIECE = {
    t.code: f"{next(c.libelle for c in CATEGORIES if c.code == t.categorie)} — {t.libelle}"
    for t in TYPES
}
fichiers.limiter_envois(bp, {"ajouter": LIMITE_AJOUT})


@bp.get("")
@exige("consulter_pieces")
def liste(numero: str) -> str:
    """The dossier unique: every piece with its type, status, pages, channel and author."""
    dossier = pieces.lister(acces.uow(), acces.acteur(), numero)
    return render_template("guichet/pieces/liste.html", dossier=dossier, marques=pieces.MARQUES)


def _fichier(numero: str, piece_id: int, en_ligne: bool) -> Response:
    fichier = pieces.ouvrir(acces.uow(), acces.acteur(), numero, piece_id, fichiers.store())
    return fichiers.flux(
        fichier.contenu, nom=fichier.nom, type_mime=fichier.type_mime, en_ligne=en_ligne
    )


@bp.get("/<int:piece_id>")
@exige("consulter_pieces")
def voir(numero: str, piece_id: int) -> Response:
    """Open the piece in the browser (PDF or image), streamed from the file store."""
    return _fichier(numero, piece_id, en_ligne=True)


@bp.get("/<int:piece_id>/telecharger")
@exige("consulter_pieces")
def telecharger(numero: str, piece_id: int) -> Response:
    """Download the piece."""
    return _fichier(numero, piece_id, en_ligne=False)


@bp.route("/<int:piece_id>/marquer", methods=["GET", "POST"])
@exige("marquer_piece")
def marquer(numero: str, piece_id: int) -> Response | tuple[str, int]:
    """Mark a piece inexploitable, hors périmètre or obsolète, with a reason (never deleted)."""
    dossier = pieces.lister(acces.uow(), acces.acteur(), numero)
    piece = next((p for p in dossier.pieces if p.id == piece_id), None)
    if piece is None:
        raise NotFound(f"Aucune pièce n° {piece_id}.")
    statut = request.form.get("statut", "")
    motif = request.form.get("motif", "")
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        try:
            pieces.marquer(acces.uow(), acces.acteur(), numero, piece_id, statut, motif)
        except SneError as erreur:
            erreurs = {k: str(v) for k, v in erreur.details.items()} or {"motif": erreur.message}
        else:
            flash(f"Pièce marquée « {pieces.MARQUES[statut].lower()} ».", "success")
            return redirect(url_for("pieces.liste", numero=dossier.numero))
    html = render_template(
        "guichet/pieces/marquer.html",
        dossier=dossier,
        piece=piece,
        marques=pieces.MARQUES,
        statut=statut,
        motif=motif,
        erreurs=erreurs,
    )
    return html, 422 if erreurs else 200


@bp.route("/ajouter", methods=["GET", "POST"])
@exige("ajouter_pieces")
def ajouter(numero: str) -> tuple[str, int]:
    """Add files scanned at the guichet, one piece each with its declared type."""
    dossier = pieces.lister(acces.uow(), acces.acteur(), numero)
    types = {i: request.form.get(f"type-{i}", "") for i in range(1, LIGNES + 1)}
    erreurs: dict[str, str] = {}
    resultats: list[pieces.Ajout] = []
    code = 200
    if request.method == "POST":
        with fichiers.dossier_travail() as travail:
            choisis = []
            for i in range(1, LIGNES + 1):
                envoye = request.files.get(f"fichier-{i}")
                if envoye is None or not envoye.filename:
                    continue
                chemin = fichiers.ecrire(envoye, travail, i)
                choisis.append(pieces.FichierAjoute(chemin, envoye.filename, types[i]))
            try:
                resultats = pieces.ajouter(
                    acces.uow(), acces.acteur(), numero, choisis, fichiers.store(), travail
                )
            except SneError as erreur:
                erreurs = {k: str(v) for k, v in erreur.details.items()} or {
                    "fichier-1": erreur.message
                }
                code = 422
        if resultats and all(r.piece_id is None for r in resultats):
            code = 422
    html = render_template(
        "guichet/pieces/ajouter.html",
        dossier=dossier,
        lignes=range(1, LIGNES + 1),
        types=types,
        types_piece=TYPES_PIECE,
        erreurs=erreurs,
        resultats=resultats,
    )
    return html, code
