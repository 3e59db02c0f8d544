"""The API's contract: each operation declared once, served and described by the same declaration.

``@operation(...)`` registers a view under ``/api/v1`` and records what the
OpenAPI document says of it (scope, body schema, reply schema, formats);
the wrapper checks the token and its scope, loads and validates the JSON body
with the marshmallow schema, replays idempotent POSTs, and turns refusals
into problem documents. ``document()`` builds the OpenAPI 3.1 document with
apispec from these declarations and the marshmallow schemas.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, request
from marshmallow import Schema
from marshmallow import ValidationError as SchemaInvalide

from guichet_portal import acces
from guichet_portal.api import porteur, problemes
from sne.errors import NotFound, SneError
from sne.services import idempotence, jetons

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("api", __name__, url_prefix="/api/v1")
XML = "application/xml"
#: Every status a protected operation may answer with a problem document.
ERREURS = (400, 401, 403, 404, 409, 413, 415, 422, 429)
#: Largest identifier the database stores (a larger one names nothing: 404, not a crash).
ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says of one operation."""

    methode: str
    chemin: str
    nom: str
    resume: str
    portee: str
    statut: int
    corps: type[Schema] | None
    reponse: type[Schema] | None
    liste: bool
    xml_entree: bool
    xml_sortie: bool
    idempotente: bool
    #: Media types of a body that is a file sent as it is (a PDF, a picture).
    fichier_entree: tuple[str, ...] = ()
    #: Media types of a reply that is a file (a piece's PDF or picture).
    sortie_fichier: tuple[str, ...] = ()
    #: Largest body admitted, when above the portal's 2 MB.
    taille_max: int | None = None
    parametres: tuple[dict[str, Any], ...] = field(default=())


OPERATIONS: list[Operation] = []


def operation(
    methode: str,
    chemin: str,
    *,
    resume: str,
    portee: str,
    statut: int = 200,
    corps: type[Schema] | None = None,
    reponse: type[Schema] | None = None,
    liste: bool = False,
    xml_entree: bool = False,
    xml_sortie: bool = False,
    fichier_entree: tuple[str, ...] = (),
    sortie_fichier: tuple[str, ...] = (),
    taille_max: int | None = None,
    parametres: tuple[dict[str, Any], ...] = (),
) -> Callable[[F], F]:
    """Declare and register an API operation needing the token scope ``portee``.

    The view receives the path arguments, plus ``corps`` (the loaded JSON body)
    when a schema is given; it returns a ``Response`` or ``(data, status)``.
    """

    def decorer(view: F) -> F:
        op = Operation(
            methode=methode,
            chemin=chemin,
            nom=view.__name__,
            resume=resume,
            portee=portee,
            statut=statut,
            corps=corps,
            reponse=reponse,
            liste=liste,
            xml_entree=xml_entree,
            xml_sortie=xml_sortie,
            idempotente=methode == "POST",
            fichier_entree=fichier_entree,
            sortie_fichier=sortie_fichier,
            taille_max=taille_max,
            parametres=parametres,
        )
        OPERATIONS.append(op)

        @functools.wraps(view)
        def servir(**arguments: Any) -> Response:
            if op.taille_max is not None:
                request.max_content_length = op.taille_max
            try:
                jetons.exiger_portee(porteur.authentifier(), portee)
                if int(arguments.get("id", 1)) > ID_MAX:
                    raise NotFound("Identifiant inconnu.")
                if op.idempotente:
                    return _idempotent(lambda: _executer(op, view, arguments))
                return _executer(op, view, arguments)
            except SneError as erreur:
                return problemes.depuis_erreur(erreur)

        setattr(servir, acces.ATTRIBUT, f"jeton:{portee}")
        bp.add_url_rule(_regle(chemin), endpoint=view.__name__, view_func=servir, methods=[methode])
        return cast(F, servir)

    return decorer


def _regle(chemin: str) -> str:
    """The Flask rule of an OpenAPI path (``{numero}`` → ``<numero>``, ``{id}`` as int)."""
    return chemin.replace("{id}", "<int:id>").replace("{", "<").replace("}", ">")


def _executer(op: Operation, view: Callable[..., Any], arguments: dict[str, Any]) -> Response:
    """Load the body, run the view, and turn what it returns into a response."""
    try:
        if op.corps is not None and not (op.xml_entree and est_xml()):
            if not request.is_json:
                return problemes.probleme(
                    415, detail="Envoyez un corps JSON (Content-Type: application/json)."
                )
            donnees = request.get_json(silent=True)
            if donnees is None:
                return problemes.probleme(400, detail="Le corps n'est pas un JSON lisible.")
            arguments["corps"] = op.corps().load(donnees)
        resultat = view(**arguments)
    except SchemaInvalide as invalide:
        return problemes.champs(cast(dict[str, Any], invalide.messages))
    if isinstance(resultat, Response):
        return resultat
    donnees, statut = resultat if isinstance(resultat, tuple) else (resultat, op.statut)
    return json_reponse(donnees, statut)


def json_reponse(donnees: Any, statut: int = 200) -> Response:
    """A JSON reply (dates written as ISO 8601)."""
    return Response(
        json.dumps(donnees, ensure_ascii=False, default=str),
        status=statut,
        mimetype="application/json",
    )


def est_xml() -> bool:
    """True when the body is an interfaceNuu file rather than JSON."""
    return request.mimetype in {XML, "text/xml"}


def _idempotent(executer: Callable[[], Response]) -> Response:
    """Run a POST once per ``Idempotency-Key``; a retry gets the stored reply."""
    cle = request.headers.get("Idempotency-Key", "").strip()
    if not cle:
        return problemes.probleme(
            400,
            code="CLE_IDEMPOTENCE_ABSENTE",
            detail="Chaque POST porte un en-tête Idempotency-Key (une valeur unique par opération, "
            "réutilisée telle quelle en cas de nouvel essai).",
        )
    jeton_id = porteur.courant().jeton_id
    empreinte = hashlib.sha256(
        b"\n".join(
            (
                request.method.encode(),
                request.path.encode(),
                request.query_string,
                request.mimetype.encode(),
                request.get_data(),
            )
        )
    ).hexdigest()
    stockee = idempotence.reserver(acces.uow(), jeton_id, cle, empreinte)
    if stockee is not None:
        rejouee = Response(stockee.corps, status=stockee.statut, content_type=stockee.type_contenu)
        rejouee.headers["Idempotent-Replayed"] = "true"
        return rejouee
    try:
        reponse = executer()
    except BaseException:
        idempotence.liberer(acces.uow(), jeton_id, cle)
        raise
    if reponse.status_code >= 500:
        idempotence.liberer(acces.uow(), jeton_id, cle)
        return reponse
    idempotence.conserver(
        acces.uow(),
        jeton_id,
        cle,
        idempotence.ReponseStockee(
            reponse.status_code, reponse.content_type or "", reponse.get_data()
        ),
    )
    return reponse


# ---------------------------------------------------------------- the OpenAPI document

PROBLEME = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "titre en français"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "code stable (celui de l'erreur du domaine)"},
        "detail": {"type": "string", "description": "explication en français"},
        "erreurs": {"type": "object", "description": "champ → message, pour des données refusées"},
        "details": {"type": "object"},
        "anomalies": {
            "type": "array",
            "description": "toutes les anomalies d'un fichier interfaceNuu refusé",
            "items": {
                "type": "object",
                "required": ["code", "chemin", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "chemin": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def document(serveur: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared operation."""
    spec = APISpec(
        title="SNE — services web des systèmes privatifs",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Enregistrer, lire, modifier, renouveler, radier et scinder des demandes "
            "de logement social, chercher les doublons, suivre les radiations et les dépôts. "
            "Authentification : Authorization: Bearer <jeton du guichet>. Chaque POST porte un "
            "en-tête Idempotency-Key. Erreurs : application/problem+json."
        },
        servers=[{"url": serveur}],
    )
    spec.components.security_scheme("jeton", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Probleme", PROBLEME)
    for statut in ERREURS:
        spec.components.response(
            f"Erreur{statut}",
            {
                "description": problemes.STATUTS[statut][1],
                "content": {problemes.TYPE: {"schema": {"$ref": "#/components/schemas/Probleme"}}},
            },
        )
    chemins: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        chemins.setdefault(op.chemin, {})[op.methode.lower()] = _decrire(op)
    for chemin, operations in chemins.items():
        spec.path(path="/api/v1" + chemin, operations=operations)
    return spec.to_dict()


def _decrire(op: Operation) -> dict[str, Any]:
    parametres: list[dict[str, Any]] = [
        {"in": "path", "name": nom, "required": True, "schema": _type_parametre(nom)}
        for nom in _noms_chemin(op.chemin)
    ]
    parametres += list(op.parametres)
    if op.idempotente:
        parametres.append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "valeur unique par opération ; un nouvel essai la réutilise",
            }
        )
    contenu: dict[str, Any] = {}
    if op.reponse is not None:
        contenu["application/json"] = {"schema": op.reponse(many=op.liste)}
    for media in op.sortie_fichier:
        contenu[media] = {"schema": {"type": "string", "format": "binary"}}
    if op.xml_sortie:
        contenu[XML] = {"schema": {"type": "string", "description": "fichier interfaceNuu"}}
    decrite: dict[str, Any] = {
        "operationId": op.nom,
        "summary": op.resume,
        "security": [{"jeton": []}],
        "x-portee": op.portee,
        "parameters": parametres,
        "responses": {
            str(op.statut): {"description": "Succès", **({"content": contenu} if contenu else {})},
            **{str(s): {"$ref": f"#/components/responses/Erreur{s}"} for s in ERREURS},
        },
    }
    corps: dict[str, Any] = {}
    if op.corps is not None:
        corps["application/json"] = {"schema": op.corps}
    if op.xml_entree:
        corps[XML] = {"schema": {"type": "string", "description": "fichier interfaceNuu"}}
    for media in op.fichier_entree:
        corps[media] = {"schema": {"type": "string", "format": "binary"}}
    if op.fichier_entree:
        parametres.append(
            {"in": "query", "name": "nom", "schema": {"type": "string", "maxLength": 200}}
        )
    if corps:
        decrite["requestBody"] = {"required": True, "content": corps}
    return decrite


def _noms_chemin(chemin: str) -> list[str]:
    return [morceau[1:-1] for morceau in chemin.split("/") if morceau.startswith("{")]


def _type_parametre(nom: str) -> dict[str, Any]:
    if nom == "id":
        return {"type": "integer", "minimum": 1, "maximum": ID_MAX}
    return {"type": "string", "pattern": "^[0-9A-Za-z]{18}$"}
