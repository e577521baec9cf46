"""The unit of work (cosmicpython): one use case's transaction, and the events it raised.

A use case opens one, changes rows through it, says what happened with :meth:`emit`, and
leaves the block::

    with UnitOfWork(session, handlers) as uow:
        ...                        # the state change
        uow.emit(SomethingHappened(...))

On a clean exit the unit of work hands each event to the handlers the table names for its
type, inside the same transaction, then commits: what a handler writes (a notice, a queued
email) commits with the change or not at all, and a handler that fails rolls the whole use
case back. On an exception it rolls back and drops the events.

It is the one place that begins, commits and rolls back a session. A page that must read the
database as it is now, after a refused form, says so with :func:`fresh`. It knows nothing of
cases: the table maps event types to handlers, and ``app.bootstrap`` fills it at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import Any, Self

from sqlmodel import Session

from infra.db import WRITE_OPTION, writer_lock

# A handler follows one type of event, in the transaction of the use case that raised it.
Handler = Callable[[Session, Any], None]
HandlerTable = Mapping[type[Any], Sequence[Handler]]
NO_HANDLERS: HandlerTable = MappingProxyType({})


class UnitOfWork:
    """One use case's write transaction on ``session``, and the events raised during it."""

    __slots__ = ("_events", "_handlers", "_lock", "session")

    def __init__(self, session: Session, handlers: HandlerTable = NO_HANDLERS) -> None:
        self.session = session
        self._handlers = handlers
        self._events: list[object] = []
        self._lock: threading.Lock | None = None

    def __enter__(self) -> Self:
        self.begin()
        return self

    def __exit__(self, kind: type[BaseException] | None, _exc: BaseException | None,
                 _tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()

    def begin(self) -> None:
        """Start the write transaction: this process's SQLite writer lock first, then the
        writer's BEGIN (``BEGIN IMMEDIATE`` on SQLite; see :mod:`infra.db` for why both)."""
        # A read transaction the session holds would carry on as the writer's, from an old
        # snapshot: end it, so that the use case starts from the database as it is now.
        fresh(self.session)
        lock = self._lock = writer_lock(self.session.get_bind())
        if lock is not None:
            # Threads queue here rather than in SQLite's busy handler (``infra.db``).
            lock.acquire()
        try:
            self.session.connection(execution_options={WRITE_OPTION: True})
        except BaseException:
            self.rollback()
            raise

    def emit(self, event: object) -> None:
        """Record that ``event`` happened; its handlers run when the use case commits."""
        self._events.append(event)

    def commit(self) -> None:
        """Run the handlers of the events raised, then commit, all in one transaction; if
        anything fails, nothing of the use case stays."""
        try:
            self._dispatch()
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise
        finally:
            self._end()

    def rollback(self) -> None:
        """Undo everything the use case wrote, and forget its events."""
        try:
            self.session.rollback()
        finally:
            self._end()

    def _dispatch(self) -> None:
        """Each event, in the order raised, to every handler of its type."""
        while self._events:
            event = self._events.pop(0)
            for handler in self._handlers.get(type(event), ()):
                handler(self.session, event)

    def _end(self) -> None:
        self._events.clear()
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()


def fresh(session: Session) -> None:
    """End whatever read transaction ``session`` holds (it wrote nothing), so that its next
    read sees the database as it is now, not as it was when the session first read: objects
    it loaded are read again. For pages re-reading a case after a refused form, and for a
    long read (an audit check) that must not hold its snapshot while the work goes on."""
    session.rollback()  # nothing was written: this only ends the transaction
