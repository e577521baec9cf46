"""What the reminder sweep (``notifications.sweep``) reads and writes of the case tables:
the deadlines due a look, their next look, and the reminders sent into each case's audit.

The sweep runs every minute over every open deadline; a batch is read in one statement and
written in two, whatever its size (``make bench``, the reminder sweep).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from cases import audit
from cases.models import Case, Deadline
from infra.db import table_of

_DEADLINES = table_of(Deadline)
_MOVE_ON = (update(_DEADLINES).where(_DEADLINES.c.id == bindparam("b_id"))
            .values(next_check_at=bindparam("next_check_at"),
                    escalated_at=bindparam("escalated_at")))


class DeadlineCheck(NamedTuple):
    """When to look at a deadline next, and when it was escalated (None: not yet)."""

    deadline_id: int
    next_check_at: datetime
    escalated_at: datetime | None


def due_deadlines(session: Session, now: datetime, batch: int
                  ) -> Sequence[tuple[Deadline, Case]]:
    """Up to ``batch`` deadlines due a look as of ``now``, with their cases, which stay
    locked until the caller's transaction ends (``FOR UPDATE OF cases SKIP LOCKED`` on
    PostgreSQL, so several instances share the work; SQLite has one writer)."""
    return session.exec(
        select(Deadline, Case)
        .join(Case, col(Case.id) == col(Deadline.case_id))
        .where(col(Deadline.next_check_at) <= now)
        .order_by(col(Deadline.next_check_at), col(Deadline.id))
        .limit(batch)
        .with_for_update(of=Case, skip_locked=True)
        # Fresh values, even for objects this session loaded in an earlier batch or run:
        # the deadlines are moved on by plain UPDATEs, not through the objects.
        .execution_options(populate_existing=True)
    ).all()


def record_reminder_checks(session: Session, checks: Sequence[DeadlineCheck],
                           sent: list[audit.SystemEntry], now: datetime) -> None:
    """Move each checked deadline on to its next look, and add each reminder sent to its
    case's audit trail, in the caller's transaction (which holds the cases' locks)."""
    # One executemany, not the session diffing a whole batch of objects.
    session.connection().execute(_MOVE_ON, [
        {"b_id": c.deadline_id, "next_check_at": c.next_check_at,
         "escalated_at": c.escalated_at} for c in checks])
    audit.append_many(session, sent, now)
