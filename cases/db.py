"""Engine and sessions. SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` for writers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, create_engine

WRITE_OPTION = "berkas_write"


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite connections are tuned for a small busy server."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _tune_sqlite(engine)
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


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """One use case, one transaction: everything inside commits together or not at all."""
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def session_factory(engine: Engine) -> Any:
    """A callable returning new sessions; objects stay readable after commit."""

    def _new() -> Session:
        return Session(engine, expire_on_commit=False)

    return _new


def dialect_insert(session: Session, table: type[SQLModel]) -> Any:
    """The INSERT construct of the session's database, which knows ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_ignore(session: Session, table: type[SQLModel], **values: Any) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING; the new row's id, or None when the row existed.

    The database's unique keys, not a read before the write, decide "already done": two
    instances racing for the same reminder cannot both win.
    """
    statement = dialect_insert(session, table).values(**values).on_conflict_do_nothing()
    row = session.execute(statement.returning(table.id)).first()  # type: ignore[attr-defined]
    return None if row is None else int(row[0])
