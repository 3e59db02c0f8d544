"""Where jobs go, and the typed helpers that put them there: no job name is spelled elsewhere.

Arguments are identifiers and plain values serialised as JSON (never pickled
objects, never personal data in Redis). Callers enqueue from
``uow.after_commit`` so that a worker never sees uncommitted rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

#: Queues named after the kind of work, in the order a worker serves them: mails first (each
#: takes milliseconds and somebody waits for it), so they never wait behind a backlog of batches.
QUEUES = ("mails", "scans", "default")

#: Job names, as registered in ``workers.queue.JOBS``.
TRAITER_LOT = "traiter_lot"
ENVOYER_NOTIFICATION = "envoyer_notification"
CYCLE_QUOTIDIEN = "cycle_quotidien"


class JobQueue(Protocol):
    """Where jobs go: in-process or RQ."""

    def enqueue(self, job: str, *, queue: str = "default", **arguments: Any) -> str:
        """Schedule ``job`` with JSON-serialisable ``arguments``; return the job's identifier."""
        ...


def json_only(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse anything that would not survive a JSON round trip unchanged."""
    encoded = json.dumps(arguments, sort_keys=True)
    decoded: dict[str, Any] = json.loads(encoded)
    if decoded != dict(arguments):
        raise TypeError(f"job arguments must be plain JSON values: {arguments!r}")
    return decoded


def enqueue_traiter_lot(queue: JobQueue, lot_id: int) -> str:
    """Process the deposited batch ``lot_id`` (split, cut, match, attach) on the scans queue."""
    return queue.enqueue(TRAITER_LOT, queue="scans", lot_id=lot_id)


def enqueue_envoyer_notification(queue: JobQueue, notification_id: int) -> str:
    """Send the prepared notification mail ``notification_id`` on the mails queue."""
    return queue.enqueue(ENVOYER_NOTIFICATION, queue="mails", notification_id=notification_id)


def enqueue_cycle_quotidien(
    queue: JobQueue, jour: date | None = None, territoire: str | None = None
) -> str:
    """Run the cycle quotidien of ``jour`` (today in Paris by default) now."""
    arguments: dict[str, Any] = {}
    if jour is not None:
        arguments["jour"] = jour.isoformat()
    if territoire is not None:
        arguments["territoire"] = territoire
    return queue.enqueue(CYCLE_QUOTIDIEN, queue="default", **arguments)
