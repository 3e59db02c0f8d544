"""Workers: job functions joining ``scanning/`` to ``sne/``, the queue, the worker command."""
