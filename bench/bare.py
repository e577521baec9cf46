"""The ceiling for HTTP transitions: a bare FastAPI endpoint doing a transition's two writes as
raw SQL (one UPDATE of the case, one INSERT into its audit), in the same harness, on a copy of
the same database, with the same engine tuning. Run by uvicorn:
``uvicorn --factory bench.bare:create_app`` with ``BENCH_DATABASE_URL`` set."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import Connection, text

from infra.db import WRITE_OPTION, make_engine

UPDATE = text("UPDATE cases SET version = version + 1, updated_at = :now WHERE id = :id")
INSERT = text(
    "INSERT INTO audit_entries (case_id, seq, at, actor_name, action, comment, payload, "
    "prev_hash, hash) VALUES (:id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_entries "
    "WHERE case_id = :id), :now, 'bench', 'bench', '', '{}', :h, :h)")


def raw_transition(conn: Connection, case_id: int) -> None:
    """The writes of a transition, and nothing else (shared with the in-process measure)."""
    now = datetime.now(UTC)
    conn.execute(UPDATE, {"id": case_id, "now": now})
    conn.execute(INSERT, {"id": case_id, "now": now, "h": "0" * 64})


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bare/{case_id}")
    def bare(case_id: int) -> dict[str, int]:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            raw_transition(conn, case_id)
            conn.commit()
        return {"id": case_id}

    return app
