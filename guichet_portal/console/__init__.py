"""The digitisation console (``/console``): the operators' day, from intake to incidents.

Intake (``depot``), the queue of lots (``file_lots``), the deadlines board
(``echeances``), mails and jobs (``courriers``), incident reports (``incidents``).
An operator never edits a demande; an agent never reaches the console.
"""

from __future__ import annotations

from guichet_portal.console import courriers, depot, echeances, file_lots, incidents
from guichet_portal.console.blueprint import bp

__all__ = ["bp", "courriers", "depot", "echeances", "file_lots", "incidents"]
