"""Cases per (workflow, state), kept up to date by the use cases that register and move them."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlmodel import Session, select

from cases.db import dialect_insert
from cases.models import StateCount

RECOUNT = ("INSERT INTO state_counts (workflow, state, count) "
           "SELECT workflow, state, count(*) FROM cases GROUP BY workflow, state")


def moved(session: Session, workflow: str, source: str | None, dest: str) -> None:
    """A case of ``workflow`` left ``source`` (None: it is new) for ``dest``. Called last in
    the use case's transaction, so the counter rows stay locked only until the commit.

    The rows are changed in one fixed order (by state): a return and a resubmission running
    at once would otherwise lock the same two rows in opposite orders and deadlock.
    """
    deltas = {dest: 1}
    if source is not None:
        deltas[source] = deltas.get(source, 0) - 1
    for state, delta in sorted(deltas.items()):
        statement = dialect_insert(session, StateCount).values(
            workflow=workflow, state=state, count=delta)
        session.execute(statement.on_conflict_do_update(
            index_elements=["workflow", "state"], set_={"count": StateCount.count + delta}))


def state_counts(session: Session) -> dict[tuple[str, str], int]:
    return {(row.workflow, row.state): row.count for row in session.exec(select(StateCount))}


def recount(connection: Connection) -> None:
    """Count every case afresh (after a bulk load that bypassed the use cases)."""
    connection.execute(text("DELETE FROM state_counts"))
    connection.execute(text(RECOUNT))
