"""The one file store of lot originals, pieces and documents: content-addressed, atomic, streamed.

Files are named by the SHA-256 of their content, so storing the same file twice
keeps one copy and a key never changes meaning. Two backends: a local folder
(the embedded default, ``SNE_STORAGE_DIR``) and S3-compatible object storage
(``SNE_STORAGE_URL=s3://bucket``), which lets web and worker processes on
several machines share the files. A write is atomic on both: a key shows the
whole content or nothing, and a failed write leaves no temporary file behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from sne.config import Settings

#: Bytes read or written at a time: files are streamed, never loaded whole.
CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """Where a file went and what it is."""

    key: str
    sha256: str
    size: int


class Backend(Protocol):
    """Where the bytes live: a folder or a bucket."""

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` holds a file."""
        ...

    def write(self, key: str, source: IO[bytes]) -> None:
        """Write ``source`` under ``key`` atomically: the whole content or nothing."""
        ...

    def chunks(self, key: str) -> Iterator[bytes]:
        """Read ``key`` piece by piece; ``FileNotFoundError`` when it holds nothing."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (nothing happens when it holds nothing)."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file of ``key`` on this machine's disk, when the backend keeps one."""
        ...


@dataclass(frozen=True)
class LocalBackend:
    """A folder on this machine (or a shared mount): temporary file, then rename."""

    root: Path

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"clé de stockage invalide : {key!r}")
        return self.root / key

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` holds a file."""
        return self._path(key).is_file()

    def write(self, key: str, source: IO[bytes]) -> None:
        """Copy ``source`` to a temporary file beside the target, then rename it (read-only)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as output:
                shutil.copyfileobj(source, output, CHUNK)
            os.chmod(temporary, 0o444)  # stored files are never modified
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def chunks(self, key: str) -> Iterator[bytes]:
        """Read ``key`` piece by piece."""
        with self._path(key).open("rb") as source:
            while chunk := source.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        """Remove ``key``."""
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        """The file itself."""
        return self._path(key)


@dataclass(frozen=True)
class S3Backend:
    """A bucket of an S3-compatible server; an object appears only once fully uploaded."""

    client: S3Client
    bucket: str
    prefix: str = ""

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def exists(self, key: str) -> bool:
        """Ask the server for the object's head."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def write(self, key: str, source: IO[bytes]) -> None:
        """Upload ``source``; a multipart upload that fails is aborted by the transfer manager."""
        self.client.upload_fileobj(source, self.bucket, self._key(key))

    def chunks(self, key: str) -> Iterator[bytes]:
        """Stream the object's body."""
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(key) from None
            raise
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        """Delete the object."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def local_path(self, key: str) -> Path | None:
        """Objects have no file on this machine."""
        return None


@dataclass(frozen=True)
class FileStore:
    """Store files by content hash and read them back, whatever the backend."""

    backend: Backend

    def put(self, source: Path, *, folder: str, extension: str, shard: bool = False) -> StoredFile:
        """Store ``source`` as ``folder/<sha256>.<extension>`` (``folder/ab/<sha256>…`` sharded).

        A file already stored under that key is not written again.
        """
        with source.open("rb") as data:
            sha256 = hashlib.file_digest(data, "sha256").hexdigest()
            size = data.tell()
            name = f"{sha256}.{extension.lstrip('.').lower()}"
            key = f"{folder}/{sha256[:2]}/{name}" if shard else f"{folder}/{name}"
            if not self.backend.exists(key):
                data.seek(0)
                self.backend.write(key, data)
        return StoredFile(key, sha256, size)

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` holds a file."""
        return self.backend.exists(key)

    def stream(self, key: str) -> Iterator[bytes]:
        """Read ``key`` piece by piece (``FileNotFoundError`` when absent)."""
        return self.backend.chunks(key)

    def read_bytes(self, key: str) -> bytes:
        """Read a small file whole (a piece, a document)."""
        return b"".join(self.backend.chunks(key))

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens when it holds nothing."""
        self.backend.delete(key)

    @contextmanager
    def local_copy(self, key: str, work_dir: Path | None = None) -> Iterator[Path]:
        """A path on this machine's disk to hand ``key`` to the scanning library.

        The local backend yields the stored file itself (read-only); the object
        store downloads it into ``work_dir`` and removes the copy afterwards.
        """
        path = self.backend.local_path(key)
        if path is not None:
            if not path.is_file():
                raise FileNotFoundError(key)
            yield path
            return
        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=work_dir, prefix=".copie-"))
        try:
            copy = folder / Path(key).name  # the same name as on disk: manifests cite it
            with copy.open("wb") as output:
                for chunk in self.backend.chunks(key):
                    output.write(chunk)
            yield copy
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def local_store(root: Path) -> FileStore:
    """A store in the folder ``root``."""
    return FileStore(LocalBackend(root))


def s3_store(
    url: str,
    *,
    endpoint_url: str | None,
    access_key: str | None,
    secret_key: str | None,
    region: str | None,
) -> FileStore:
    """A store in the bucket of ``url`` (``s3://bucket`` or ``s3://bucket/prefix``, checked by
    ``Settings``)."""
    bucket, _, prefix = url[5:].partition("/")
    client = _s3_client(endpoint_url, access_key, secret_key, region)
    return FileStore(S3Backend(client, bucket, prefix.strip("/") + "/" if prefix else ""))


@cache
def _s3_client(
    endpoint_url: str | None, access_key: str | None, secret_key: str | None, region: str | None
) -> S3Client:
    """One client per server and keys in a process (clients are thread-safe and slow to build)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
        # Path-style addressing: S3-compatible servers (SeaweedFS, MinIO…) serve it everywhere.
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )


def store_for(settings: Settings) -> FileStore:
    """The store the settings call for: the bucket when ``SNE_STORAGE_URL`` is set, else the folder."""
    if settings.storage_url:
        return s3_store(
            settings.storage_url,
            endpoint_url=settings.s3_endpoint_url,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            region=settings.s3_region,
        )
    return local_store(settings.storage)


def as_store(storage: FileStore | Path) -> FileStore:
    """Accept a store or a local folder (callers that still pass ``settings.storage``)."""
    return storage if isinstance(storage, FileStore) else local_store(storage)
