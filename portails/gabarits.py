"""Template loading: a portal's own templates, plus the one shared file of DSFR macros."""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader

#: The DSFR macros (``ui/dsfr.html``), written once for both portals.
UI = Path(__file__).resolve().parent.parent / "guichet_portal" / "templates" / "ui"


def chargeur(propres: Path) -> BaseLoader:
    """Load ``propres`` first, and ``ui/...`` from the shared macros."""
    return ChoiceLoader([FileSystemLoader(propres), PrefixLoader({"ui": FileSystemLoader(UI)})])
