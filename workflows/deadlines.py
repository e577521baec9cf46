"""Deadlines and reminders as pure rules: when a state is due, and what to send on a given day.

docs/domain.md, Deadlines: due dates count working days in WITA (or calendar days, or a fixed day
of the year after the fiscal year). Reminders go out one working day before due, on the due
day, and every working day while overdue; after ``ESCALATE_AFTER`` working days overdue the
case is escalated once, to the kabid (to the kadis when the kabid is the one late).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from workflows.calendar import WorkingCalendar
from workflows.definition import DeadlineRule, Role

ESCALATE_AFTER = 2


class ReminderKind(StrEnum):
    """Stored identifiers of reminder kinds."""

    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


REMINDER_LABELS = {
    ReminderKind.DUE_SOON: "Tenggat besok",
    ReminderKind.DUE_TODAY: "Tenggat hari ini",
    ReminderKind.OVERDUE: "Lewat tenggat",
    ReminderKind.ESCALATION: "Eskalasi: lewat tenggat",
}


def due_date(rule: DeadlineRule, entered_on: date, fiscal_year: int,
             calendar: WorkingCalendar) -> date:
    """The last day on which the people of ``rule.role`` may act, for a state entered on
    ``entered_on`` (a WITA date)."""
    if rule.working_days is not None:
        return calendar.add_working_days(entered_on, rule.working_days)
    if rule.calendar_days is not None:
        return entered_on + timedelta(days=rule.calendar_days)
    if rule.next_year_on is not None:
        month, day = rule.next_year_on
        return date(fiscal_year + 1, month, day)
    raise ValueError(f"deadline rule for {rule.state} sets no period")


def reminder_for(due: date, today: date, calendar: WorkingCalendar) -> ReminderKind | None:
    """The reminder owed on ``today`` for a deadline due on ``due``; none on closed days."""
    if not calendar.is_working_day(today):
        return None
    if today == due:
        return ReminderKind.DUE_TODAY
    if today > due:
        return ReminderKind.OVERDUE
    # A due date on a closed day is announced on the last working day before it.
    if calendar.add_working_days(today, 1) >= due:
        return ReminderKind.DUE_SOON
    return None


def working_days_overdue(due: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days past ``due`` (0 while not overdue)."""
    return max(calendar.working_days_between(due, today), 0) if today > due else 0


def is_escalation_due(due: date, today: date, calendar: WorkingCalendar) -> bool:
    return working_days_overdue(due, today, calendar) >= ESCALATE_AFTER


def escalation_role(role: str) -> Role:
    """Who hears of a late case: the kabid, or the kadis when the kabid is late."""
    return Role.KADIS if role == Role.KABID else Role.KABID


def first_reminder_day(due: date, entered_on: date, calendar: WorkingCalendar) -> date:
    """The first day the sweep must look at a new deadline: the last working day before
    ``due``, or the day it was entered when that is already later (a back-dated case)."""
    day = due - timedelta(days=1)
    while day > entered_on and not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return max(day, entered_on)


def next_working_day(day: date, calendar: WorkingCalendar) -> date:
    return calendar.add_working_days(day, 1)
