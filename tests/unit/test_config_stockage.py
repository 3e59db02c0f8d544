"""Settings of the file store: the local folder by default, an S3 bucket when its URL is set."""

from pathlib import Path

import pytest

from sne.config import Settings
from sne.stockage import LocalBackend, S3Backend, store_for


def test_local_folder_is_the_default_store(tmp_path: Path) -> None:
    settings = Settings.from_env({"SNE_VAR_DIR": str(tmp_path), "SNE_SECRET_KEY": "s" * 40})
    assert settings.storage_url is None
    backend = store_for(settings).backend
    assert isinstance(backend, LocalBackend) and backend.root == tmp_path / "storage"


def test_s3_settings_select_the_bucket(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "SNE_VAR_DIR": str(tmp_path),
            "SNE_SECRET_KEY": "s" * 40,
            "SNE_STORAGE_URL": "s3://sne-fichiers/prod",
            "SNE_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
            "SNE_S3_ACCESS_KEY": "cle",
            "SNE_S3_SECRET_KEY": "secret",
            "SNE_S3_REGION": "fr-par",
        }
    )
    assert (settings.s3_endpoint_url, settings.s3_access_key, settings.s3_region) == (
        "http://127.0.0.1:8333",
        "cle",
        "fr-par",
    )
    backend = store_for(settings).backend
    assert isinstance(backend, S3Backend)
    assert (backend.bucket, backend.prefix) == ("sne-fichiers", "prod/")


@pytest.mark.parametrize("url", ["http://bucket", "s3://", "sne-fichiers"])
def test_a_malformed_storage_url_is_refused_in_french(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError, match="adresse attendue de la forme s3://bucket"):
        Settings.from_env(
            {"SNE_VAR_DIR": str(tmp_path), "SNE_SECRET_KEY": "s" * 40, "SNE_STORAGE_URL": url}
        )
