"""Database models: territories, guichets, users, demandes and their households, traces.

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
    Float,
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


class Territoire(Base):
    """A territory issuing numbers: a département (``013``, ``02A``) or Île-de-France (``111``)."""

    __tablename__ = "territoire"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))


class NumeroSequence(Base):
    """Last sequence number handed out in a territory for one filing year (row-locked on use)."""

    __tablename__ = "numero_sequence"

    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), primary_key=True)
    annee: Mapped[int] = mapped_column(Integer, primary_key=True)
    dernier: Mapped[int] = mapped_column(Integer, default=0)


class Guichet(Base):
    """A guichet enregistreur (``G`` + 4 characters; the public portal is ``GDPUB``)."""

    __tablename__ = "guichet"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"), index=True)
    referent_email: Mapped[str | None] = mapped_column(String(254))
    adresse: Mapped[str | None] = mapped_column(String(300))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)

    territoire: Mapped[Territoire] = relationship()


class Utilisateur(Base):
    """A user account with one role, attached to a guichet or a territory as the role needs."""

    __tablename__ = "utilisateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"), index=True)
    territoire_code: Mapped[str | None] = mapped_column(ForeignKey("territoire.code"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # --- signing in on the portals (sne/services/comptes.py) ---
    #: Consecutive failed sign-ins; reset by a successful one.
    echecs_connexion: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Sign-in refused until then after too many failures (temporary lock).
    verrouille_jusqua: Mapped[datetime | None] = mapped_column(DateTime)
    #: The password was chosen by someone else: change it before anything else.
    mot_de_passe_a_changer: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("false")
    )
    #: Changed at sign-out and password change, which ends every open session of the account.
    jeton_session: Mapped[str | None] = mapped_column(String(64))
    derniere_connexion: Mapped[datetime | None] = mapped_column(DateTime)
    # --- end of signing in ---

    guichet: Mapped[Guichet | None] = relationship()


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
        CheckConstraint(
            "statut IN ('active', 'radiee', 'purgee', 'fusionnee')", name="statut_connu"
        ),
        CheckConstraint("type_demandeur IN ('physique', 'morale')", name="type_demandeur_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(18), unique=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"), index=True)
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
    adresse_ligne1: Mapped[str | None] = mapped_column(String(200))
    adresse_ligne2: Mapped[str | None] = mapped_column(String(200))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    pays: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    telephone_fixe: Mapped[str | None] = mapped_column(String(20))
    telephone_portable: Mapped[str | None] = mapped_column(String(20))
    consentement_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    # c) family situation
    situation_familiale: Mapped[str | None] = mapped_column(String(1))
    # e) taxable income of the household, years N-1 and N-2
    revenu_fiscal_n1: Mapped[int | None] = mapped_column(Integer)
    revenu_fiscal_n2: Mapped[int | None] = mapped_column(Integer)
    # f) current housing
    logement_actuel: Mapped[str | None] = mapped_column(String(8))
    logement_actuel_bailleur: Mapped[str | None] = mapped_column(String(200))
    logement_actuel_loyer: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    logement_actuel_surface: Mapped[int | None] = mapped_column(Integer)
    logement_actuel_type: Mapped[str | None] = mapped_column(String(3))
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
    handicap_logement_adapte: Mapped[bool] = mapped_column(Boolean, default=False)
    handicap_fauteuil_roulant: Mapped[bool] = mapped_column(Boolean, default=False)
    handicap_precision: Mapped[str | None] = mapped_column(Text)
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
    # d) professional situation
    contrat_travail: Mapped[str | None] = mapped_column(String(3))
    profession: Mapped[str | None] = mapped_column(String(100))
    employeur: Mapped[str | None] = mapped_column(String(200))
    commune_travail: Mapped[str | None] = mapped_column(String(100))
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
    logement_zus_qpv: Mapped[str | None] = mapped_column(String(3))
    logement_surface: Mapped[int | None] = mapped_column(Integer)
    logement_typologie: Mapped[str | None] = mapped_column(String(3))
    reservataire: Mapped[str | None] = mapped_column(String(6))
    statut_dalo: Mapped[str | None] = mapped_column(String(6))
    accord_collectif: Mapped[bool | None] = mapped_column(Boolean)
    date_bail: Mapped[date | None] = mapped_column(Date)
    bailleur: Mapped[str | None] = mapped_column(String(200))
    annulee_le: Mapped[date | None] = mapped_column(Date)

    demande: Mapped[Demande] = relationship(back_populates="radiations")


class Preavis(Base):
    """The warning sent one month before expiry; one per demande and expiry date."""

    __tablename__ = "preavis"
    __table_args__ = (UniqueConstraint("demande_id", "date_expiration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    date_expiration: Mapped[date] = mapped_column(Date)
    date_envoi: Mapped[date] = mapped_column(Date)
    canal: Mapped[str] = mapped_column(String(8))  # "email" or "courrier"


class Piece(Base):
    """Metadata of a piece justificative in a demande's dossier (the file lives in storage)."""

    __tablename__ = "piece"
    __table_args__ = (Index("ix_piece_demande_sha256", "demande_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demande.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str | None] = mapped_column(String(40))
    categorie: Mapped[str | None] = mapped_column(String(40))
    pages: Mapped[int] = mapped_column(Integer)
    taille: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    canal: Mapped[str] = mapped_column(String(24))
    statut: Mapped[str] = mapped_column(String(16), default="a_qualifier")
    sensible: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    deposee_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Pieces cut from a scanned batch (``Lot``): where they come from and how they were read.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    lot_dossier_index: Mapped[int | None] = mapped_column(Integer)
    rang: Mapped[int | None] = mapped_column(Integer)
    #: Idempotency key (``"{lot_id}:{dossier_index}:{rang}"``): a re-run never attaches twice.
    cle: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: Indices of the batch's pages the piece was cut from.
    pages_lot: Mapped[list[int] | None] = mapped_column(JSON)
    confiance: Mapped[float | None] = mapped_column(Float)
    taille_originale: Mapped[int | None] = mapped_column(Integer)
    #: What was done to the file (compression, resolution…), as the scanning library says.
    traitement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    motif_rejet: Mapped[str | None] = mapped_column(Text)


class Historique(Base):
    """Append-only trace of every write: who, when, on what, what changed and why."""

    __tablename__ = "historique"
    __table_args__ = (Index("ix_historique_entite", "entite", "entite_id"),)

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


@event.listens_for(Personne, "before_update")
def _recalculer_cles(_mapper: Any, _connection: Any, personne: Personne) -> None:
    """Keep the identity keys in step with a corrected name (inserts use the column defaults)."""
    personne.cle_nom = identite.cle_nom(personne.nom_naissance)
    personne.cle_prenoms = identite.cle_prenoms(personne.prenoms)
    personne.cle_identite = identite.cle_identite(personne.nom_naissance, personne.prenoms)


class DoublonForce(Base):
    """A demande registered (or an identity changed) despite probable duplicates, with why."""

    __tablename__ = "doublon_force"
    __table_args__ = (Index("ix_doublon_force_territoire_jour", "territoire_code", "jour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id", ondelete="CASCADE"))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    jour: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(20))  # "enregistrement" or "modification"
    justification: Mapped[str] = mapped_column(Text)
    #: The candidates shown when forcing: [{"numero", "code", "confiance"}].
    candidats: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Fusion(Base):
    """A demande closed by merging it into a survivor (statut ``fusionnee``)."""

    __tablename__ = "fusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivante_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), index=True)
    absorbee_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    gestionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    justification: Mapped[str | None] = mapped_column(Text)


class SignalementDoublon(Base):
    """A guichet's report of suspected duplicates: the territorial manager's queue."""

    __tablename__ = "signalement_doublon"
    __table_args__ = (
        Index("ix_signalement_doublon_territoire_statut", "territoire_code", "statut"),
        CheckConstraint("statut IN ('ouvert', 'traite', 'rejete')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: The demandes concerned, by numéro unique.
    numeros: Mapped[list[str]] = mapped_column(JSON)
    #: Which demande's value to keep, field by field: {"email": "0130326000001G1301", …}.
    donnees: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    commentaire: Mapped[str | None] = mapped_column(Text)
    statut: Mapped[str] = mapped_column(String(8), default="ouvert")
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)
    traite_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    conclusion: Mapped[str | None] = mapped_column(Text)


class Envoi(Base):
    """A paper sending prepared at a guichet: a bordereau and one fiche per demande.

    ``identifiant`` is what the bordereau's QR code carries (``E`` + territory +
    ``-`` + a base-36 counter, 12 characters at most); the scanning pipeline
    reconciles a received sending against these declared counts.
    """

    __tablename__ = "envoi"
    __table_args__ = (
        Index("ix_envoi_guichet_date", "guichet_id", "date_transmission"),
        Index("ix_envoi_statut_echeance", "statut", "echeance"),
        CheckConstraint("statut IN ('prepare', 'recu', 'traite')", name="statut_connu"),
        CheckConstraint("nb_dossiers > 0 AND nb_pages > nb_dossiers", name="comptes_positifs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(12), unique=True)
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int] = mapped_column(ForeignKey("guichet.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    date_transmission: Mapped[date] = mapped_column(Date)
    nb_dossiers: Mapped[int] = mapped_column(Integer)
    #: Pages declared for the whole sending: the bordereau, the fiches and the pieces.
    nb_pages: Mapped[int] = mapped_column(Integer)
    statut: Mapped[str] = mapped_column(String(8), default="prepare")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Set when the bordereau is read in a batch: that batch, its reception and due date.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    recu_le: Mapped[datetime | None] = mapped_column(DateTime)
    echeance: Mapped[date | None] = mapped_column(Date)
    alerte_retard_le: Mapped[datetime | None] = mapped_column(DateTime)

    guichet: Mapped[Guichet] = relationship()
    dossiers: Mapped[list[EnvoiDemande]] = relationship(
        back_populates="envoi", cascade="all, delete-orphan", order_by="EnvoiDemande.rang"
    )


class EnvoiDemande(Base):
    """One demande's dossier in a sending, with the counts the agent declared for it."""

    __tablename__ = "envoi_demande"
    __table_args__ = (
        UniqueConstraint("envoi_id", "demande_id"),
        CheckConstraint("nb_documents > 0 AND nb_pages > nb_documents", name="comptes_positifs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    envoi_id: Mapped[int] = mapped_column(ForeignKey("envoi.id", ondelete="CASCADE"))
    demande_id: Mapped[int] = mapped_column(ForeignKey("demande.id"), index=True)
    #: Position of the dossier in the sending (1 for the first fiche after the bordereau).
    rang: Mapped[int] = mapped_column(Integer)
    nb_documents: Mapped[int] = mapped_column(Integer)
    #: Pages of the dossier, its fiche included.
    nb_pages: Mapped[int] = mapped_column(Integer)

    envoi: Mapped[Envoi] = relationship(back_populates="dossiers")
    demande: Mapped[Demande] = relationship()


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


class Lot(Base):
    """A received batch of scanned pages: the original file, its channel and its progress.

    A second deposit of the same file (same ``sha256``) is recorded too, pointing to
    the first with ``doublon_de_id``, and is not processed again.
    """

    __tablename__ = "lot"
    __table_args__ = (
        Index("ix_lot_statut_echeance", "statut", "echeance"),
        CheckConstraint(
            "statut IN ('recu', 'en_cours', 'traite', 'a_revoir', 'erreur')", name="statut_connu"
        ),
        CheckConstraint(
            "canal IN ('courrier_guichet', 'courrier_demandeur', 'depot_professionnel', "
            "'portail_demandeur')",
            name="canal_connu",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    doublon_de_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    nom_fichier: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(200))
    taille: Mapped[int] = mapped_column(Integer)
    canal: Mapped[str] = mapped_column(String(24))
    #: An applicant's upload names its demande and the piece type they declared.
    numero: Mapped[str | None] = mapped_column(String(18))
    type_declare: Mapped[str | None] = mapped_column(String(40))
    territoire_code: Mapped[str] = mapped_column(ForeignKey("territoire.code"))
    guichet_id: Mapped[int | None] = mapped_column(ForeignKey("guichet.id"))
    depose_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    recu_le: Mapped[datetime] = mapped_column(DateTime)
    #: Two working days after reception (``sne.calendrier.ajouter_jours_ouvres``).
    echeance: Mapped[date] = mapped_column(Date)
    statut: Mapped[str] = mapped_column(String(10), default="recu")
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_faites: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_total: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_faits: Mapped[int] = mapped_column(Integer, default=0)
    #: The split result (``scanning.manifest.Manifest`` as a dict), kept for re-runs.
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    erreur: Mapped[str | None] = mapped_column(Text)
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)
    alerte_retard_le: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    dossiers: Mapped[list[LotDossier]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotDossier.index"
    )


class LotDossier(Base):
    """One dossier found in a batch: the demande it was matched to, or why it waits."""

    __tablename__ = "lot_dossier"
    __table_args__ = (
        UniqueConstraint("lot_id", "index"),
        CheckConstraint("statut IN ('rattache', 'en_attente', 'rejete')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"))
    #: Position of the dossier in the manifest (0 for the first).
    index: Mapped[int] = mapped_column(Integer)
    numero: Mapped[str | None] = mapped_column(String(18))
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"), index=True)
    envoi_id: Mapped[int | None] = mapped_column(ForeignKey("envoi.id"), index=True)
    #: Position of its sending in the manifest, when it came with a bordereau.
    envoi_index: Mapped[int | None] = mapped_column(Integer)
    statut: Mapped[str] = mapped_column(String(10))
    #: Why the dossier waits for an operator or was rejected, in French.
    motif: Mapped[str | None] = mapped_column(Text)
    nb_pages: Mapped[int] = mapped_column(Integer, default=0)
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)

    lot: Mapped[Lot] = relationship(back_populates="dossiers")


class Notification(Base):
    """A mail to send about a processed batch: one per sending or per demande, retried."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_statut", "statut"),
        CheckConstraint("statut IN ('a_envoyer', 'envoyee', 'echec')", name="statut_connu"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    envoi_id: Mapped[int | None] = mapped_column(ForeignKey("envoi.id"))
    demande_id: Mapped[int | None] = mapped_column(ForeignKey("demande.id"))
    destinataire: Mapped[str] = mapped_column(String(254))
    sujet: Mapped[str] = mapped_column(String(300))
    #: The French text, composed once when prepared: a retried send sends the same mail.
    corps: Mapped[str] = mapped_column(Text, server_default="")
    type: Mapped[str] = mapped_column(String(30))
    statut: Mapped[str] = mapped_column(String(10), default="a_envoyer")
    tentatives: Mapped[int] = mapped_column(Integer, default=0)
    derniere_erreur: Mapped[str | None] = mapped_column(Text)
    #: One notification per lot and sending (``"lot:3:envoi:7"``) or lot and demande.
    cle: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    envoyee_le: Mapped[datetime | None] = mapped_column(DateTime)
