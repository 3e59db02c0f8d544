"""Mail: real SMTP against a local server, or .eml files in the outbox by default."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest

from sne.config import Settings
from sne.mail import composer, envoyeur
from tests.smtp import Collecte, serveur_smtp


@pytest.fixture
def smtp() -> Iterator[tuple[int, Collecte]]:
    with serveur_smtp() as serveur:
        yield serveur


def _message() -> email.message.EmailMessage:
    return composer(
        expediteur="sne@example.fr",
        destinataire="claire.nguyen@example.fr",
        sujet="Votre demande arrive à échéance",
        texte="Bonjour,\n\nVotre demande n° 0130326000001G1301 expire le 16/03/2027.",
    )


def test_mail_goes_through_a_real_smtp_server(smtp: tuple[int, Collecte], tmp_path: Path) -> None:
    port, collecte = smtp
    settings = Settings(
        database_url="sqlite://",
        var_dir=tmp_path,
        secret_key="k",
        smtp_host="127.0.0.1",
        smtp_port=port,
    )
    envoyeur(settings)(_message())
    (recu,) = collecte.messages
    assert recu["To"] == "claire.nguyen@example.fr"
    assert recu["Subject"] == "Votre demande arrive à échéance"
    assert "16/03/2027" in recu.get_body(("plain",)).get_content()
    assert 'lang="fr"' in recu.get_body(("html",)).get_content()
    assert not settings.outbox.exists()


def test_without_smtp_each_mail_is_an_eml_file_in_the_outbox(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", var_dir=tmp_path, secret_key="k")
    envoyeur(settings)(_message())
    (fichier,) = settings.outbox.glob("*.eml")
    relu = email.message_from_bytes(fichier.read_bytes(), policy=policy.default)
    assert relu["Subject"] == "Votre demande arrive à échéance"
    assert list(settings.outbox.glob(".*")) == []  # no half-written file left behind


@pytest.mark.parametrize(
    "sujet",
    [
        "Pièces numérisées : l'envoi E013-0000A reçu le 16/03/2026 a été traité",
        "Pièces numérisées : le dépôt « lot-2026-03-16-guichet-nord.pdf » reçu le 16/03/2026 a été traité",
        "Préavis : " + "très " * 40 + "long",
    ],
)
def test_long_accented_subjects_arrive_with_every_space(
    smtp: tuple[int, Collecte], tmp_path: Path, sujet: str
) -> None:
    port, collecte = smtp
    settings = Settings(
        database_url="sqlite://",
        var_dir=tmp_path,
        secret_key="k",
        smtp_host="127.0.0.1",
        smtp_port=port,
    )
    message = composer(
        expediteur="sne@example.fr", destinataire="a@example.fr", sujet=sujet, texte="x"
    )
    envoyeur(settings)(message)
    (recu,) = collecte.messages
    assert recu["Subject"] == sujet
    assert max(len(ligne) for ligne in bytes(message).splitlines()) <= 78
