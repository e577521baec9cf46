"""The ceilings of ``make bench``: an async FastAPI app doing, with the raw driver, only the
essential work of what Berkas serves, on a copy of the same database.

- ``POST /api/cases/{id}/transitions/{trigger}`` (body ``{"version": n, "comment": "…"}``, the
  same request wrk sends Berkas): in one transaction, read the case's state, version and sealed
  audit head (``audit_seq``, ``audit_hash``, ``audit_seal``, kept on the case row), check the
  seal, the source state and the version; hash the audit entry (:func:`cases.audit.chain_hash`,
  SHA-256 over the previous hash and canonical JSON) and seal the new head
  (:func:`cases.audit.seal`, HMAC-SHA256); UPDATE the case (state, version + 1, updated_at and
  the head); INSERT the entry; commit. Answers ``{"id", "state", "version"}``.
- ``GET /api/cases/{id}`` and ``GET /cases/{id}``: read the case row by id and answer it as JSON.

No authentication, guards, deadlines, counters or notices: that is the headroom Berkas's own
work is measured against. SQLite: one connection, used without an ``await`` between BEGIN
IMMEDIATE and COMMIT, so the event loop itself serializes the writers (no busy waits, no thread
hop). PostgreSQL: a pool of psycopg async connections, the case row locked FOR UPDATE.

Run by uvicorn: ``uvicorn --factory bench.ceiling:create_app`` with ``BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bench.generate import SECRET
from cases.audit import case_chain, chain_hash, head_is_sealed, seal
from infra.config import Settings
from workflows.common import RESUBMIT, RETURN_FOR_REVISION

# trigger -> (source, destination), from the workflow's own specs.
MOVES = {spec.trigger: (str(spec.sources[0]), str(spec.dest))
         for spec in (RETURN_FOR_REVISION, RESUBMIT)}
ACTOR = "Fajar Ramadhan"  # the officer wrk acts as on Berkas
READ = "SELECT * FROM cases WHERE id = {p}"
HEAD = "SELECT state, version, audit_seq, audit_hash, audit_seal FROM cases WHERE id = {p}"
UPDATE = ("UPDATE cases SET state = {p}, version = version + 1, updated_at = {p}, audit_seq = {p},"
          " audit_hash = {p}, audit_seal = {p} WHERE id = {p}")
INSERT = ("INSERT INTO audit_entries (case_id, seq, at, actor_id, actor_name, action, from_state,"
          " to_state, comment, payload, prev_hash, hash) VALUES ({p}, {p}, {p}, {p}, {p},"
          " 'transition', {p}, {p}, {p}, {p}, {p}, {p})")


class Refused(Exception):
    """The request cannot move the case (unknown case, wrong state, stale version)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


class Store(Protocol):
    async def transition(self, case_id: int, trigger: str, version: int, comment: str
                         ) -> dict[str, Any]: ...

    async def read(self, case_id: int) -> dict[str, Any]: ...

    async def close(self) -> None: ...


def entry(case_id: int, head: tuple[str, int, int, str, str], trigger: str, version: int,
          comment: str, actor_id: int, key: bytes, now: datetime
          ) -> tuple[str, dict[str, Any], str, str]:
    """Check a head read from the case row and build the next audit entry: the destination,
    the hashed fields, their hash and the new head's seal."""
    state, current, seq, prev_hash, sealed = head
    if trigger not in MOVES or MOVES[trigger][0] != state:
        raise Refused(409, f"{trigger} not allowed from {state}")
    if current != version:
        raise Refused(409, "stale version")
    if not head_is_sealed(key, case_chain(case_id), seq, prev_hash, sealed):
        raise Refused(409, "audit chain broken")
    dest = MOVES[trigger][1]
    fields = {"case_id": case_id, "seq": seq + 1, "at": now.isoformat(), "actor_id": actor_id,
              "actor_name": ACTOR, "action": "transition", "from_state": state,
              "to_state": dest, "comment": comment, "payload": {"trigger": trigger, "data": {}}}
    digest = chain_hash(prev_hash, fields)
    return dest, fields, digest, seal(key, case_chain(case_id), seq + 1, digest)


class SqliteStore:
    """One connection; each transaction runs to its COMMIT without yielding the event loop."""

    def __init__(self, path: str, actor_id: int, key: bytes) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL",
                       "busy_timeout=30000"):  # as infra.db tunes Berkas's connections
            self.db.execute(f"PRAGMA {pragma}")
        self.actor_id, self.key = actor_id, key

    async def transition(self, case_id: int, trigger: str, version: int, comment: str
                         ) -> dict[str, Any]:
        db, now = self.db, datetime.now(UTC)
        db.execute("BEGIN IMMEDIATE")
        try:
            head = db.execute(HEAD.format(p="?"), (case_id,)).fetchone()
            if head is None:
                raise Refused(404, "no such case")
            dest, fields, digest, sealed = entry(case_id, tuple(head), trigger, version,
                                                 comment, self.actor_id, self.key, now)
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DATETIME text
            db.execute(UPDATE.format(p="?"), (dest, stamp, fields["seq"], digest, sealed,
                                              case_id))
            db.execute(INSERT.format(p="?"), (
                case_id, fields["seq"], stamp, self.actor_id, ACTOR, fields["from_state"], dest,
                comment, json.dumps(fields["payload"]), head["audit_hash"], digest))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return {"id": case_id, "state": dest, "version": version + 1}

    async def read(self, case_id: int) -> dict[str, Any]:
        row = self.db.execute(READ.format(p="?"), (case_id,)).fetchone()
        if row is None:
            raise Refused(404, "no such case")
        return dict(row)

    async def close(self) -> None:
        self.db.close()


class PostgresStore:
    """A pool of psycopg async connections; the case row locked FOR UPDATE."""

    def __init__(self, conninfo: str, actor_id: int, key: bytes, size: int = 16) -> None:
        self.conninfo, self.size, self.actor_id, self.key = conninfo, size, actor_id, key
        self.pool: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self) -> None:
        import psycopg

        for _ in range(self.size):
            self.pool.put_nowait(await psycopg.AsyncConnection.connect(self.conninfo))

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        conn = await self.pool.get()
        try:
            yield conn
        finally:
            self.pool.put_nowait(conn)

    async def transition(self, case_id: int, trigger: str, version: int, comment: str
                         ) -> dict[str, Any]:
        from psycopg.types.json import Json

        now = datetime.now(UTC)
        async with self.connection() as conn, conn.transaction():
            cursor = await conn.execute(HEAD.format(p="%s") + " FOR UPDATE", (case_id,))
            head = await cursor.fetchone()
            if head is None:
                raise Refused(404, "no such case")
            dest, fields, digest, sealed = entry(case_id, tuple(head), trigger, version,
                                                 comment, self.actor_id, self.key, now)
            await conn.execute(UPDATE.format(p="%s"), (dest, now, fields["seq"], digest,
                                                       sealed, case_id))
            await conn.execute(INSERT.format(p="%s"), (
                case_id, fields["seq"], now, self.actor_id, ACTOR, fields["from_state"], dest,
                comment, Json(fields["payload"]), head[3], digest))
        return {"id": case_id, "state": dest, "version": version + 1}

    async def read(self, case_id: int) -> dict[str, Any]:
        from psycopg.rows import dict_row

        async with self.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(READ.format(p="%s"), (case_id,))
            row = await cursor.fetchone()
            await conn.rollback()  # end the read's transaction: no idle-in-transaction
        if row is None:
            raise Refused(404, "no such case")
        return dict(row)

    async def close(self) -> None:
        while not self.pool.empty():
            await self.pool.get_nowait().close()


async def open_store(url: str, actor_id: int, key: bytes) -> Store:
    """The store for a SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://…``)."""
    if url.startswith("sqlite"):
        return SqliteStore(url.split(":///", 1)[1], actor_id, key)
    store = PostgresStore(url.replace("postgresql+psycopg://", "postgresql://", 1),
                          actor_id, key)
    await store.open()
    return store


def create_app() -> FastAPI:
    url, actor_id = os.environ["BENCH_DATABASE_URL"], int(os.environ["BENCH_ACTOR_ID"])
    key = Settings(env="test", secret_key=SECRET).audit_seal_key
    stores: list[Store] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stores.append(await open_store(url, actor_id, key))
        yield
        await stores[0].close()

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> Response:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/cases/{case_id}/transitions/{trigger}")
    async def transition(case_id: int, trigger: str, request: Request) -> dict[str, Any]:
        body = await request.json()
        return await stores[0].transition(case_id, trigger, int(body["version"]),
                                          str(body.get("comment", "")))

    async def read(case_id: int) -> Response:
        row = await stores[0].read(case_id)
        return Response(json.dumps(row, default=str), media_type="application/json")

    app.add_api_route("/api/cases/{case_id}", read, methods=["GET"])
    app.add_api_route("/cases/{case_id}", read, methods=["GET"])
    return app
