"""Reaching behind Berkas's back, as an attacker with database access would, on either backend."""

from __future__ import annotations

from sqlalchemy import Engine, text


def drop_audit_guard(engine: Engine) -> None:
    """Remove the triggers that make the audit table append-only."""
    statements = (
        ["DROP TRIGGER audit_entries_no_change ON audit_entries"]
        if engine.dialect.name == "postgresql"
        else ["DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete"]
    )
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def execute(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)
