"""One demande: its page, and the actions on it (modify, renew, radiate, split, report, print).

Each view reads the form, calls one service and renders or redirects. A
demande the account may not see is "not found" (the error handlers turn the
services' ``NotFound`` and ``Forbidden`` into a 404); any other refusal is shown
beside the fields at fault, with everything typed kept.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces
from guichet_portal.acces import exige
from guichet_portal.securite import aujourd_hui
from portails import cerfa
from scanning.qr_payload import Keyring
from sne import codes
from sne.errors import Forbidden, NotFound, SneError
from sne.services import demandes, doublons, historique, impression, radiation
from sne.services.doublons import DoublonProbable

bp = Blueprint("demandes", __name__, url_prefix="/demandes")
TOUTES = "".join(s.lettre for s in cerfa.SECTIONS)
#: The motifs an agent may pronounce (RADREN is the system's), each with its own form.
MOTIFS = {k: v for k, v in codes.MOTIF_RADIATION.items() if k != "RADREN"}


def _refus(erreur: SneError, *, demande_vue: bool = True) -> tuple[str, dict[str, str]]:
    """Message and fields at fault of a refusal; access refusals go on to the 404 page.

    Once the view has shown the demande to the account (``demande_vue``), a
    ``Forbidden`` can only be about the role (e.g. a manager changing an
    identity): it is shown on the form like any other refusal.
    """
    if isinstance(erreur, NotFound) or (isinstance(erreur, Forbidden) and not demande_vue):
        raise erreur
    return erreur.message, {k: str(v) for k, v in erreur.details.items()}


def _keyring() -> Keyring:
    return cast(Keyring, current_app.extensions["sne.keyring"])


@bp.get("/<numero>")
@exige("consulter")
def voir(numero: str) -> str:
    """Show the demande's sections, its radiation, its history and the actions allowed."""
    vue, evenements = historique.consulter_avec_historique(acces.uow(), acces.acteur(), numero)
    return render_template(
        "guichet/demande.html",
        vue=vue,
        evenements=evenements,
        cotitulaire=any(p["role"] == "cotitulaire" for p in vue.document["personnes"]),
    )


def _pdf(contenu: bytes, nom: str) -> Response:
    """A PDF the browser opens in place."""
    reponse = current_app.response_class(contenu, mimetype="application/pdf")
    reponse.headers["Content-Disposition"] = f'inline; filename="{nom}"'
    return reponse


@bp.get("/<numero>/attestation.pdf")
@exige("imprimer_attestation")
def attestation(numero: str) -> Response | tuple[str, int]:
    """The attestation d'enregistrement (or de renouvellement), opened in the browser."""
    jour = aujourd_hui()
    try:
        pdf = impression.imprimer_attestation(acces.uow(), acces.acteur(), numero, jour, _keyring())
    except SneError as erreur:
        message, _ = _refus(erreur, demande_vue=False)
        return render_template("guichet/refus.html", numero=numero, message=message), 409
    return _pdf(pdf, f"attestation-{numero}-{jour:%Y%m%d}.pdf")


@bp.get("/<numero>/fiche.pdf")
@exige("imprimer_fiche")
def fiche(numero: str) -> Response | tuple[str, int] | str:
    """The fiche récapitulative for pieces mailed by the guichet; asks the counts first."""
    documents, pages = request.args.get("documents", ""), request.args.get("pages", "")
    erreurs: dict[str, str] = {}
    if (documents or pages) and not (documents.isdigit() and pages.isdigit()):
        erreurs = {"documents": "indiquez deux nombres entiers : documents et pages"}
    elif documents or pages:
        jour = aujourd_hui()
        try:
            pdf = impression.imprimer_fiche(
                acces.uow(), acces.acteur(), numero, int(documents), int(pages), jour, _keyring()
            )
        except SneError as erreur:
            message, erreurs = _refus(erreur, demande_vue=False)
            erreurs.setdefault("documents", message)
        else:
            return _pdf(pdf, f"fiche-{numero}-{jour:%Y%m%d}.pdf")
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    code = 422 if erreurs else 200
    html = render_template(
        "guichet/demande_fiche.html", vue=vue, documents=documents, pages=pages, erreurs=erreurs
    )
    return html, code


@bp.route("/<numero>/renouveler", methods=["GET", "POST"])
@exige("renouveler")
def renouveler(numero: str) -> Response | tuple[str, int]:
    """Confirm, then renew: same numéro and ancienneté, valid one more year."""
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    message = None
    if request.method == "POST":
        try:
            faite = demandes.renouveler(
                acces.uow(), acces.acteur(), vue.numero, aujourd_hui=aujourd_hui()
            )
        except SneError as erreur:
            message, _ = _refus(erreur)
        else:
            flash(
                f"Demande renouvelée : valable jusqu'au {faite.date_expiration:%d/%m/%Y}. "
                "Imprimez l'attestation de renouvellement pour le demandeur.",
                "success",
            )
            return redirect(url_for("demandes.voir", numero=vue.numero))
    html = render_template("guichet/demande_renouveler.html", vue=vue, message=message)
    return html, 409 if message else 200


@bp.route("/<numero>/radier", methods=["GET", "POST"])
@exige("radier")
def radier(numero: str) -> Response | tuple[str, int]:
    """Choose the motif, then fill that motif's form (RADATT asks every attribution field)."""
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    motif = request.values.get("motif", "").upper()
    saisie = {k: v.strip() for k, v in request.form.items() if k not in {"csrf_token", "motif"}}
    message, erreurs = None, dict[str, str]()
    if request.method == "POST" and motif in MOTIFS:
        try:
            faite = radiation.radier(
                acces.uow(),
                acces.acteur(),
                vue.numero,
                motif,
                aujourd_hui=aujourd_hui(),
                donnees={k: v for k, v in saisie.items() if v != ""},
            )
        except SneError as erreur:
            message, erreurs = _refus(erreur)
        else:
            flash(
                f"Demande radiée le {faite.date_radiation:%d/%m/%Y} : {MOTIFS[faite.motif]}.",
                "success",
            )
            return redirect(url_for("demandes.voir", numero=vue.numero))
    elif request.method == "POST":
        message, erreurs = "Choisissez le motif de la radiation.", {"motif": "motif à choisir"}
    html = render_template(
        "guichet/demande_radier.html",
        vue=vue,
        motif=motif if motif in MOTIFS else None,
        motifs=MOTIFS,
        saisie=saisie,
        message=message,
        erreurs=erreurs,
    )
    return html, 422 if message else 200


def _formulaire(
    gabarit: str, vue: demandes.DemandeVue, brouillon: dict[str, Any], **contexte: Any
) -> tuple[str, int]:
    """Render a whole-Cerfa form (modification, split) with what was typed."""
    code = 422 if contexte.get("message") or contexte.get("candidats") else 200
    return render_template(gabarit, vue=vue, b=brouillon, **{"e": {}, **contexte}), code


@bp.route("/<numero>/modifier", methods=["GET", "POST"])
@exige("modifier")
def modifier(numero: str) -> Response | tuple[str, int]:
    """Modify any section; an identity change needs a justification and is marked as such."""
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    brouillon = cerfa.brouillon_de(vue.document)
    if request.method == "GET":
        return _formulaire("guichet/demande_modifier.html", vue, brouillon)
    brouillon = cerfa.lire(request.form, brouillon, TOUTES)
    if cerfa.changer_foyer(request.form, brouillon):
        return _formulaire("guichet/demande_modifier.html", vue, brouillon)
    justification = request.form.get("justification", "").strip() or None
    forcer = request.form.get("forcer_doublon", "").strip() or None
    try:
        changes = demandes.modifier(
            acces.uow(),
            acces.acteur(),
            vue.numero,
            cerfa.document(brouillon),
            justification=justification,
            forcer_doublon=forcer,
            aujourd_hui=aujourd_hui(),
        )
    except DoublonProbable as doublon:
        return _formulaire(
            "guichet/demande_modifier.html", vue, brouillon, candidats=doublon.candidats
        )
    except SneError as erreur:
        message, erreurs = _refus(erreur)
        if erreur.code == "JUSTIFICATION_REQUISE":
            erreurs = {"justification": "justification obligatoire pour changer une identité"}
        return _formulaire(
            "guichet/demande_modifier.html", vue, brouillon, message=message, e=erreurs
        )
    flash(
        f"{len(changes)} rubrique(s) modifiée(s)." if changes else "Aucune modification.",
        "success" if changes else "info",
    )
    return redirect(url_for("demandes.voir", numero=vue.numero))


def _scission(document: dict[str, Any]) -> dict[str, Any]:
    """A new demande for the co-holder: the same sections, the co-holder as the applicant."""
    cotitulaire = next(p for p in document["personnes"] if p["role"] == "cotitulaire")
    demandeur = {**cotitulaire, "role": "demandeur", "lien": None}
    return {**document, "personnes": [demandeur]}


@bp.route("/<numero>/scinder", methods=["GET", "POST"])
@exige("scinder")
def scinder(numero: str) -> Response | tuple[str, int]:
    """Split the co-holder off into a new demande keeping the joint filing date."""
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    if not any(p["role"] == "cotitulaire" for p in vue.document["personnes"]):
        flash("Cette demande n'a pas de co-titulaire à séparer.", "error")
        return redirect(url_for("demandes.voir", numero=vue.numero))
    brouillon = cerfa.brouillon_de(_scission(vue.document))
    if request.method == "GET":
        return _formulaire("guichet/demande_scinder.html", vue, brouillon)
    brouillon = cerfa.lire(request.form, brouillon, TOUTES)
    if cerfa.changer_foyer(request.form, brouillon):
        return _formulaire("guichet/demande_scinder.html", vue, brouillon)
    try:
        faite = radiation.scinder(
            acces.uow(),
            acces.acteur(),
            vue.numero,
            cerfa.document(brouillon),
            aujourd_hui=aujourd_hui(),
            justification=request.form.get("justification", ""),
        )
    except SneError as erreur:
        message, erreurs = _refus(erreur)
        if erreur.code == "JUSTIFICATION_REQUISE":
            erreurs = {"justification": "justificatif de la séparation obligatoire"}
        return _formulaire(
            "guichet/demande_scinder.html", vue, brouillon, message=message, e=erreurs
        )
    flash(f"Demande scindée : le co-titulaire a désormais la demande {faite.numero}.", "success")
    return redirect(url_for("demandes.voir", numero=faite.numero))


@bp.route("/<numero>/signaler-doublon", methods=["GET", "POST"])
@exige("signaler_doublon")
def signaler_doublon(numero: str) -> Response | tuple[str, int]:
    """Report this demande and others as suspected duplicates to the territorial manager."""
    vue = demandes.consulter(acces.uow(), acces.acteur(), numero)
    autres = request.form.get("autres", "")
    commentaire = request.form.get("commentaire", "")
    message, erreurs = None, dict[str, str]()
    if request.method == "POST":
        numeros = [vue.numero, *(n for n in autres.replace(";", ",").split(",") if n.strip())]
        try:
            doublons.signaler(
                acces.uow(),
                acces.acteur(),
                [n.replace(" ", "") for n in numeros],
                commentaire=commentaire,
            )
        except (NotFound, Forbidden):
            message = "Un des numéros ne désigne aucune demande de votre territoire."
            erreurs = {"autres": "vérifiez les numéros uniques saisis"}
        except SneError as erreur:
            message, erreurs = _refus(erreur)
            erreurs.setdefault("autres", message)
        else:
            flash("Doublon signalé au gestionnaire territorial.", "success")
            return redirect(url_for("demandes.voir", numero=vue.numero))
    html = render_template(
        "guichet/demande_signaler.html",
        vue=vue,
        autres=autres,
        commentaire=commentaire,
        message=message,
        erreurs=erreurs,
    )
    return html, 422 if message else 200
