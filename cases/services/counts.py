"""Cases per (workflow, state), kept up to date by the use cases that register and move them."""

from __future__ import annotations

from sqlalchemy import Connection, text, update
from sqlmodel import Session, col, select

from cases.db import dialect_insert
from cases.models import StateCount

RECOUNT = ("INSERT INTO state_counts (workflow, state, count) "
           "SELECT workflow, state, count(*) FROM cases GROUP BY workflow, state")


def moved(session: Session, workflow: str, source: str | None, dest: str) -> None:
    """A case of ``workflow`` left ``source`` (None: it is new) for ``dest``. Called last in
    the use case's transaction, so the counter rows stay locked only until the commit."""
    if source is not None:
        session.execute(
            update(StateCount)
            .where(col(StateCount.workflow) == workflow, col(StateCount.state) == source)
            .values(count=col(StateCount.count) - 1)
        )
    statement = dialect_insert(session, StateCount).values(workflow=workflow, state=dest,
                                                           count=1)
    session.execute(statement.on_conflict_do_update(
        index_elements=["workflow", "state"], set_={"count": StateCount.count + 1}))


def state_counts(session: Session) -> dict[tuple[str, str], int]:
    return {(row.workflow, row.state): row.count for row in session.exec(select(StateCount))}


def recount(connection: Connection) -> None:
    """Count every case afresh (after a bulk load that bypassed the use cases)."""
    connection.execute(text("DELETE FROM state_counts"))
    connection.execute(text(RECOUNT))
