"""File a new demande online: the Cerfa sections in short steps, the identity piece, the check.

The draft is saved in the database at every step (``sne.services.depot_en_ligne``)
so the applicant resumes it later, from any device; the steps themselves are
the guichet's (``portails.etapes`` and the ``ui/cerfa.html`` macros). Every
view acts on the signed-in account's own draft only: no identifier of a draft
or a demande is ever read from the URL or the form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import fichiers
from portails import cerfa, etapes
from portails.sessions import aujourd_hui
from public_portal import acces
from public_portal.acces import connecte
from sne.errors import SneError, ValidationError
from sne.services import brouillons, depot_en_ligne
from sne.services.pieces_demandeur import MOTS_SIMPLES
from workers.enqueue import enqueue_traiter_lot

bp = Blueprint("depot", __name__, url_prefix="/deposer")
PIECE = "piece"
VERIFICATION = "verification"
#: A phone photo of an identity card before recompression (the pipeline brings it under 2 MB).
LIMITE_PIECE = 10 * 1024 * 1024
fichiers.limiter_envois(bp, {"piece": LIMITE_PIECE})
TYPES_IDENTITE = {code: MOTS_SIMPLES[code] for code in depot_en_ligne.PIECES_IDENTITE}
Page = tuple[str, int]


def _brouillon() -> brouillons.Brouillon | None:
    return brouillons.reprendre(acces.uow(), acces.compte().id)


def _ferme(refus: SneError) -> Page:
    """The French page saying online filing is closed here (no GDPUB guichet)."""
    page = current_app.extensions["sne.page_erreur"]
    html, _ = page(503, "Dépôt en ligne indisponible", refus.message)
    return html, 503


@bp.get("")
@connecte
def debut() -> str | Page:
    """What filing online asks for, and start, resume or delete the draft."""
    try:
        depot_en_ligne.guichet_en_ligne(acces.uow())
    except depot_en_ligne.SansGuichetEnLigne as refus:
        return _ferme(refus)
    return render_template("public/depot_debut.html", brouillon=_brouillon())


@bp.post("")
@connecte
def commencer() -> Response:
    """Start a new draft (the account's address as contact e-mail), or resume the one kept."""
    brouillon = _brouillon()
    if brouillon is None:
        contenu = {**cerfa.vide(), "email": acces.compte().email}
        brouillons.garder(acces.uow(), acces.compte().id, contenu, "a")
        return redirect(url_for("depot.etape", lettre="a"))
    return redirect(_adresse(brouillon.etape))


@bp.post("/supprimer")
@connecte
def supprimer() -> Response:
    """Delete the draft and its piece."""
    brouillons.supprimer(acces.uow(), acces.compte().id, fichiers.store())
    flash("Votre demande en cours est supprimée.", "success")
    return redirect(url_for("accueil.index"))


def _adresse(etape: str) -> str:
    if etape == PIECE:
        return url_for("depot.piece")
    if etape == VERIFICATION:
        return url_for("depot.verification")
    return url_for("depot.etape", lettre=etape)


def _page(lettre: str, b: dict[str, Any], erreurs: dict[str, str], code: int = 200) -> Page:
    toutes = etapes.lettres(b)
    html = render_template(
        "public/depot_etape.html",
        section=cerfa.PAR_LETTRE[lettre],
        numero=toutes.index(lettre) + 1,
        total=len(toutes) + 2,
        suivante=etapes.suivante(b, lettre) or "Votre pièce d'identité",
        premiere=lettre == toutes[0],
        b=b,
        e=erreurs,
    )
    return html, code


@bp.route("/etape/<lettre>", methods=["GET", "POST"])
@connecte
def etape(lettre: str) -> Response | Page:
    """One Cerfa section: show it, or save what was typed and go where the button says."""
    brouillon = _brouillon()
    if brouillon is None:
        return redirect(url_for("depot.debut"))
    b = brouillon.contenu
    lettre = etapes.etape_valide(b, lettre)
    if request.method == "GET":
        return _page(lettre, b, {})
    b, pressee = etapes.lire(request.form, b, lettre)
    suite = etapes.aller(request.form, b, lettre, aujourd_hui(), PIECE)
    cible = lettre if pressee or suite.cible is None else suite.cible
    brouillons.garder(acces.uow(), acces.compte().id, b, cible)
    if pressee:
        return _page(lettre, b, {})
    if suite.cible is None:
        return _page(lettre, b, suite.fautes, 422)
    return redirect(_adresse(suite.cible))


@bp.route("/piece", methods=["GET", "POST"])
@connecte
def piece() -> Response | Page:
    """The identity or residence piece the law requires: checked at once, kept with the draft."""
    brouillon = _brouillon()
    if brouillon is None:
        return redirect(url_for("depot.debut"))
    erreurs: dict[str, str] = {}
    type_piece = request.form.get("type_piece", "")
    if request.method == "POST":
        if "precedente" in request.form:
            return redirect(url_for("depot.etape", lettre=etapes.lettres(brouillon.contenu)[-1]))
        envoye = request.files.get("fichier")
        deja = bool(brouillon.contenu.get(brouillons.PIECE_BROUILLON))
        if (envoye is None or not envoye.filename) and deja:
            brouillons.garder(acces.uow(), acces.compte().id, brouillon.contenu, VERIFICATION)
            return redirect(url_for("depot.verification"))
        if envoye is None or not envoye.filename:
            erreurs = {"fichier": "choisissez le fichier de votre pièce"}
        else:
            with fichiers.dossier_travail() as travail:
                chemin = fichiers.ecrire(envoye, travail, 1)
                try:
                    depot_en_ligne.garder_piece(
                        acces.uow(),
                        acces.compte().id,
                        chemin,
                        envoye.filename,
                        type_piece,
                        fichiers.store(),
                    )
                except ValidationError as refus:
                    erreurs = refus.problems
            if not erreurs:
                brouillon = _brouillon()
                assert brouillon is not None
                brouillons.garder(acces.uow(), acces.compte().id, brouillon.contenu, VERIFICATION)
                return redirect(url_for("depot.verification"))
    html = render_template(
        "public/depot_piece.html",
        total=len(etapes.lettres(brouillon.contenu)) + 2,
        types=TYPES_IDENTITE,
        type_piece=type_piece
        or (brouillon.contenu.get(brouillons.PIECE_BROUILLON) or {}).get("type", ""),
        deja=brouillon.contenu.get(brouillons.PIECE_BROUILLON),
        erreurs=erreurs,
    )
    return html, 422 if erreurs else 200


def _enqueue(lot_id: int) -> None:
    enqueue_traiter_lot(acces.queue(), lot_id)


@bp.route("/verification", methods=["GET", "POST"])
@connecte
def verification() -> Response | Page:
    """Everything left to correct, the summary, then filing (numbered at once)."""
    brouillon = _brouillon()
    if brouillon is None:
        return redirect(url_for("depot.debut"))
    b = brouillon.contenu
    jour = aujourd_hui()
    verifie = etapes.bilan(b, jour)
    fautes = verifie.fautes
    erreur = None
    code = 200
    if request.method == "POST" and not fautes:
        try:
            faite = depot_en_ligne.deposer(
                acces.uow(),
                acces.compte().id,
                cerfa.document(b),
                jour,
                fichiers.store(),
                _enqueue,
            )
        except depot_en_ligne.SansGuichetEnLigne as refus:
            return _ferme(refus)
        except depot_en_ligne.DejaInscrit as refus:
            return render_template("public/depot_deja.html", message=refus.message), 409
        except SneError as refus:
            erreur, code = refus.message, 422
        else:
            flash(
                f"Votre demande est enregistrée sous le numéro unique {faite.numero}. "
                "Téléchargez votre attestation d'enregistrement ci-dessous.",
                "success",
            )
            return redirect(url_for("espace.demande", numero=faite.numero))
    html = render_template(
        "public/depot_verification.html",
        total=len(etapes.lettres(b)) + 2,
        fautes=fautes,
        a_corriger=verifie.a_corriger,
        document=verifie.document,
        b=b,
        piece=b.get(brouillons.PIECE_BROUILLON),
        types=TYPES_IDENTITE,
        erreur=erreur,
        expire_le=brouillon.expire_le,
    )
    return html, 422 if request.method == "POST" and (fautes or erreur) else code
