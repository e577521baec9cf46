"""Engine and sessions. SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` for writers.

Transactions are begun, committed and rolled back by the unit of work
(:mod:`infra.unit_of_work`), which asks for a writer's BEGIN with :data:`WRITE_OPTION`."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any, cast

from sqlalchemy import Engine, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, create_engine

WRITE_OPTION = "berkas_write"


# SQLite has one writer at a time. Threads of one process queue on this lock instead of on
# SQLite's busy handler, which sleeps in growing steps and made p99 latency seconds long under
# 16 concurrent writers. Other processes still wait through ``busy_timeout``.
_SQLITE_WRITERS: dict[int, threading.Lock] = {}


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite connections are tuned for a small busy server."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _tune_sqlite(engine)
        _SQLITE_WRITERS[id(engine)] = threading.Lock()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite driver would not).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that read first would
        # fail with SQLITE_BUSY_SNAPSHOT instead of waiting when another writer commits.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer_lock(bind: Engine | Connection) -> threading.Lock | None:
    """This process's writer lock of a SQLite engine (see ``_SQLITE_WRITERS``), which a unit
    of work (:mod:`infra.unit_of_work`) holds from its BEGIN to its end; None elsewhere."""
    return _SQLITE_WRITERS.get(id(bind))


AUDIT_KEY_INFO = "berkas_audit_key"


def session_factory(engine: Engine, audit_key: bytes) -> Any:
    """A callable returning new sessions; objects stay readable after commit. Each carries
    the audit key in ``info``, for the use cases that append to the audit log."""

    def _new() -> Session:
        return Session(engine, expire_on_commit=False, info={AUDIT_KEY_INFO: audit_key})

    return _new


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for bulk statements that need no ORM objects."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def dialect_insert(session: Session, table: Any) -> Any:
    """The INSERT construct of the session's database, which knows ON CONFLICT (``table``:
    a model class or its ``__table__``)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)

