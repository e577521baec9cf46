"""Backup and restore of the whole database.

SQLite uses its online backup API, safe while Berkas runs. PostgreSQL uses ``pg_dump`` in its
custom format and ``pg_restore --clean`` in one transaction; the password, if any, goes through
``PGPASSWORD``, never the command line. Restore replaces everything: stop the servers first.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url


class BackupError(Exception):
    """The backup tool failed; the message says why."""


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(_sqlite_file(database_url)), target)
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], database_url)


def restore(database_url: str, source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} tidak ditemukan")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(_sqlite_file(database_url)))
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          str(source)], database_url, dbname_flag=True)


def _sqlite_file(database_url: str) -> str:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("basis data SQLite dalam memori tidak dapat dicadangkan")
    return database


def _sqlite_copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    # sqlite3's context manager commits but does not close.
    src.close()
    dst.close()


def _run(command: list[str], database_url: str, *, dbname_flag: bool = False) -> None:
    url = make_url(database_url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    args = [*command[:-1], "--dbname", libpq, command[-1]] if dbname_flag else [
        *command, libpq]
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} gagal: {result.stderr.strip()[:500]}")
