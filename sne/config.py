"""Settings: every environment variable the system reads, read here and nowhere else.

Embedded defaults make a fresh checkout run with nothing installed: an SQLite
file under ``var/``, jobs in-process, mails written to ``var/outbox/``, files
on local disk, and a secret key generated into ``var/`` on first use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

#: Project root (the folder holding ``sne/``); ``var/`` lives beside it by default.
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Frozen configuration passed to the services, the portals and the workers."""

    database_url: str
    var_dir: Path
    secret_key: str
    redis_url: str | None = None
    storage_dir: Path | None = None
    outbox_dir: Path | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "ne-pas-repondre@sne.example.fr"
    #: Extra verification keys for QR signatures, by key identifier (key rotation).
    previous_secret_keys: Mapping[str, str] = field(default_factory=dict)
    #: QR reader of the scanning pipeline: "zxing" (default) or "pyzbar".
    qr_decoder: str = "zxing"
    #: Where alerts about batches late on the 2-working-day commitment are mailed.
    alert_to: str | None = None
    #: Local time (Europe/Paris) at which workers run the daily lifecycle, "HH:MM".
    cycle_heure: str = "02:30"
    #: Seconds between an RQ worker's maintenance passes (abandoned jobs are retried there).
    worker_maintenance_s: int = 60
    #: Lifetime of an RQ worker's registration without heartbeat; idle workers wake this often.
    worker_ttl_s: int = 120
    #: CPU priority workers give up (``nice``, 0–19), for a machine shared with the portals
    #: where pages must win over a backlog of OCR; 0 by default (see the README's figures).
    worker_nice: int = 0
    #: Minutes without a request after which a portal session ends.
    web_session_idle_minutes: int = 30
    #: Calls a web-service API token may make per minute (its rate limit).
    api_appels_par_minute: int = 600
    #: Object storage (``s3://bucket``) replacing the local folder; shared by every machine.
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str | None = None
    #: Largest batch an operator may deposit from the digitisation console (bytes).
    console_max_octets: int = 500_000_000
    #: Public address of the public portal, for the links mailed to applicants (préavis).
    public_url: str = "http://127.0.0.1:8001"

    @property
    def storage(self) -> Path:
        """Directory holding stored files (batches, pieces, documents)."""
        return self.storage_dir or self.var_dir / "storage"

    @property
    def outbox(self) -> Path:
        """Directory receiving one ``.eml`` file per mail when no SMTP host is set."""
        return self.outbox_dir or self.var_dir / "outbox"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, falling back on the embedded defaults."""
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("SNE_VAR_DIR") or ROOT / "var")
        database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'sne.sqlite3'}"
        previous = {}
        for item in filter(None, (env.get("SNE_PREVIOUS_SECRET_KEYS") or "").split(",")):
            key_id, _, value = item.partition(":")
            previous[key_id.strip()] = value.strip()
        return cls(
            database_url=database_url,
            var_dir=var_dir,
            secret_key=env.get("SNE_SECRET_KEY") or _generated_secret(var_dir),
            redis_url=env.get("REDIS_URL") or None,
            storage_dir=Path(env["SNE_STORAGE_DIR"]) if env.get("SNE_STORAGE_DIR") else None,
            outbox_dir=Path(env["SNE_OUTBOX_DIR"]) if env.get("SNE_OUTBOX_DIR") else None,
            smtp_host=env.get("SNE_SMTP_HOST") or None,
            smtp_port=int(env.get("SNE_SMTP_PORT") or 25),
            smtp_user=env.get("SNE_SMTP_USER") or None,
            smtp_password=env.get("SNE_SMTP_PASSWORD") or None,
            smtp_starttls=(env.get("SNE_SMTP_STARTTLS") or "").lower() in {"1", "true", "oui"},
            mail_from=env.get("SNE_MAIL_FROM") or "ne-pas-repondre@sne.example.fr",
            previous_secret_keys=previous,
            qr_decoder=_choix(env, "SNE_QR_DECODER", ("zxing", "pyzbar")),
            alert_to=env.get("SNE_ALERT_TO") or None,
            cycle_heure=_heure(env.get("SNE_CYCLE_HEURE") or "02:30"),
            worker_maintenance_s=_secondes(env, "SNE_WORKER_MAINTENANCE_S", 60),
            worker_ttl_s=_secondes(env, "SNE_WORKER_TTL_S", 120, minimum=20),
            worker_nice=_nice(env.get("SNE_WORKER_NICE") or "0"),
            web_session_idle_minutes=_secondes(
                env, "SNE_WEB_SESSION_IDLE_MINUTES", 30, unite="minutes"
            ),
            api_appels_par_minute=_secondes(
                env, "SNE_API_APPELS_PAR_MINUTE", 600, unite="appels par minute"
            ),
            storage_url=_storage_url(env.get("SNE_STORAGE_URL") or None),
            s3_endpoint_url=env.get("SNE_S3_ENDPOINT_URL") or None,
            s3_access_key=env.get("SNE_S3_ACCESS_KEY") or None,
            s3_secret_key=env.get("SNE_S3_SECRET_KEY") or None,
            s3_region=env.get("SNE_S3_REGION") or None,
            console_max_octets=_secondes(
                env, "SNE_CONSOLE_MAX_OCTETS", 500_000_000, unite="octets"
            ),
            public_url=(env.get("SNE_PUBLIC_URL") or "http://127.0.0.1:8001").rstrip("/"),
        )


def _choix(env: Mapping[str, str], nom: str, valeurs: tuple[str, ...]) -> str:
    """Read a variable that takes one of ``valeurs`` (the first by default); refuse others."""
    valeur = (env.get(nom) or valeurs[0]).strip().lower()
    if valeur not in valeurs:
        raise ValueError(f"{nom}={valeur!r} : valeurs possibles {', '.join(valeurs)}.")
    return valeur


def _secondes(
    env: Mapping[str, str], nom: str, defaut: int, *, minimum: int = 1, unite: str = "secondes"
) -> int:
    """Read a whole number of seconds (or ``unite``), at least ``minimum``; refuse others in French."""
    brut = (env.get(nom) or str(defaut)).strip()
    if not brut.isdigit() or int(brut) < minimum:
        raise ValueError(f"{nom}={brut!r} : nombre entier de {unite} attendu, au moins {minimum}.")
    return int(brut)


def _nice(valeur: str) -> int:
    """Check the workers' CPU priority: a whole number from 0 (as the portals) to 19 (lowest)."""
    if not valeur.strip().isdigit() or int(valeur) > 19:
        raise ValueError(f"SNE_WORKER_NICE={valeur!r} : nombre entier de 0 à 19 attendu.")
    return int(valeur)


def _storage_url(valeur: str | None) -> str | None:
    """Check the object storage address: ``s3://bucket`` (optionally ``/prefix``)."""
    if valeur is not None and (not valeur.startswith("s3://") or not valeur[5:].strip("/")):
        raise ValueError(f"SNE_STORAGE_URL={valeur!r} : adresse attendue de la forme s3://bucket.")
    return valeur


def _heure(valeur: str) -> str:
    """Check a local time of day written ``HH:MM``."""
    try:
        time.fromisoformat(valeur)
    except ValueError:
        raise ValueError(f"SNE_CYCLE_HEURE={valeur!r} : heure attendue au format HH:MM.") from None
    return valeur


def _generated_secret(var_dir: Path) -> str:
    """Return the secret key kept in ``var/secret_key``, creating it on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create with owner-only permissions: the key signs sessions and QR codes.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
