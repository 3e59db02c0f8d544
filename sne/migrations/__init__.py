"""Alembic migrations of the SNE schema; run with ``sne migrate`` or ``sne.migrate.upgrade``."""
