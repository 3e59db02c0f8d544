"""Notification mails after a batch: to the guichet's référent, after commit, retried, never lost."""

from __future__ import annotations

import dataclasses
import email
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from sne.models import Notification
from sne.services import notifications
from tests.factories import Chaine, deposer_envoi
from tests.smtp import Collecte, port_libre, serveur_smtp
from workers.jobs import envoyer_notification, traiter_lot
from workers.queue import context


@pytest.fixture
def smtp() -> Iterator[tuple[int, Collecte]]:
    with serveur_smtp() as serveur:
        yield serveur


def _texte(message: email.message.EmailMessage) -> str:
    partie = message.get_body(("plain",))
    assert partie is not None
    return str(partie.get_content())


def test_the_referent_gets_one_mail_per_sending_listing_the_pieces(
    chaine: Chaine,
    smtp: tuple[int, Collecte],
    tmp_path: Path,
) -> None:
    settings, uow, _ref, ctx = chaine
    port, collecte = smtp
    ctx = context(
        dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port), ctx.session_factory
    )
    lot_id = deposer_envoi(chaine, tmp_path)
    traiter_lot(ctx, lot_id)
    assert len(collecte.messages) == 1
    [message] = collecte.messages
    assert message["To"] == "referent@hmp.example.fr"
    assert "a été traité" in message["Subject"]
    texte = _texte(message)
    assert "Pièces téléversées" in texte and "Demande 013" in texte
    assert message.get_body(("html",)) is not None
    with uow() as unit:
        [notification] = unit.session.scalars(select(Notification)).all()
        assert (notification.statut, notification.tentatives) == ("envoyee", 1)
    # Running the batch again prepares and sends nothing more.
    traiter_lot(ctx, lot_id)
    assert len(collecte.messages) == 1


def test_a_failed_send_is_recorded_then_sent_on_retry(
    chaine: Chaine,
    smtp: tuple[int, Collecte],
    tmp_path: Path,
) -> None:
    settings, uow, _ref, ctx = chaine
    port, collecte = smtp
    ferme = context(
        dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port_libre()),
        ctx.session_factory,
    )
    lot_id = deposer_envoi(chaine, tmp_path)
    traiter_lot(ferme, lot_id)  # the in-process queue records the failure, the lot is done
    with uow() as unit:
        [notification] = unit.session.scalars(select(Notification)).all()
        assert notification.statut == "echec" and notification.tentatives == 1
        assert "ConnectionRefusedError" in (notification.derniere_erreur or "")
        ident = notification.id
    with pytest.raises(ConnectionRefusedError):
        envoyer_notification(ferme, notification_id=ident)
    assert notifications.a_relancer(uow()) == [ident]
    ouvert = context(
        dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port), ctx.session_factory
    )
    assert envoyer_notification(ouvert, notification_id=ident) == "envoyee"
    assert envoyer_notification(ouvert, notification_id=ident) == "deja_envoyee"
    assert len(collecte.messages) == 1
    with uow() as unit:
        notification = unit.session.get(Notification, ident)
        assert notification is not None
        assert (notification.statut, notification.tentatives) == ("envoyee", 3)
        assert notification.derniere_erreur is None


def test_by_default_the_mail_lands_in_the_outbox(chaine: Chaine, tmp_path: Path) -> None:
    settings, _uow, _ref, ctx = chaine
    lot_id = deposer_envoi(chaine, tmp_path)
    traiter_lot(ctx, lot_id)
    fichiers = list(settings.outbox.glob("*.eml"))
    assert len(fichiers) == 1
    message = email.message_from_bytes(fichiers[0].read_bytes(), policy=policy.default)
    assert "Pièces téléversées" in _texte(message)  # type: ignore[arg-type]
