"""Send pieces: up to five files, one piece each with its type, from the applicant's demande page.

The view writes the files to a working folder and calls one service
(``sne.services.pieces_demandeur.envoyer``), which checks the link to the demande
and queues each accepted file through the portal's job queue; the job mails the
result. Without JavaScript the form posts as usual; with it, the guichet
portal's ``envoi_fichiers.js`` shows a progress bar.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from guichet_portal import fichiers
from portails.sessions import aujourd_hui
from public_portal import acces
from public_portal.acces import connecte
from sne.errors import SneError
from sne.services import espace_demandeur, pieces_demandeur
from workers.enqueue import JobQueue, enqueue_traiter_lot

bp = Blueprint("pieces", __name__, url_prefix="/demandes/<numero>/pieces")
#: Body limit of the form: five phone photos or scans before recompression (each ends under 2 MB).
LIMITE_ENVOI = 40 * 1024 * 1024
fichiers.limiter_envois(bp, {"envoyer": LIMITE_ENVOI})


@bp.route("", methods=["GET", "POST"])
@connecte
def envoyer(numero: str) -> tuple[str, int]:
    """Choose files and their types, send them; say at once which are refused and why."""
    suivi = espace_demandeur.suivre(acces.uow(), acces.compte().id, numero, aujourd_hui())
    lignes = range(1, pieces_demandeur.MAX_FICHIERS + 1)
    types = {i: request.form.get(f"type-{i}", "") for i in lignes}
    erreurs: dict[str, str] = {}
    resultats: list[pieces_demandeur.Resultat] = []
    code = 200
    if request.method == "POST":
        queue = acces.queue()
        with fichiers.dossier_travail() as travail:
            choisis = []
            for i in lignes:
                envoye = request.files.get(f"fichier-{i}")
                if envoye is None or not envoye.filename:
                    continue
                chemin = fichiers.ecrire(envoye, travail, i)
                choisis.append(pieces_demandeur.FichierEnvoye(chemin, envoye.filename, types[i]))
            try:
                resultats = pieces_demandeur.envoyer(
                    acces.uow(),
                    acces.compte().id,
                    numero,
                    choisis,
                    fichiers.store(),
                    lambda lot_id: _enqueue(queue, lot_id),
                )
            except SneError as refus:
                erreurs = {k: str(v) for k, v in refus.details.items()} or {
                    "fichier-1": refus.message
                }
                code = 422
        if resultats and not any(r.accepte for r in resultats):
            code = 422
        elif resultats and all(r.accepte for r in resultats):
            types = dict.fromkeys(lignes, "")  # all taken: a blank form for the next ones
    html = render_template(
        "public/pieces.html",
        suivi=suivi,
        lignes=lignes,
        types=types,
        types_piece=pieces_demandeur.TYPES_SIMPLES,
        adresse_papier=pieces_demandeur.ADRESSE_PAPIER,
        erreurs=erreurs,
        resultats=resultats,
    )
    return html, code


def _enqueue(queue: JobQueue, lot_id: int) -> None:
    enqueue_traiter_lot(queue, lot_id)
