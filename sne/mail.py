"""Outgoing mail: SMTP when configured, otherwise one ``.eml`` file per mail in the outbox.

Messages are French, with a plain-text and an HTML part. Services never send
directly: they register the sending with ``uow.after_commit`` so that a mail
only ever describes committed data.
"""

from __future__ import annotations

import html
import smtplib
import uuid
from collections.abc import Callable
from email.header import Header
from email.message import EmailMessage
from email.parser import HeaderParser
from email.policy import EmailPolicy
from email.policy import default as politique_par_defaut
from email.utils import formatdate, make_msgid
from pathlib import Path

from sne.config import Settings

Envoyer = Callable[[EmailMessage], None]


class _Politique(EmailPolicy):
    """The default policy, but a subject it would fold wrongly is folded by ``email.header``.

    Python 3.11's folder can split a long accented subject into encoded words with
    the space between them outside both, and a reader drops such a space
    (RFC 2047): "E013-0000A reçu" arrived as "E013-0000Areçu". The default folding
    is kept whenever it reads back unchanged (it leaves plain words readable).
    """

    def fold(self, name: str, value: str) -> str:
        plie = str(super().fold(name, value))
        if name.lower() != "subject" or _relu(plie, name) == str(value):
            return plie
        entete = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {entete}{self.linesep}"

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() != "subject":
            return super().fold_binary(name, value)
        return self.fold(name, value).encode("ascii")


def _relu(ligne: str, name: str) -> str:
    """The value a reader gets back from a folded header line."""
    return str(HeaderParser(policy=politique_par_defaut).parsestr(ligne)[name])


#: ``email.policy.default`` with that one correction.
POLITIQUE = _Politique()


def composer(*, expediteur: str, destinataire: str, sujet: str, texte: str) -> EmailMessage:
    """Build a French mail with a plain-text body and the same text as simple HTML."""
    message = EmailMessage(policy=POLITIQUE)
    message["From"] = expediteur
    message["To"] = destinataire
    message["Subject"] = sujet
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="sne.example.fr")
    message["Content-Language"] = "fr"
    message.set_content(texte)
    paragraphes = "".join(
        f"<p>{html.escape(bloc).replace(chr(10), '<br>')}</p>" for bloc in texte.split("\n\n")
    )
    message.add_alternative(
        f'<!doctype html><html lang="fr"><body>{paragraphes}</body></html>', subtype="html"
    )
    return message


def envoyeur(settings: Settings) -> Envoyer:
    """Return the sending function the settings call for (SMTP or outbox folder)."""
    if settings.smtp_host:
        return lambda message: _smtp(settings, message)
    return lambda message: _outbox(settings.outbox, message)


def _smtp(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def _outbox(outbox: Path, message: EmailMessage) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader of the outbox never sees half a mail.
    name = f"{uuid.uuid4().hex}.eml"
    temporary = outbox / f".{name}.tmp"
    temporary.write_bytes(bytes(message))
    temporary.rename(outbox / name)
