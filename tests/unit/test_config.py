"""Settings: embedded defaults, environment overrides, the generated secret key."""

import stat
from pathlib import Path

import pytest

from sne.config import Settings


def test_embedded_defaults_live_under_var(tmp_path: Path) -> None:
    settings = Settings.from_env({"SNE_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'sne.sqlite3'}"
    assert settings.redis_url is None
    assert settings.smtp_host is None
    assert settings.outbox == tmp_path / "outbox"
    assert settings.storage == tmp_path / "storage"


def test_secret_key_is_generated_once_and_private(tmp_path: Path) -> None:
    first = Settings.from_env({"SNE_VAR_DIR": str(tmp_path)}).secret_key
    second = Settings.from_env({"SNE_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 40
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_environment_overrides_every_default(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "SNE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://sne@db/sne",
            "REDIS_URL": "redis://cache:6379/0",
            "SNE_SECRET_KEY": "s" * 50,
            "SNE_PREVIOUS_SECRET_KEYS": "2025:ancienne-cle, 2024:plus-ancienne",
            "SNE_SMTP_HOST": "smtp.example.fr",
            "SNE_SMTP_PORT": "587",
            "SNE_SMTP_STARTTLS": "oui",
            "SNE_STORAGE_DIR": str(tmp_path / "fichiers"),
        }
    )
    assert settings.database_url == "postgresql://sne@db/sne"
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.secret_key == "s" * 50
    assert dict(settings.previous_secret_keys) == {"2025": "ancienne-cle", "2024": "plus-ancienne"}
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "smtp.example.fr",
        587,
        True,
    )
    assert settings.storage == tmp_path / "fichiers"
    assert not (tmp_path / "secret_key").exists()


def test_worker_and_schedule_settings_are_checked(tmp_path: Path) -> None:
    base = {"SNE_VAR_DIR": str(tmp_path), "SNE_SECRET_KEY": "s" * 40}
    defaut = Settings.from_env(base)
    assert (defaut.cycle_heure, defaut.worker_maintenance_s, defaut.worker_ttl_s) == (
        "02:30",
        60,
        120,
    )
    reglee = Settings.from_env(
        {**base, "SNE_CYCLE_HEURE": "05:15", "SNE_WORKER_MAINTENANCE_S": "30"}
    )
    assert (reglee.cycle_heure, reglee.worker_maintenance_s) == ("05:15", 30)
    with pytest.raises(ValueError, match="HH:MM"):
        Settings.from_env({**base, "SNE_CYCLE_HEURE": "2h30"})
    with pytest.raises(ValueError, match="au moins 20"):
        Settings.from_env({**base, "SNE_WORKER_TTL_S": "5"})
    with pytest.raises(ValueError, match="entier de secondes"):
        Settings.from_env({**base, "SNE_WORKER_MAINTENANCE_S": "une minute"})
    assert defaut.worker_nice == 0
    assert Settings.from_env({**base, "SNE_WORKER_NICE": "10"}).worker_nice == 10
    with pytest.raises(ValueError, match="de 0 à 19"):
        Settings.from_env({**base, "SNE_WORKER_NICE": "20"})
