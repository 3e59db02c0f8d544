"""Professional deposits: scanned PDFs a guichet deposits, processed by the workers, followed live.

The deposit becomes a lot (``sne.services.depots``); its page shows the
progress (pages done, dossiers attached, held for review), refreshed by a small
static script polling ``/depots/<id>/etat.json``, or by a plain link without
JavaScript.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, fichiers
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from scanning.qr_payload import Keyring
from sne import codes
from sne.errors import Forbidden, NotFound, SneError
from sne.services import depots, lots
from workers.enqueue import JobQueue, enqueue_traiter_lot

bp = Blueprint("depots", __name__, url_prefix="/depots")
#: Body limit of the deposit form: the 18 MB file and the form's few fields.
LIMITE_FORMULAIRE = depots.LIMITE_DEPOT + 64 * 1024
MODES = {
    "plusieurs": "Plusieurs demandes dans un PDF, chacune derrière sa fiche récapitulative imprimée",
    "une": "Les pièces d'une seule demande, sans fiche (le portail l'associe à la demande)",
}
fichiers.limiter_envois(bp, {"nouveau": LIMITE_FORMULAIRE})
#: Lot statuses after which nothing moves any more.
FINIS = ("traite", "a_revoir", "erreur", "clos")


@bp.get("")
@exige("deposer_pieces")
def liste() -> str:
    """The guichet's latest deposits, each linked to its progress page."""
    depots_faits = depots.lister(acces.uow(), acces.acteur())
    return render_template("guichet/depots/liste.html", depots=depots_faits)


@bp.route("/nouveau", methods=["GET", "POST"])
@exige("deposer_pieces")
def nouveau() -> Response | tuple[str, int]:
    """The deposit form: the file, and for one demande its numéro and document count."""
    mode = request.form.get("mode", "plusieurs")
    numero = request.form.get("numero", "").strip().upper()
    documents = request.form.get("documents", "").strip()
    erreurs: dict[str, str] = {}
    if request.method == "POST":
        envoye = request.files.get("fichier")
        if mode not in MODES:
            erreurs["mode"] = "choisissez le genre de dépôt"
        if envoye is None or not envoye.filename:
            erreurs["fichier"] = "choisissez le fichier PDF à déposer"
        if mode == "une" and not numero:
            erreurs["numero"] = "indiquez le numéro unique de la demande"
        if documents and not documents.isdigit():
            erreurs["documents"] = "indiquez un nombre entier"
        if not erreurs and envoye is not None:
            queue = acces.queue()
            with fichiers.dossier_travail() as travail:
                chemin = fichiers.ecrire(envoye, travail, 0)
                try:
                    recu = depots.deposer(
                        acces.uow(),
                        acces.acteur(),
                        chemin,
                        store=fichiers.store(),
                        enqueue=lambda lot_id: _enqueue(queue, lot_id),
                        keyring=cast(Keyring, current_app.extensions["sne.keyring"]),
                        aujourd_hui=aujourd_hui(),
                        travail=travail,
                        numero=numero if mode == "une" else None,
                        nb_documents=int(documents) if documents else None,
                    )
                except lots.LotInvalide as erreur:
                    erreurs["fichier"] = erreur.message
                except (NotFound, Forbidden):  # another territory's numéro reads as unknown
                    erreurs["numero"] = (
                        f"Aucune demande que vous puissiez consulter ne porte le numéro {numero}."
                    )
                except SneError as erreur:
                    erreurs["numero" if mode == "une" else "fichier"] = erreur.message
                else:
                    return redirect(url_for("depots.suivre", lot_id=recu.id))
    html = render_template(
        "guichet/depots/nouveau.html",
        modes=MODES,
        mode=mode,
        numero=numero,
        documents=documents,
        erreurs=erreurs,
        limite=depots.LIMITE_DEPOT // (1024 * 1024),
    )
    return html, 422 if erreurs else 200


def _enqueue(queue: JobQueue, lot_id: int) -> None:
    enqueue_traiter_lot(queue, lot_id)


def _etat(lot_id: int) -> dict[str, Any]:
    etat = lots.consulter(acces.uow(), acces.acteur(), lot_id)
    return {
        "id": etat.id,
        "fichier": etat.nom_fichier,
        "statut": etat.statut,
        "statut_libelle": codes.libelle(codes.STATUT_LOT, etat.statut),
        "fini": etat.statut in FINIS,
        "pages_total": etat.pages_total,
        "pages_faites": etat.pages_faites,
        "dossiers_total": etat.dossiers_total,
        "dossiers_rattaches": sum(1 for d in etat.dossiers if d.statut == "rattache"),
        "dossiers_en_attente": sum(1 for d in etat.dossiers if d.statut == "en_attente"),
        "dossiers_rejetes": sum(1 for d in etat.dossiers if d.statut == "rejete"),
        "erreur": etat.erreur,
        "dossiers": [
            {
                "numero": d.numero,
                "statut": codes.libelle(codes.STATUT_DOSSIER, d.statut),
                "motif": d.motif,
                "pages": d.nb_pages,
                "pieces": d.pieces,
            }
            for d in etat.dossiers
        ],
        "recu_le": etat.recu_le.isoformat(),
        "echeance": etat.echeance.isoformat(),
    }


@bp.get("/<int:lot_id>")
@exige("deposer_pieces")
def suivre(lot_id: int) -> str:
    """The deposit's progress: pages done, dossiers attached and held for review."""
    return render_template("guichet/depots/suivi.html", etat=_etat(lot_id))


@bp.get("/<int:lot_id>/etat.json")
@exige("deposer_pieces")
def etat(lot_id: int) -> Response:
    """The deposit's progress for the page's script."""
    reponse = jsonify(_etat(lot_id))
    reponse.headers["Cache-Control"] = "no-store"
    return reponse
