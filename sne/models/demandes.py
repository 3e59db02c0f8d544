"""Demandes and their households, radiations, préavis, attestations and the history.

Codes are stored as the interface spells them (see ``sne.codes``); lists that
are only ever read whole with their demande (communes sought, motifs, housing
types) are JSON columns, persons and resources are rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sne import identite
from sne.db import Base
from sne.models.referentiel import Guichet, Territoire


class Demande(Base):
    """A demande de logement social: Cerfa 14069 sections b–i, persons in ``Personne``."""

    __tablename__ = "demande"
    __table_args__ = (
        Index(
            "ix_demande_territoire_statut_expiration",
            "territoire_code",
            "statut",
            "date_expiration",
        ),
        # The guichet's worklist: its active demandes by expiry (also serves guichet_id alone).
        Index("ix_demande_guichet_statut_expiration", "guichet_id", "statut", "date_expiration"),
        CheckConstraint(
            "statut IN ('active', 'radiee', 'purgee', 'fusionnee')", name="statut_connu"
        ),
        CheckConstraint("type_demandeur IN ('physique', 'morale')", name="type_demandeur_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(18), unique=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    statut: Mapped[str] = mapped_column(String(12), default="active")
    type_demandeur: Mapped[str] = mapped_column(String(8), default="physique")
    # Dates of the life cycle. date_depot is the ancienneté: it never changes.
    date_depot: Mapped[date] = mapped_column(Date)
    date_renouvellement: Mapped[date | None] = mapped_column(Date)
    date_expiration: Mapped[date] = mapped_column(Date)
    date_radiation: Mapped[date | None] = mapped_column(Date)
    date_purge: Mapped[date | None] = mapped_column(Date)
    #: For a demand created by splitting a couple's demand (CRS), the original one.
    demande_origine_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    # a) legal person housing someone (associations): only a, b and h are filled.
    raison_sociale: Mapped[str | None] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14))
    # b) address and contacts
    adresse_numero: Mapped[str | None] = mapped_column(String(20))
    adresse_ligne1: Mapped[str | None] = mapped_column(String(200))
    adresse_ligne2: Mapped[str | None] = mapped_column(String(200))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    commune_insee: Mapped[str | None] = mapped_column(String(5))
    pays: Mapped[str | None] = mapped_column(String(60))
    adresse_etranger: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    telephone_fixe: Mapped[str | None] = mapped_column(String(20))
    telephone_portable: Mapped[str | None] = mapped_column(String(20))
    consentement_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    # c) family situation
    situation_familiale: Mapped[str | None] = mapped_column(String(1))
    # e) taxable income of the household, years N-1 and N-2
    revenu_fiscal_annee_n1: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_n1: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_annee_n2: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_n2: Mapped[int | None] = mapped_column(Integer)
    # f) current housing
    logement_actuel: Mapped[str | None] = mapped_column(String(8))
    logement_actuel_bailleur: Mapped[str | None] = mapped_column(String(200))
    logement_actuel_loyer: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    logement_actuel_surface: Mapped[int | None] = mapped_column(Integer)
    logement_actuel_type: Mapped[str | None] = mapped_column(String(3))
    logement_actuel_categorie: Mapped[str | None] = mapped_column(String(1))
    logement_actuel_habitants: Mapped[int | None] = mapped_column(Integer)
    logement_actuel_proprietaire: Mapped[bool] = mapped_column(Boolean, default=False)
    # g) reasons for the demand (codes 01–23) and free text
    motifs: Mapped[list[str]] = mapped_column(JSON, default=list)
    motif_precision: Mapped[str | None] = mapped_column(Text)
    # h) housing sought
    types_logement: Mapped[list[str]] = mapped_column(JSON, default=list)
    categorie_logement: Mapped[str | None] = mapped_column(String(1))
    communes_souhaitees: Mapped[list[str]] = mapped_column(JSON, default=list)
    demande_elargie: Mapped[bool] = mapped_column(Boolean, default=False)
    loyer_maximum: Mapped[int | None] = mapped_column(Integer)
    # i) disability needing an adapted dwelling
    # OUI, NON or NONDOC (codes.BOOLEEN_DOC): an unanswered question is not a « non ».
    handicap_logement_adapte: Mapped[str] = mapped_column(
        String(6), default="NONDOC", server_default="NONDOC"
    )
    handicap_fauteuil_roulant: Mapped[str] = mapped_column(
        String(6), default="NONDOC", server_default="NONDOC"
    )
    handicap_precision: Mapped[str | None] = mapped_column(Text)
    # The SNE's « Complément handicap » (codes in sne.codes), one per demande like the rest
    # of section i: state, walking capacity, motor and sensory nature, aids, equipment.
    handicap_etat: Mapped[str | None] = mapped_column(String(3))
    handicap_capacite_marche: Mapped[str | None] = mapped_column(String(1))
    handicap_moteur: Mapped[str | None] = mapped_column(String(2))
    handicap_sensoriel: Mapped[str | None] = mapped_column(String(2))
    handicap_aides_techniques: Mapped[list[str]] = mapped_column(JSON, default=list)
    handicap_equipements: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Anonymous figures kept when personal data is purged (household composition, ages).
    statistiques: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    territoire: Mapped[Territoire] = relationship()
    guichet: Mapped[Guichet] = relationship()
    personnes: Mapped[list[Personne]] = relationship(
        back_populates="demande",
        cascade="all, delete-orphan",
        order_by="Personne.rang",
    )
    radiations: Mapped[list[Radiation]] = relationship(
        back_populates="demande", order_by="Radiation.id", cascade="all, delete-orphan"
    )

    @property
    def demandeur(self) -> Personne | None:
        """The applicant (person of role ``demandeur``), if any."""
        return next((p for p in self.personnes if p.role == "demandeur"), None)

    @property
    def radiation(self) -> Radiation | None:
        """The radiation in force, if the demande is radiated."""
        return next((r for r in reversed(self.radiations) if r.annulee_le is None), None)


#: Literal predicate of the partial index on applicants and co-holders (queries repeat it).
TITULAIRES_SQL = "role IN ('demandeur', 'cotitulaire')"
#: The same predicate as a clause, written literally so the planner uses the partial index.
TITULAIRES = text(f"personne.{TITULAIRES_SQL}")


def _cle_nom(context: Any) -> str | None:
    return identite.cle_nom(context.get_current_parameters().get("nom_naissance"))


def _cle_prenoms(context: Any) -> str | None:
    return identite.cle_prenoms(context.get_current_parameters().get("prenoms"))


def _cle_identite(context: Any) -> str | None:
    valeurs = context.get_current_parameters()
    return identite.cle_identite(valeurs.get("nom_naissance"), valeurs.get("prenoms"))


class Personne(Base):
    """A person of the household (section a), with sections d and e at person level."""

    __tablename__ = "personne"
    __table_args__ = (
        Index("ix_personne_identite", "nom_naissance", "date_naissance"),
        # Duplicate check: applicants and co-holders born on a date (sne.services.doublons).
        Index(
            "ix_personne_naissance_cle",
            "date_naissance",
            "cle_identite",
            postgresql_where=text(TITULAIRES_SQL),
            sqlite_where=text(TITULAIRES_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), index=True
    )
    rang: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    civilite: Mapped[str | None] = mapped_column(String(1))
    nom_naissance: Mapped[str | None] = mapped_column(String(100))
    nom_usage: Mapped[str | None] = mapped_column(String(100))
    prenoms: Mapped[str | None] = mapped_column(String(150))
    date_naissance: Mapped[date | None] = mapped_column(Date)
    date_naissance_prevue: Mapped[date | None] = mapped_column(Date)
    commune_naissance: Mapped[str | None] = mapped_column(String(100))
    nationalite: Mapped[str | None] = mapped_column(String(1))
    lien: Mapped[str | None] = mapped_column(String(3))
    mineur_emancipe: Mapped[bool] = mapped_column(Boolean, default=False)
    sexe: Mapped[str | None] = mapped_column(String(1))
    co_parentalite: Mapped[str | None] = mapped_column(String(1))
    # The co-holder's own family situation and tax income (the applicant's are the demande's).
    situation_familiale: Mapped[str | None] = mapped_column(String(1))
    revenu_fiscal_annee_n1: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_n1: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_annee_n2: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_n2: Mapped[int | None] = mapped_column(Integer)
    # d) professional situation
    contrat_travail: Mapped[str | None] = mapped_column(String(3))
    profession: Mapped[str | None] = mapped_column(String(100))
    employeur: Mapped[str | None] = mapped_column(String(200))
    commune_travail: Mapped[str | None] = mapped_column(String(100))
    travail_etranger: Mapped[bool] = mapped_column(Boolean, default=False)
    travail_code_postal: Mapped[str | None] = mapped_column(String(5))
    travail_commune_insee: Mapped[str | None] = mapped_column(String(5))
    # Normalised identity keys (sne.identite), derived from the fields above on every write.
    cle_nom: Mapped[str | None] = mapped_column(String(100), default=_cle_nom)
    cle_prenoms: Mapped[str | None] = mapped_column(String(150), default=_cle_prenoms)
    cle_identite: Mapped[str | None] = mapped_column(String(250), default=_cle_identite)

    demande: Mapped[Demande] = relationship(back_populates="personnes")
    ressources: Mapped[list[Ressource]] = relationship(
        back_populates="personne", cascade="all, delete-orphan", order_by="Ressource.id"
    )


class Ressource(Base):
    """A monthly resource received (or alimony paid, ``PAV``) by one person (section e)."""

    __tablename__ = "ressource"

    id: Mapped[int] = mapped_column(primary_key=True)
    personne_id: Mapped[int] = mapped_column(
        ForeignKey("personne.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(4))
    montant_mensuel: Mapped[Decimal] = mapped_column(Numeric(9, 2))

    personne: Mapped[Personne] = relationship(back_populates="ressources")


class Radiation(Base):
    """A radiation with its motif and the data the motif requires; cancelled on reactivation."""

    __tablename__ = "radiation"

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), index=True
    )
    motif: Mapped[str] = mapped_column(String(6))
    date_radiation: Mapped[date] = mapped_column(Date)
    sous_motif: Mapped[str | None] = mapped_column(String(6))
    date_avertissement: Mapped[date | None] = mapped_column(Date)
    commentaire: Mapped[str | None] = mapped_column(Text)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    # RADATT: the dwelling attributed
    logement_adresse: Mapped[str | None] = mapped_column(String(300))
    logement_code_postal: Mapped[str | None] = mapped_column(String(5))
    logement_commune: Mapped[str | None] = mapped_column(String(100))
    logement_rpls: Mapped[str | None] = mapped_column(String(30))
    logement_zus_qpv: Mapped[str | None] = mapped_column(String(6))
    logement_surface: Mapped[int | None] = mapped_column(Integer)
    logement_typologie: Mapped[str | None] = mapped_column(String(3))
    reservataire: Mapped[str | None] = mapped_column(String(6))
    statut_dalo: Mapped[str | None] = mapped_column(String(6))
    typologie_dalo: Mapped[str | None] = mapped_column(String(2))
    accord_collectif: Mapped[str | None] = mapped_column(String(6))
    date_bail: Mapped[date | None] = mapped_column(Date)
    bailleur: Mapped[str | None] = mapped_column(String(200))
    annulee_le: Mapped[date | None] = mapped_column(Date)

    demande: Mapped[Demande] = relationship(back_populates="radiations")

    #: The dwelling attributed and the attribution's terms (RADATT), in the forms' order.
    CHAMPS_ATTRIBUTION = (
        "logement_adresse",
        "logement_code_postal",
        "logement_commune",
        "logement_rpls",
        "logement_zus_qpv",
        "logement_surface",
        "logement_typologie",
        "reservataire",
        "statut_dalo",
        "typologie_dalo",
        "accord_collectif",
        "date_bail",
        "bailleur",
    )

    def details(self) -> dict[str, Any]:
        """Motif, date and every datum recorded with the radiation (the empty ones left out)."""
        champs = (
            "motif",
            "date_radiation",
            "sous_motif",
            "date_avertissement",
            *self.CHAMPS_ATTRIBUTION,
            "commentaire",
        )
        return {c: getattr(self, c) for c in champs if getattr(self, c) is not None}


class Preavis(Base):
    """The warning sent one month before expiry; one per demande and expiry date."""

    __tablename__ = "preavis"
    __table_args__ = (UniqueConstraint("demande_id", "date_expiration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    date_expiration: Mapped[date] = mapped_column(Date)
    date_envoi: Mapped[date] = mapped_column(Date)
    canal: Mapped[str] = mapped_column(String(8))  # "email" or "courrier"
    #: The e-mail or postal address used, as it was that day (shown on a complaint).
    destinataire: Mapped[str | None] = mapped_column(String(400))
    #: For a letter: the store key of the run's PDF of letters, and its page there.
    courrier: Mapped[str | None] = mapped_column(String(200))
    courrier_page: Mapped[int | None] = mapped_column(Integer)
    #: For an e-mail: "envoye" once the mail server took it, "echec" if it refused it.
    statut_envoi: Mapped[str | None] = mapped_column(String(10))


class Historique(Base):
    """Append-only trace of every write: who, when, on what, what changed and why.

    Each line is chained to the previous line of its chain (``sne.chainage``).
    """

    __tablename__ = "historique"
    __table_args__ = (
        Index("ix_historique_entite", "entite", "entite_id"),
        Index("ux_historique_chaine_precedent", "chaine", "hash_precedent", unique=True),
        Index("ix_historique_chaine_id", "chaine", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    utilisateur_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    #: Kept after the purge (no foreign key cascade): the trace survives the data.
    demande_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entite: Mapped[str] = mapped_column(String(30))
    entite_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(30))
    changements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    justification: Mapped[str | None] = mapped_column(Text)
    changement_identite: Mapped[bool] = mapped_column(Boolean, default=False)
    # --- tamper evidence (sne.chainage) ---
    chaine: Mapped[str | None] = mapped_column(String(80))
    empreinte: Mapped[str | None] = mapped_column(String(64))
    hash_precedent: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # --- end of tamper evidence ---


@event.listens_for(Personne, "before_update")
def _recalculer_cles(_mapper: Any, _connection: Any, personne: Personne) -> None:
    """Keep the identity keys in step with a corrected name (inserts use the column defaults)."""
    personne.cle_nom = identite.cle_nom(personne.nom_naissance)
    personne.cle_prenoms = identite.cle_prenoms(personne.prenoms)
    personne.cle_identite = identite.cle_identite(personne.nom_naissance, personne.prenoms)


class Attestation(Base):
    """An attestation issued for a demande: its QR code names the demande and this day."""

    __tablename__ = "attestation"
    __table_args__ = (
        UniqueConstraint("demande_id", "date_emission", "type"),
        CheckConstraint("type IN ('enregistrement', 'renouvellement')", name="type_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(14))
    date_emission: Mapped[date] = mapped_column(Date)
    #: Whether the demande was radiated when the attestation was printed.
    radiee: Mapped[bool] = mapped_column(Boolean, default=False)
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
