"""The territorial manager's console (/gestion): accounts, audit trail, complaints about radiations.

Each view reads the form, calls one service with the signed-in ``Acteur`` and
renders or redirects; the services check roles and territory (an object of
another territory is "not found").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from guichet_portal import acces, libelles
from guichet_portal.acces import exige, public
from guichet_portal.recherche import lire_date
from guichet_portal.securite import aujourd_hui
from sne import codes
from sne.acteurs import Acteur
from sne.config import Settings
from sne.errors import Forbidden, NotFound, SneError
from sne.mail import envoyeur
from sne.services import audit, doublons, gestion_comptes, guichets, reclamations, referentiel
from sne.services import demandes as demandes_service

bp = Blueprint("gestion", __name__, url_prefix="/gestion")
#: Roles a territorial manager may give (an administrator may give any).
ROLES_DU_TERRITOIRE = ("agent_guichet", *sorted(referentiel.ROLES_DE_TERRITOIRE))


def _erreurs(erreur: SneError) -> dict[str, str]:
    """The fields at fault of a refusal (access refusals go on to the 404 page)."""
    if isinstance(erreur, NotFound | Forbidden):
        raise erreur
    return {k: str(v) for k, v in erreur.details.items()}


def _roles() -> dict[str, str]:
    if acces.acteur().role == "administrateur":
        return dict(codes.ROLE)
    return {role: codes.libelle(codes.ROLE, role) for role in ROLES_DU_TERRITOIRE}


@bp.get("")
@exige("gerer_utilisateurs")
def accueil() -> str:
    """The console's home: one link per area."""
    return render_template("guichet/gestion/accueil.html")


@bp.get("/comptes")
@exige("gerer_utilisateurs")
def comptes() -> str:
    """The territory's accounts, or only those the periodic review lists."""
    revue = request.args.get("revue") == "1"
    liste = gestion_comptes.lister(acces.uow(), acces.acteur(), aujourd_hui(), a_revoir=revue)
    return render_template("guichet/gestion/comptes.html", comptes=liste, revue=revue)


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@exige("gerer_utilisateurs")
def ouvrir_compte() -> Response | tuple[str, int]:
    """Open an account with a role and a guichet (or the territory) and a provisional password."""
    acteur = acces.acteur()
    saisie = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            login = _ouvrir(acteur, saisie, request.form.get("mot_de_passe", ""))
        except SneError as erreur:
            erreurs, message = _erreurs(erreur), erreur.message
        else:
            flash(
                f"Compte « {login} » ouvert. "
                + (
                    "Son titulaire choisira son mot de passe à la première connexion."
                    if request.form.get("mot_de_passe")
                    else "Un lien pour choisir son mot de passe lui a été envoyé par courriel."
                ),
                "success",
            )
            return redirect(url_for("gestion.compte", login=login))
    liste = guichets.lister(acces.uow(), acteur.territoire_code or "")
    html = render_template(
        "guichet/gestion/compte_nouveau.html",
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        roles=_roles(),
        guichets={g.code: f"{g.code} — {g.nom}" for g in liste},
    )
    return html, 422 if message else 200


def _ouvrir(acteur: Acteur, saisie: dict[str, str], mot_de_passe: str) -> str:
    """Open the account: with the provisional password typed, or else by a mailed link."""
    if mot_de_passe:
        return referentiel.creer_utilisateur(
            acces.uow(),
            acteur,
            login=saisie.get("login", ""),
            nom=saisie.get("nom", ""),
            prenom=saisie.get("prenom", ""),
            role=saisie.get("role", ""),
            mot_de_passe=mot_de_passe,
            email=saisie.get("email") or None,
            guichet=saisie.get("guichet") or None,
            territoire=acteur.territoire_code,
        ).login
    settings = cast(Settings, current_app.extensions["sne.settings"])
    return gestion_comptes.ouvrir_par_lien(
        acces.uow(),
        acteur,
        login=saisie.get("login", ""),
        nom=saisie.get("nom", ""),
        prenom=saisie.get("prenom", ""),
        role=saisie.get("role", ""),
        email=saisie.get("email", ""),
        guichet=saisie.get("guichet") or None,
        adresse_activation=_adresse_activation,
        envoyer=envoyeur(settings),
        expediteur=settings.mail_from,
    )


@bp.route("/activation/<jeton>", methods=["GET", "POST"])
@public
def activation(jeton: str) -> Response | tuple[str, int]:
    """The single-use link of a new account: its owner chooses the password."""
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            login = gestion_comptes.activer(
                acces.uow(),
                jeton,
                request.form.get("nouveau", ""),
                request.form.get("confirmation", ""),
            )
        except SneError as erreur:
            erreurs, message = {k: str(v) for k, v in erreur.details.items()}, erreur.message
        else:
            flash(
                f"Mot de passe choisi : connectez-vous avec l'identifiant « {login} ».", "success"
            )
            return redirect(url_for("auth.connexion"))
    html = render_template("guichet/gestion/activation.html", erreurs=erreurs, message=message)
    return html, 422 if message else 200


@bp.get("/comptes/<login>")
@exige("gerer_utilisateurs")
def compte(login: str) -> str:
    """One account: its role, guichet, last sign-in; change its role or close it."""
    vu = gestion_comptes.consulter(acces.uow(), acces.acteur(), login, aujourd_hui())
    return render_template(
        "guichet/gestion/compte.html", compte=vu, roles=_roles(), erreurs={}, saisie={}
    )


@bp.post("/comptes/<login>/role")
@exige("gerer_utilisateurs")
def changer_role(login: str) -> Response | tuple[str, int]:
    """Give the account another role (it signs in again)."""
    role, motif = request.form.get("role", ""), request.form.get("motif", "")
    try:
        gestion_comptes.changer_role(acces.uow(), acces.acteur(), login, role, motif)
    except SneError as erreur:
        return _compte_refuse(login, erreur, {"role": role, "motif_role": motif}, "role")
    flash(f"Rôle du compte « {login} » : {codes.libelle(codes.ROLE, role)}.", "success")
    return redirect(url_for("gestion.compte", login=login))


@bp.post("/comptes/<login>/lien")
@exige("gerer_utilisateurs")
def renvoyer_lien(login: str) -> Response | tuple[str, int]:
    """Mail a new activation link (the previous one, expired or lost, stops working)."""
    settings = cast(Settings, current_app.extensions["sne.settings"])
    try:
        gestion_comptes.renvoyer_lien(
            acces.uow(),
            acces.acteur(),
            login,
            adresse_activation=_adresse_activation,
            envoyer=envoyeur(settings),
            expediteur=settings.mail_from,
        )
    except SneError as erreur:
        return _compte_refuse(login, erreur, {}, "lien")
    flash(
        f"Un nouveau lien d'activation a été envoyé au titulaire du compte « {login} ».", "success"
    )
    return redirect(url_for("gestion.compte", login=login))


def _adresse_activation(jeton: str) -> str:
    """The address of an activation link, as its owner opens it."""
    return url_for("gestion.activation", jeton=jeton, _external=True)


@bp.post("/comptes/<login>/fermer")
@exige("gerer_utilisateurs")
def fermer_compte(login: str) -> Response | tuple[str, int]:
    """Close the account at once: its open sessions end."""
    motif = request.form.get("motif", "")
    try:
        gestion_comptes.fermer(acces.uow(), acces.acteur(), login, motif)
    except SneError as erreur:
        return _compte_refuse(login, erreur, {"motif_fermeture": motif}, "fermeture")
    flash(f"Compte « {login} » fermé : ses sessions ouvertes sont terminées.", "success")
    return redirect(url_for("gestion.compte", login=login))


def _compte_refuse(
    login: str, erreur: SneError, saisie: dict[str, str], formulaire: str
) -> tuple[str, int]:
    """The account page again, with the refusal beside the form that caused it."""
    erreurs = _erreurs(erreur)
    if "motif" in erreurs:
        erreurs[f"motif_{formulaire}"] = erreurs.pop("motif")
    vu = gestion_comptes.consulter(acces.uow(), acces.acteur(), login, aujourd_hui())
    html = render_template(
        "guichet/gestion/compte.html",
        compte=vu,
        roles=_roles(),
        erreurs=erreurs,
        saisie=saisie,
        message=erreur.message,
    )
    return html, 422


@bp.get("/audit")
@exige("auditer")
def journal() -> str:
    """The audit trail, filtered by person, guichet and dates."""
    saisie = {k: request.args.get(k, "").strip() for k in ("personne", "guichet", "du", "au")}
    erreurs = {
        k: "date illisible : écrivez-la JJ/MM/AAAA"
        for k in ("du", "au")
        if saisie[k] and lire_date(saisie[k]) is None
    }
    filtres = audit.Filtres(
        personne=saisie["personne"] or None,
        guichet=saisie["guichet"] or None,
        du=None if erreurs else _date(saisie["du"]),
        au=None if erreurs else _date(saisie["au"]),
    )
    page = audit.journal(
        acces.uow(), acces.acteur(), filtres, request.args.get("page", 1, type=int) or 1
    )

    def adresse(n: int) -> str:
        valeurs: dict[str, Any] = {**{k: v for k, v in saisie.items() if v}, "page": n}
        return url_for("gestion.journal", **valeurs)

    return render_template(
        "guichet/gestion/audit.html", page=page, saisie=saisie, erreurs=erreurs, adresse=adresse
    )


def _date(texte: str) -> date | None:
    return lire_date(texte) if texte else None


@bp.get("/audit/verification")
@exige("auditer")
def verification() -> str:
    """Verify the history's hash chains and say where they break."""
    bilan = audit.verifier(acces.uow(), acces.acteur())
    return render_template("guichet/gestion/verification.html", bilan=bilan)


@bp.get("/reclamations")
@exige("traiter_reclamations")
def reclamations_index() -> Response | str:
    """Ask the numéro of the radiated demande the complaint is about."""
    numero = request.args.get("numero", "").replace(" ", "").upper()
    if numero:
        return redirect(url_for("gestion.reclamation", numero=numero))
    return render_template("guichet/gestion/reclamations.html")


@bp.route("/reclamations/<numero>", methods=["GET", "POST"])
@exige("traiter_reclamations")
def reclamation(numero: str) -> Response | tuple[str, int]:
    """Show why and how the demande was radiated; reactivate it or refuse with a reason."""
    acteur, jour = acces.acteur(), aujourd_hui()
    dossier = reclamations.dossier(acces.uow(), acteur, numero, jour)
    saisie = {k: request.form.get(k, "").strip() for k in ("justification", "motif")}
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            if request.form.get("reponse") == "reactiver":
                expiration = reclamations.reactiver(
                    acces.uow(), acteur, dossier.numero, saisie["justification"], jour
                )
                flash(
                    f"Demande réactivée (même numéro, même ancienneté), valable jusqu'au "
                    f"{expiration:%d/%m/%Y}.",
                    "success",
                )
            else:
                reclamations.refuser(acces.uow(), acteur, dossier.numero, saisie["motif"])
                flash("Réclamation refusée : la raison est tracée sur la demande.", "success")
        except SneError as erreur:
            erreurs, message = _erreurs(erreur), erreur.message
        else:
            return redirect(url_for("gestion.reclamation", numero=dossier.numero))
    html = render_template(
        "guichet/gestion/reclamation.html",
        dossier=dossier,
        saisie=saisie,
        erreurs=erreurs,
        message=message,
    )
    return html, 422 if message else 200


@bp.get("/doublons")
@exige("balayer_doublons")
def doublons_index() -> str:
    """The sweep's groups of probable duplicates of the territory, surest first."""
    acteur = acces.acteur()
    groupes = doublons.balayer(acces.uow(), acteur, acteur.territoire_code or "")
    return render_template("guichet/gestion/doublons.html", groupes=groupes)


def _numeros() -> list[str]:
    return [n for n in request.values.getlist("n") if n.strip()]


def _choix(numeros: list[str]) -> dict[str, str]:
    """The field-by-field choices sent (``champ_<field>`` = numéro), the survivor's left out."""
    return {
        cle.removeprefix("champ_"): valeur
        for cle, valeur in request.form.items()
        if cle.startswith("champ_") and valeur in numeros
    }


@bp.get("/doublons/groupe")
@exige("fusionner")
def doublon_groupe() -> str:
    """The group side by side: choose, field by field, which demande's value to keep."""
    comparaison = doublons.comparer(acces.uow(), acces.acteur(), _numeros())
    return render_template(
        "guichet/gestion/doublon_groupe.html",
        c=comparaison,
        choix={},
        erreurs={},
        saisie={},
        libelle_champ=libelles.libelle,
        signalement=request.args.get("signalement", type=int),
    )


@bp.post("/doublons/fusion")
@exige("fusionner")
def doublon_fusion() -> Response | tuple[str, int]:
    """Show what the merge will change, then merge once confirmed (with a justification)."""
    acteur, numeros = acces.acteur(), _numeros()
    choix, justification = _choix(numeros), request.form.get("justification", "").strip()
    confirmer = request.form.get("confirmer") == "1"
    signalement = request.form.get("signalement", type=int)
    try:
        faite = doublons.fusionner(
            acces.uow(),
            acteur,
            numeros,
            donnees=choix,
            justification=justification,
            signalement=signalement,
            justification_requise=True,
            simuler=not confirmer,
        )
    except SneError as erreur:
        comparaison = doublons.comparer(acces.uow(), acteur, numeros)
        html = render_template(
            "guichet/gestion/doublon_groupe.html",
            c=comparaison,
            choix=choix,
            erreurs=_erreurs(erreur),
            saisie={"justification": justification},
            message=erreur.message,
            libelle_champ=libelles.libelle,
            signalement=signalement,
        )
        return html, 422
    if confirmer:
        flash(
            f"Demandes {', '.join(faite.absorbees)} fusionnées dans {faite.survivante} "
            "(qui garde son numéro et son ancienneté).",
            "success",
        )
        return redirect(url_for("gestion.doublons_index"))
    html = render_template(
        "guichet/gestion/doublon_confirmation.html",
        faite=faite,
        numeros=numeros,
        choix=choix,
        justification=justification,
        libelle_champ=libelles.libelle,
        signalement=signalement,
    )
    return html, 200


@bp.get("/signalements")
@exige("traiter_signalements")
def signalements() -> str:
    """The guichets' open duplicate reports: merge the group, or refuse with a reason."""
    acteur = acces.acteur()
    liste = doublons.lister_signalements(
        acces.uow(), acteur, territoire=acteur.territoire_code or ""
    )
    return render_template("guichet/gestion/signalements.html", signalements=liste, erreurs={})


@bp.post("/signalements/<int:ident>/refuser")
@exige("traiter_signalements")
def refuser_signalement(ident: int) -> Response | tuple[str, int]:
    """Refuse a report (not the same person) with the reason the reporting guichet will read."""
    acteur = acces.acteur()
    conclusion = request.form.get("conclusion", "")
    try:
        doublons.clore_signalement(acces.uow(), acteur, ident, conclusion=conclusion, rejete=True)
    except SneError as erreur:
        if isinstance(erreur, NotFound | Forbidden):
            raise
        liste = doublons.lister_signalements(
            acces.uow(), acteur, territoire=acteur.territoire_code or ""
        )
        html = render_template(
            "guichet/gestion/signalements.html",
            signalements=liste,
            erreurs={f"conclusion-{ident}": erreur.message},
        )
        return html, 422
    flash(f"Signalement n° {ident} refusé : le guichet verra votre réponse.", "success")
    return redirect(url_for("gestion.signalements"))


@bp.get("/forcages")
@exige("suivre_doublons_forces")
def forcages() -> str:
    """Forced duplicates per guichet over a period, with justifications; abnormal rates flagged."""
    acteur, jour = acces.acteur(), aujourd_hui()
    saisie = {k: request.args.get(k, "").strip() for k in ("du", "au")}
    erreurs = {
        k: "date illisible : écrivez-la JJ/MM/AAAA"
        for k in ("du", "au")
        if saisie[k] and lire_date(saisie[k]) is None
    }
    du = (None if erreurs else _date(saisie["du"])) or jour - timedelta(days=90)
    au = (None if erreurs else _date(saisie["au"])) or jour
    suivi = None
    try:
        suivi = doublons.suivre_forcages(
            acces.uow(), acteur, territoire=acteur.territoire_code or "", du=du, au=au
        )
    except SneError as erreur:
        erreurs.update(_erreurs(erreur) or {"au": erreur.message})
    return render_template(
        "guichet/gestion/forcages.html", suivi=suivi, saisie=saisie, erreurs=erreurs
    )


@bp.post("/doublons/ecarter")
@exige("fusionner")
def doublon_ecarter() -> Response | tuple[str, int]:
    """Judge the group "not the same person", with a reason: the sweep stops showing it."""
    acteur, numeros = acces.acteur(), _numeros()
    motif = request.form.get("motif_ecart", "").strip()
    try:
        doublons.ecarter(acces.uow(), acteur, numeros, motif)
    except SneError as erreur:
        html = render_template(
            "guichet/gestion/doublon_groupe.html",
            c=doublons.comparer(acces.uow(), acteur, numeros),
            choix={},
            erreurs=_erreurs(erreur),
            saisie={"motif_ecart": motif},
            message=erreur.message,
            libelle_champ=libelles.libelle,
            signalement=None,
        )
        return html, 422
    flash("Groupe écarté : ces demandes ne seront plus proposées comme doublons.", "success")
    return redirect(url_for("gestion.doublons_index"))


@bp.get("/guichets")
@exige("gerer_guichets")
def guichets_index() -> str:
    """The territory's guichets, open and closed."""
    return render_template(
        "guichet/gestion/guichets.html",
        guichets=guichets.gerer(acces.uow(), acces.acteur()),
        types=dict(codes.TYPE_GUICHET),
    )


@bp.route("/guichets/nouveau", methods=["GET", "POST"])
@exige("gerer_guichets")
def guichet_nouveau() -> Response | tuple[str, int]:
    """Create a guichet of the manager's territory."""
    acteur = acces.acteur()
    saisie = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            code = referentiel.creer_guichet(
                acces.uow(),
                acteur,
                code=saisie.get("code", ""),
                nom=saisie.get("nom", ""),
                type=saisie.get("type", ""),
                territoire=acteur.territoire_code or "",
                referent_email=saisie.get("referent_email") or None,
                adresse=saisie.get("adresse") or None,
            )
            if saisie.get("horaires"):
                guichets.modifier(acces.uow(), acteur, code, {**saisie, "code": code})
        except SneError as erreur:
            erreurs, message = _erreurs(erreur), erreur.message
        else:
            flash(f"Guichet {code} créé.", "success")
            return redirect(url_for("gestion.guichet", code=code))
    html = render_template(
        "guichet/gestion/guichet.html",
        g=None,
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        types=dict(codes.TYPE_GUICHET),
    )
    return html, 422 if message else 200


@bp.route("/guichets/<code>", methods=["GET", "POST"])
@exige("gerer_guichets")
def guichet(code: str) -> Response | tuple[str, int]:
    """Edit a guichet's name, kind, address, opening hours and référent e-mail."""
    acteur = acces.acteur()
    vu = guichets.consulter(acces.uow(), acteur, code)
    saisie = (
        {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
        if request.method == "POST"
        else {k: getattr(vu, k) for k in guichets.MODIFIABLES}
    )
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        try:
            faits = guichets.modifier(acces.uow(), acteur, vu.code, saisie)
        except SneError as erreur:
            erreurs, message = _erreurs(erreur), erreur.message
        else:
            flash(
                f"Guichet {vu.code} : {len(faits)} rubrique(s) modifiée(s)."
                if faits
                else "Aucune modification.",
                "success" if faits else "info",
            )
            return redirect(url_for("gestion.guichet", code=vu.code))
    html = render_template(
        "guichet/gestion/guichet.html",
        g=vu,
        saisie=saisie,
        erreurs=erreurs,
        message=message,
        types=dict(codes.TYPE_GUICHET),
    )
    return html, 422 if message else 200


@bp.post("/guichets/<code>/fermer")
@exige("gerer_guichets")
def guichet_fermer(code: str) -> Response | tuple[str, int]:
    """Close the guichet, with a reason."""
    try:
        guichets.fermer(acces.uow(), acces.acteur(), code, request.form.get("motif", ""))
    except SneError as erreur:
        _erreurs(erreur)
        flash(erreur.message, "error")
        return redirect(url_for("gestion.guichet", code=code))
    flash(f"Guichet {code.upper()} fermé : ses agents ne peuvent plus se connecter.", "success")
    return redirect(url_for("gestion.guichet", code=code))


@bp.route("/corrections", methods=["GET", "POST"])
@exige("corriger_identite")
def correction() -> Response | tuple[str, int]:
    """Correct a birth name or first names on a justified request, with the supporting piece."""
    champs = ("numero", "rang", "nom_naissance", "prenoms", "piece", "justification")
    saisie = {k: request.values.get(k, "").strip() for k in champs}
    erreurs: dict[str, str] = {}
    message = None
    if request.method == "POST":
        numero = saisie["numero"].replace(" ", "").upper()
        demandes_service.consulter(acces.uow(), acces.acteur(), numero)  # else "not found"
        if not saisie["rang"].isdigit() or (saisie["piece"] and not saisie["piece"].isdigit()):
            erreurs = {"rang": "nombre entier attendu"} if not saisie["rang"].isdigit() else {}
            if saisie["piece"] and not saisie["piece"].isdigit():
                erreurs["piece"] = "numéro de pièce : nombre entier attendu"
            message = "Des champs sont à corriger."
        else:
            try:
                faite = doublons.corriger_identite(
                    acces.uow(),
                    acces.acteur(),
                    numero,
                    rang=int(saisie["rang"]),
                    nom_naissance=saisie["nom_naissance"] or None,
                    prenoms=saisie["prenoms"] or None,
                    piece=int(saisie["piece"]) if saisie["piece"] else None,
                    justification=saisie["justification"],
                )
            except SneError as erreur:
                message = erreur.message
                erreurs = {k: str(v) for k, v in erreur.details.items()}
                if erreur.code == "JUSTIFICATION_REQUISE":
                    erreurs["justification"] = erreur.message
            else:
                flash(
                    f"Identité corrigée sur la demande {faite.numero}"
                    + (
                        f" ; doublons probables avec le nouveau nom : "
                        f"{', '.join(c.numero for c in faite.candidats)}."
                        if faite.candidats
                        else "."
                    ),
                    "success",
                )
                return redirect(url_for("demandes.voir", numero=faite.numero))
    html = render_template(
        "guichet/gestion/correction.html", saisie=saisie, erreurs=erreurs, message=message
    )
    return html, 422 if message else 200
