"""``python -m sne.cli``: the ``sne`` command where the console script is not on the path."""

from sne.cli import main

main()
