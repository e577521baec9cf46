"""Reaching behind Berkas's back, as an attacker with database access would, on either backend."""

from __future__ import annotations

from sqlalchemy import Engine, text


def drop_audit_guard(engine: Engine, table: str = "audit_entries") -> None:
    """Remove the triggers that make an audit table append-only."""
    statements = (
        [f"DROP TRIGGER {table}_no_change ON {table}"]
        if engine.dialect.name == "postgresql"
        else [f"DROP TRIGGER {table}_no_update", f"DROP TRIGGER {table}_no_delete"]
    )
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def execute(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)
