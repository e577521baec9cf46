"""Cases per (workflow, state), kept up to date by the use cases that register and move them."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlmodel import Session, select

from cases.models import StateCount

RECOUNT = ("INSERT INTO state_counts (workflow, state, count) "
           "SELECT workflow, state, count(*) FROM cases GROUP BY workflow, state")


# One statement for both databases (PostgreSQL and SQLite share the upsert syntax), built
# once: it runs twice in every transition.
MOVE = text("INSERT INTO state_counts (workflow, state, count) VALUES (:workflow, :state, :delta) "
            "ON CONFLICT (workflow, state) DO UPDATE SET count = state_counts.count + :delta")


def moved(session: Session, workflow: str, source: str | None, dest: str) -> None:
    """A case of ``workflow`` left ``source`` (None: it is new) for ``dest``. Called last in
    the use case's transaction, so the counter rows stay locked only until the commit.

    The rows are changed in one fixed order (by state): a return and a resubmission running
    at once would otherwise lock the same two rows in opposite orders and deadlock.
    """
    deltas = {dest: 1}
    if source is not None:
        deltas[source] = deltas.get(source, 0) - 1
    rows = [{"workflow": workflow, "state": state, "delta": delta}
            for state, delta in sorted(deltas.items()) if delta]
    if rows:  # a move from a state to itself changes no count
        session.connection().execute(MOVE, rows)


def state_counts(session: Session) -> dict[tuple[str, str], int]:
    return {(row.workflow, row.state): row.count for row in session.exec(select(StateCount))}


def recount(connection: Connection) -> None:
    """Count every case afresh (after a bulk load that bypassed the use cases)."""
    connection.execute(text("DELETE FROM state_counts"))
    connection.execute(text(RECOUNT))
