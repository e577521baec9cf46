"""Deadlines of cases as pages, the API and reminders read them.

A deadline is opened in the transaction of the transition that enters its state and closed by
the one that leaves it (``uow.deadlines``, :mod:`cases.repository`), so a case never has a
stale or missing deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cases.models import Deadline
from workflows import Role
from workflows.calendar import WorkingCalendar
from workflows.deadlines import working_days_overdue

# An assignee stands in for these roles' holders; other roles' deadlines go to every holder.
ASSIGNABLE_ROLES = frozenset({Role.OFFICER, Role.KABID})

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
