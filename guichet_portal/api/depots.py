"""Deposits over the API: a PDF of scanned dossiers, each behind its fiche récapitulative.

The body is the PDF itself (``Content-Type: application/pdf``, 18 MB at most);
it becomes a lot of the ``depot_professionnel`` channel processed by the
workers, whose progress ``GET /lots/{id}`` follows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, cast

from flask import current_app, request

from guichet_portal import acces
from guichet_portal.api import problemes, schemas
from guichet_portal.api.contrat import operation
from guichet_portal.api.porteur import courant
from sne.config import Settings
from sne.services import lots
from sne.stockage import store_for
from workers.enqueue import JobQueue, enqueue_traiter_lot
from workers.queue import make_queue

#: Largest deposit (the digitiser's limit per dossier deposited on the professional portal).
LIMITE_DEPOT = 18 * 1024 * 1024
CANAL = "depot_professionnel"


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["sne.settings"])


def _queue() -> JobQueue:
    """The jobs' queue of the portal (Redis when configured, else in-process), built once."""
    queue = current_app.extensions.get("sne.queue")
    if queue is None:
        queue = make_queue(_settings())
        current_app.extensions["sne.queue"] = queue
    return cast(JobQueue, queue)


@operation(
    "POST",
    "/lots",
    resume="Déposer un PDF de dossiers numérisés, chacun derrière sa fiche récapitulative "
    "(18 Mo au plus) ; suivre ensuite son avancement",
    portee="pieces",
    statut=202,
    reponse=schemas.LotSchema,
    fichier_entree=("application/pdf",),
    taille_max=LIMITE_DEPOT,
)
def deposer() -> Any:
    """Take the PDF in as a lot of the token's guichet; processing is queued."""
    if request.mimetype != "application/pdf":
        return problemes.probleme(
            415, detail="Envoyez le PDF tel quel (Content-Type: application/pdf)."
        )
    nom = Path(request.args.get("nom") or "depot.pdf").name or "depot.pdf"
    if not nom.lower().endswith(".pdf"):
        nom += ".pdf"
    queue = _queue()

    def mettre_en_file(lot_id: int) -> None:
        enqueue_traiter_lot(queue, lot_id)

    with tempfile.TemporaryDirectory(dir=_travail()) as dossier:
        fichier = Path(dossier) / nom
        fichier.write_bytes(request.get_data())
        recu = lots.deposer(
            acces.uow(),
            courant().acteur,
            fichier,
            canal=CANAL,
            storage=store_for(_settings()),
            enqueue=mettre_en_file,
        )
    return schemas.LotSchema().dump(lots.consulter(acces.uow(), courant().acteur, recu.id))


def _travail() -> Path:
    dossier = _settings().var_dir / "tmp"
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier
