"""Alembic migrations of the Berkas schema (``berkas migrate`` applies them)."""
