"""A real SMTP server on loopback that catches the mails a test makes the system send."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from typing import Any

from aiosmtpd.controller import Controller


class Collecte:
    """The aiosmtpd handler keeping every message received, parsed, in ``messages``."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def port_libre() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sonde:
        sonde.bind(("127.0.0.1", 0))
        return int(sonde.getsockname()[1])


@contextmanager
def serveur_smtp() -> Iterator[tuple[int, Collecte]]:
    """Start a server on a free loopback port; yield its port and what it caught; stop it."""
    collecte = Collecte()
    controller = Controller(collecte, hostname="127.0.0.1", port=port_libre())
    controller.start()
    try:
        yield controller.port, collecte
    finally:
        controller.stop()
