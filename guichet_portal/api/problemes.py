"""Errors of the API as ``application/problem+json`` (RFC 9457): stable code, French title.

The ``code`` member is the ``SneError`` code (or one of ours below); a refused
file adds ``anomalies`` (every anomaly, each a code, an element path and a
French text); refused fields add ``erreurs`` (field → French message).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException

from sne.errors import HORS_TERRITOIRE, Conflict, Forbidden, NotFound, SneError, ValidationError
from sne.interchange.anomalies import Anomalie
from sne.services.jetons import JetonRefuse

journal = logging.getLogger(__name__)
TYPE = "application/problem+json"

#: French title and stable code of each HTTP status the API may answer with.
STATUTS: dict[int, tuple[str, str]] = {
    400: ("REQUETE_INCORRECTE", "Requête incorrecte"),
    401: ("JETON_INVALIDE", "Authentification requise"),
    403: ("NON_AUTORISE", "Action non autorisée"),
    404: ("INTROUVABLE", "Ressource introuvable"),
    405: ("METHODE_NON_ADMISE", "Méthode non admise à cette adresse"),
    406: ("FORMAT_NON_DISPONIBLE", "Format de réponse non disponible"),
    409: ("ETAT_INCOMPATIBLE", "Action incompatible avec l'état de la demande"),
    413: ("ENVOI_TROP_VOLUMINEUX", "Envoi trop volumineux"),
    415: ("TYPE_CONTENU_NON_ADMIS", "Type de contenu non admis"),
    422: ("DONNEES_INVALIDES", "Données refusées"),
    429: ("TROP_DE_REQUETES", "Trop de requêtes"),
    500: ("ERREUR_SERVEUR", "Erreur du service"),
}

#: marshmallow's messages, as a French client reads them.
MESSAGES = {
    "Missing data for required field.": "champ obligatoire absent",
    "Unknown field.": "champ inconnu",
    "Not a valid string.": "texte attendu",
    "Not a valid date.": "date attendue (AAAA-MM-JJ)",
    "Not a valid integer.": "nombre entier attendu",
    "Not a valid boolean.": "booléen attendu (true ou false)",
    "Not a valid mapping type.": "objet JSON attendu",
    "Not a valid list.": "liste attendue",
    "Invalid input type.": "objet JSON attendu",
    "Field may not be null.": "valeur nulle refusée",
    "Invalid value.": "valeur invalide",
}


def probleme(
    statut: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    titre: str | None = None,
    **membres: Any,
) -> Response:
    """A problem document with HTTP status ``statut``."""
    defaut_code, defaut_titre = STATUTS.get(statut, STATUTS[500])
    corps = {
        "type": "about:blank",
        "title": titre or defaut_titre,
        "status": statut,
        "code": code or defaut_code,
        **({"detail": detail} if detail else {}),
        **membres,
    }
    return Response(json.dumps(corps, ensure_ascii=False), status=statut, mimetype=TYPE)


def statut_de(erreur: SneError) -> int:
    """The HTTP status of a domain refusal."""
    if isinstance(erreur, JetonRefuse):
        return 401
    if isinstance(erreur, NotFound):
        return 404
    if isinstance(erreur, Forbidden):
        # A demande of another territory is "not found", as in the portal; a missing
        # scope, a closed address or a role that may not act is a plain 403.
        return 404 if erreur.code == HORS_TERRITOIRE else 403
    if isinstance(erreur, Conflict):
        return 409
    return 422


def depuis_erreur(erreur: SneError) -> Response:
    """The problem document of a domain refusal (its code, its French message, its details)."""
    statut = statut_de(erreur)
    if statut == 404:
        return probleme(404, code="INTROUVABLE", detail=_introuvable())
    membres: dict[str, Any] = {}
    if isinstance(erreur, ValidationError):
        membres["erreurs"] = erreur.problems
    elif erreur.details:
        membres["details"] = erreur.details
    reponse = probleme(statut, code=erreur.code, detail=erreur.message, **membres)
    if statut == 401:
        reponse.headers["WWW-Authenticate"] = 'Bearer realm="sne"'
    return reponse


def _introuvable() -> str:
    return (
        "Cette ressource n'existe pas, ou votre jeton ne permet pas de la consulter "
        "(autre territoire ou autre guichet)."
    )


def anomalies(code: str, detail: str, liste: Sequence[Anomalie]) -> Response:
    """The refusal of an interfaceNuu file with the full anomaly list."""
    return probleme(
        422,
        code=code,
        titre="Fichier refusé",
        detail=detail,
        anomalies=[{"code": a.code, "chemin": a.chemin, "message": a.message} for a in liste],
    )


def champs(messages: Mapping[str, Any]) -> Response:
    """The refusal of a JSON body that does not follow the schema, field by field."""
    return probleme(
        422,
        code="DONNEES_INVALIDES",
        detail="Le corps de la requête ne respecte pas le schéma de l'opération.",
        erreurs=_francais(messages),
    )


def _francais(messages: Any) -> Any:
    if isinstance(messages, Mapping):
        return {str(k): _francais(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return "; ".join(str(_francais(m)) for m in messages)
    return MESSAGES.get(str(messages), str(messages))


def depuis_http(erreur: HTTPException) -> Response:
    """The problem document of an HTTP error (unknown route, rate limit, size)."""
    statut = erreur.code or 500
    detail = {
        429: "Trop de requêtes pour ce jeton en peu de temps : patientez avant de réessayer.",
        413: "Le corps de la requête dépasse la taille admise.",
    }.get(statut)
    return probleme(statut, detail=detail)


def inattendue(erreur: Exception) -> Response:
    """A bug: logged, answered without detail (nothing was recorded by the call)."""
    journal.exception("erreur inattendue de l'API", exc_info=erreur)
    return probleme(
        500, detail="Une erreur inattendue s'est produite ; rien n'a été enregistré par cet appel."
    )
