"""Shared helpers for benchmarks: machine description and the JSON result file."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, figures: dict[str, Any], *, notes: str = "") -> Path:
    """Print ``figures`` readably and write them to ``var/bench/NAME.json``.

    Figure names carry their unit (``pages_per_s``, ``p95_ms``, ``peak_rss_mb``);
    ratios against a baseline end in ``_ratio``.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures,
        "notes": notes,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    width = max(len(key) for key in figures) if figures else 0
    print(f"== {name} ({document['machine']['cores']} cores)")
    for key, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"   {key:<{width}}  {shown}")
    if notes:
        print(f"   {notes}")
    sys.stdout.flush()
    return path
