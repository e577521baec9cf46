"""What the reminder sweep (``notifications.sweep``) reads and writes of the case tables:
the deadlines due a look, their next look, and the reminders sent into each case's audit.

The sweep runs every minute over every open deadline; a batch is read in one statement and
written in a few, whatever its size (``make bench``, the reminder sweep). The batch is read as
plain rows, not ORM objects: building and tracking two objects per deadline cost more than
everything SQLite did for the batch, and the sweep only reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from cases import audit
from cases.models import Case, Deadline
from infra.db import table_of

_DEADLINES = table_of(Deadline)
_CASES = table_of(Case)
# A batch's deadlines all move on to the same next look, and those escalated today are all
# stamped with the same moment: two statements over lists of ids, not an UPDATE per row
# with its values bound (and formatted) row by row.
_MOVE_ON = (update(_DEADLINES)
            .where(_DEADLINES.c.id.in_(bindparam("ids", expanding=True)))
            .values(next_check_at=bindparam("next_check_at")))
_ESCALATED = (update(_DEADLINES)
              .where(_DEADLINES.c.id.in_(bindparam("ids", expanding=True)))
              .values(escalated_at=bindparam("escalated_at")))


class DueDeadline(NamedTuple):
    """A deadline due a look, with what its reminder says of its case (the columns of
    :data:`_DUE`, in order)."""

    id: int
    role: str
    state: str
    due_date: date
    due_at: datetime
    escalated_at: datetime | None
    case_id: int
    reference: str
    workflow: str
    case_state: str
    title: str
    applicant_name: str
    assignee_id: int | None


# Built once, with bind parameters: the sweep runs it every minute (``audit._HEADS`` says why).
_DUE = (select(_DEADLINES.c.id, _DEADLINES.c.role, _DEADLINES.c.state, _DEADLINES.c.due_date,
               _DEADLINES.c.due_at, _DEADLINES.c.escalated_at, _CASES.c.id,
               _CASES.c.reference, _CASES.c.workflow, _CASES.c.state, _CASES.c.title,
               _CASES.c.applicant_name, _CASES.c.assignee_id)
        .join_from(_DEADLINES, _CASES, _CASES.c.id == _DEADLINES.c.case_id)
        .where(_DEADLINES.c.next_check_at <= bindparam("now"))
        .order_by(_DEADLINES.c.next_check_at, _DEADLINES.c.id)
        .limit(bindparam("batch"))
        .with_for_update(of=_CASES, skip_locked=True))


def due_deadlines(session: Session, now: datetime, batch: int) -> list[DueDeadline]:
    """Up to ``batch`` deadlines due a look as of ``now``, with their cases, which stay
    locked until the caller's transaction ends (``FOR UPDATE OF cases SKIP LOCKED`` on
    PostgreSQL, so several instances share the work; SQLite has one writer). Read fresh
    each time: the deadlines are moved on by plain UPDATEs."""
    rows = session.connection().execute(_DUE, {"now": now, "batch": batch})
    return [DueDeadline._make(row) for row in rows]


def record_reminder_checks(session: Session, checked: Sequence[int], escalated: Sequence[int],
                           next_check_at: datetime, sent: list[audit.SystemEntry],
                           now: datetime) -> None:
    """Move the ``checked`` deadlines on to their next look, stamp those ``escalated`` now,
    and add each reminder sent to its case's audit trail, in the caller's transaction (which
    holds the cases' locks)."""
    connection = session.connection()
    if checked:
        connection.execute(_MOVE_ON, {"ids": checked, "next_check_at": next_check_at})
    if escalated:
        connection.execute(_ESCALATED, {"ids": escalated, "escalated_at": now})
    audit.append_many(session, sent, now)
