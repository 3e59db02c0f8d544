"""Run every benchmark in turn (``make bench``); each writes var/bench/NAME.json."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import bench


def main() -> int:
    """Import each ``bench/bench_*.py`` module and call its ``main()``; report failures at the end."""
    failed = []
    for module in sorted(
        pkgutil.iter_modules([str(Path(bench.__file__).parent)]), key=lambda m: m.name
    ):
        if not module.name.startswith("bench_"):
            continue
        try:
            importlib.import_module(f"bench.{module.name}").main()
        except Exception as error:  # noqa: BLE001 - one broken benchmark must not hide the others
            print(f"!! {module.name} a échoué : {error!r}", file=sys.stderr)
            failed.append(module.name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
