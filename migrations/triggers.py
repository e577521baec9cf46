"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

Kept apart from the revisions so later migrations that rebuild a table can re-create them.
SQLite's ``INSERT OR REPLACE`` deletes the conflicting row without firing DELETE triggers
(unless ``recursive_triggers`` is on), so an insert that would meet an existing entry is
refused before it happens; PostgreSQL's ``ON CONFLICT DO UPDATE`` fires the UPDATE trigger.
"""

from __future__ import annotations

from alembic import op

AUDIT_TABLES = {"audit_entries": "case_id = NEW.case_id AND seq = NEW.seq",
                "system_audit_entries": "seq = NEW.seq"}


def _message(table: str) -> str:
    return f"{table} is append-only"


def _sqlite(table: str, same_entry: str) -> list[str]:
    message = _message(table)
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
            WHEN EXISTS (SELECT 1 FROM {table} WHERE ({same_entry}) OR id = NEW.id)
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",  # noqa: S608 - names are ours
    ]


def _postgres(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{_message(table)}'; END; $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_refuse()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse()""",
    ]


def create_audit_triggers(table: str = "audit_entries", replace_guard: bool = False) -> None:
    """Make ``table`` append-only. Revision 0001 made ``audit_entries`` so without the
    refusal of a replacing insert, which revision 0005 adds (``replace_guard``)."""
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgres(table)
    else:
        statements = _sqlite(table, AUDIT_TABLES[table])[: 3 if replace_guard else 2]
    for statement in statements:
        op.execute(statement)


def create_replace_guard(table: str) -> None:
    """Only the refusal of a replacing insert (SQLite; PostgreSQL needs none)."""
    if op.get_bind().dialect.name != "postgresql":
        op.execute(_sqlite(table, AUDIT_TABLES[table])[2])


def drop_audit_triggers(table: str = "audit_entries") -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse()")
    else:
        for suffix in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
