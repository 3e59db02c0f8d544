"""The guichets' duplicate reports: filed by agents, closed by the territorial manager."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from sne.acteurs import Acteur
from sne.errors import Conflict, NotFound, SneError
from sne.models import (
    Demande,
    Guichet,
    SignalementDoublon,
    Utilisateur,
)
from sne.services.doublons.groupe import choix_valides, exiger_meme_territoire
from sne.services.trace import tracer
from sne.uow import UnitOfWork, utcnow


@dataclass(frozen=True)
class SignalementVue:
    """A guichet's report of suspected duplicates, as the manager sees it."""

    id: int
    guichet: str | None
    agent: str | None
    created_at: Any
    numeros: tuple[str, ...]
    donnees: dict[str, str]
    commentaire: str | None
    statut: str
    conclusion: str | None


def signaler(
    uow: UnitOfWork,
    acteur: Acteur,
    numeros: Sequence[str],
    *,
    donnees: Mapping[str, str] | None = None,
    commentaire: str | None = None,
) -> int:
    """Report demandes suspected to be duplicates, saying which data to keep; return the id."""
    acteur.exiger("signaler_doublon")
    with uow:
        session = uow.session
        voulus = list(dict.fromkeys(n.strip().upper() for n in numeros if n.strip()))
        if len(voulus) < 2:
            raise SneError("Indiquer au moins deux demandes distinctes.", code="GROUPE_INCOMPLET")
        trouvees = list(session.scalars(select(Demande).where(Demande.numero.in_(voulus))))
        manquants = sorted(set(voulus) - {d.numero for d in trouvees})
        if manquants:
            raise NotFound(
                f"Aucune demande ne porte le numéro {', '.join(manquants)}.",
                code="NUMERO_INCONNU",
            )
        territoire = exiger_meme_territoire(trouvees, acteur, "signaler_doublon")
        choix = choix_valides(donnees or {}, voulus)
        signalement = SignalementDoublon(
            territoire_code=territoire,
            guichet_id=acteur.guichet_id,
            agent_id=acteur.utilisateur_id,
            created_at=utcnow(),
            numeros=voulus,
            donnees=choix,
            commentaire=(commentaire or "").strip() or None,
            statut="ouvert",
        )
        session.add(signalement)
        session.flush()
        tracer(
            session,
            acteur,
            entite="signalement_doublon",
            entite_id=signalement.id,
            action="signalement",
            changements={"numeros": voulus, "donnees": choix},
            justification=signalement.commentaire,
        )
        uow.commit()
        return signalement.id


def lister_signalements(
    uow: UnitOfWork, acteur: Acteur, *, territoire: str, statut: str | None = "ouvert"
) -> list[SignalementVue]:
    """The reports of ``territoire`` (open ones by default), oldest first."""
    acteur.exiger("traiter_signalements", territoire)
    with uow:
        query = (
            select(SignalementDoublon, Guichet.code, Utilisateur.login)
            .outerjoin(Guichet, Guichet.id == SignalementDoublon.guichet_id)
            .outerjoin(Utilisateur, Utilisateur.id == SignalementDoublon.agent_id)
            .where(SignalementDoublon.territoire_code == territoire)
            .order_by(SignalementDoublon.id)
        )
        if statut is not None:
            query = query.where(SignalementDoublon.statut == statut)
        return [
            SignalementVue(
                id=s.id,
                guichet=guichet,
                agent=login,
                created_at=s.created_at,
                numeros=tuple(s.numeros),
                donnees=dict(s.donnees),
                commentaire=s.commentaire,
                statut=s.statut,
                conclusion=s.conclusion,
            )
            for s, guichet, login in uow.session.execute(query)
        ]


def clore(
    session: Session,
    acteur: Acteur,
    signalement_id: int,
    territoire: str | None,
    *,
    statut: str,
    conclusion: str,
) -> SignalementDoublon:
    signalement = session.get(SignalementDoublon, signalement_id, with_for_update=True)
    if signalement is None:
        raise NotFound(f"Aucun signalement n° {signalement_id}.", code="SIGNALEMENT_INCONNU")
    acteur.exiger("traiter_signalements", signalement.territoire_code)
    if territoire is not None and signalement.territoire_code != territoire:
        raise Conflict(
            f"Le signalement n° {signalement_id} concerne un autre territoire.",
            code="TERRITOIRES_DIFFERENTS",
        )
    if signalement.statut != "ouvert":
        raise Conflict(
            f"Le signalement n° {signalement_id} est déjà clos.", code="SIGNALEMENT_CLOS"
        )
    signalement.statut = statut
    signalement.conclusion = conclusion
    signalement.traite_le = utcnow()
    signalement.traite_par_id = acteur.utilisateur_id
    tracer(
        session,
        acteur,
        entite="signalement_doublon",
        entite_id=signalement.id,
        action="cloture",
        changements={"statut": ["ouvert", statut]},
        justification=conclusion,
    )
    return signalement


def clore_signalement(
    uow: UnitOfWork, acteur: Acteur, signalement_id: int, *, conclusion: str, rejete: bool = False
) -> None:
    """Close a report: treated, or rejected (not duplicates), with the manager's conclusion."""
    if not conclusion.strip():
        raise SneError("Indiquer la conclusion du signalement.", code="JUSTIFICATION_REQUISE")
    with uow:
        clore(
            uow.session,
            acteur,
            signalement_id,
            None,
            statut="rejete" if rejete else "traite",
            conclusion=conclusion.strip(),
        )
        uow.commit()
