"""Deadlines of cases: opened and closed by transitions, read by pages, the API and reminders.

A deadline is written in the transaction of the transition that enters its state and closed by
the one that leaves it, so a case never has a stale or missing deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from cases.db import table_of
from cases.models import Case, Deadline, User
from workflows import Role, get_definition
from workflows.calendar import WorkingCalendar
from workflows.deadlines import due_date, first_reminder_day, working_days_overdue

# An assignee stands in for these roles' holders; other roles' deadlines go to every holder.
ASSIGNABLE_ROLES = frozenset({Role.OFFICER, Role.KABID})

# Built once: a transition runs these on every move, and a statement built anew costs more
# Python than its SQL costs SQLite (``make bench``, service-layer transitions).
_DEADLINES = table_of(Deadline)
_OPEN = insert(_DEADLINES).returning(_DEADLINES.c.id)
_OPENED_WITH = ("case_id", "state", "role", "opened_at", "due_date", "due_at", "next_check_at")
_CLOSE = (update(_DEADLINES)
          .where(_DEADLINES.c.case_id == bindparam("b_case"), _DEADLINES.c.closed_at.is_(None))
          .values(closed_at=bindparam("b_now"), closed_by=bindparam("b_trigger"),
                  next_check_at=None))
_USERS = table_of(User)
_ACTIVE_USERS = (select(_USERS.c.id, _USERS.c.username, _USERS.c.email, _USERS.c.roles)
                 .where(_USERS.c.is_active.is_(True)))


def open_deadline(
    session: Session, case: Case, entered_at: datetime, calendar: WorkingCalendar
) -> Deadline | None:
    """Open the deadline of ``case``'s current state, counted from ``entered_at``."""
    assert case.id is not None
    rule = get_definition(case.workflow).deadline(case.state)
    if rule is None:
        return None
    entered_on = calendar.local_date(entered_at)
    due = due_date(rule, entered_on, case.fiscal_year, calendar)
    deadline = Deadline(
        case_id=case.id, state=case.state, role=rule.role, opened_at=entered_at, due_date=due,
        # Due means "by the end of the due day", in WITA.
        due_at=calendar.start_of(due + timedelta(days=1)),
        next_check_at=calendar.start_of(first_reminder_day(due, entered_on, calendar)),
    )
    # Inserted at once, for its id: it names the notifications that follow. The object is a
    # detached copy for the event handlers; the session does not track it.
    row = {name: getattr(deadline, name) for name in _OPENED_WITH}
    deadline.id = session.connection().execute(_OPEN, row).scalar_one()
    return deadline


def close_deadlines(session: Session, case_id: int, now: datetime, trigger: str) -> None:
    """Close whatever deadline ``case_id`` has open: the case left that state."""
    session.connection().execute(_CLOSE, {"b_case": case_id, "b_now": now,
                                                  "b_trigger": trigger})


_OPEN_OF = select(Deadline).where(col(Deadline.case_id).in_(bindparam("ids", expanding=True)),
                                  col(Deadline.closed_at).is_(None))


def open_deadlines(session: Session, case_ids: Iterable[int]) -> dict[int, Deadline]:
    """The open deadline of each case, in one query."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    return {d.case_id: d for d in session.exec(_OPEN_OF, params={"ids": wanted})}


@dataclass(frozen=True, slots=True)
class DeadlineView:
    state: str
    role: str
    due_date: date
    due_at: datetime
    overdue: bool
    working_days_overdue: int


def view(deadline: Deadline, now: datetime, calendar: WorkingCalendar) -> DeadlineView:
    """A deadline as the API and pages show it, as of ``now``."""
    today = calendar.local_date(now)
    return DeadlineView(
        state=deadline.state, role=deadline.role, due_date=deadline.due_date,
        due_at=deadline.due_at, overdue=now >= deadline.due_at,
        working_days_overdue=working_days_overdue(deadline.due_date, today, calendar),
    )


@dataclass(frozen=True, slots=True)
class Person:
    """An active user as notices need them: who, where to write, which roles."""

    id: int
    username: str
    email: str
    roles: tuple[str, ...]


class Recipients:
    """Who must act on a deadline: the assignee where the role allows one, otherwise every
    active holder of the role. Loads the users once (plain rows, not ORM objects), for a
    whole sweep or digest, or for one transition's notices."""

    def __init__(self, session: Session) -> None:
        self._users = [Person(int(i), name, email, tuple(roles or ()))
                       for i, name, email, roles in session.connection().execute(_ACTIVE_USERS)]
        self._by_id = {u.id: u for u in self._users}

    def holders(self, role: str) -> list[Person]:
        return [u for u in self._users if role in u.roles]

    def for_deadline(self, role: str, assignee_id: int | None) -> Sequence[Person]:
        assignee = self._by_id.get(assignee_id) if assignee_id is not None else None
        if role in ASSIGNABLE_ROLES and assignee is not None:
            return [assignee]
        return self.holders(role)
