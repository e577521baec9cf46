"""The reminder sweep: decide today's reminders and escalations for every deadline due a look.

A deadline's ``next_check_at`` says when to look at it next; the sweep takes those that are
due in batches, locking their cases (``FOR UPDATE OF cases SKIP LOCKED`` on PostgreSQL, so
several instances share the work; SQLite has one writer), and moves ``next_check_at`` to the
next working day. Each reminder is a row with a unique (deadline, kind, day) key, so a rerun,
a second instance or a restart can never send one twice. Every reminder sent goes into the
case's audit log, in the same transaction. A batch is written in a handful of multi-row
statements, whatever its size. The case tables are read and written by a use case of
``cases`` (:mod:`cases.services.reminders`); the sweep decides, and writes the reminders and
their notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import structlog
from sqlmodel import Session, col

from cases.audit import SystemEntry
from cases.models import Case, Deadline
from cases.services.reminders import DeadlineCheck, due_deadlines, record_reminder_checks
from infra.db import dialect_insert, table_of
from infra.unit_of_work import UnitOfWork
from notifications import templates
from notifications.inbox import Channels, Notice, notify_many
from notifications.models import Reminder
from notifications.recipients import Person, Recipients
from workflows.calendar import WorkingCalendar
from workflows.deadlines import (
    ReminderKind,
    escalation_role,
    is_escalation_due,
    next_working_day,
    reminder_for,
)

log = structlog.get_logger(__name__)

@dataclass(frozen=True, slots=True)
class SentReminder:
    reference: str
    kind: str
    recipients: tuple[str, ...]


@dataclass(slots=True)
class SweepReport:
    checked: int = 0
    reminders: list[SentReminder] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Today:
    now: datetime
    day: date
    calendar: WorkingCalendar
    channels: Channels


@dataclass(frozen=True, slots=True)
class _Decision:
    deadline: Deadline
    case: Case
    kind: ReminderKind
    people: Sequence[Person]


def sweep(session: Session, now: datetime, calendar: WorkingCalendar, channels: Channels,
          *, batch: int = 500) -> SweepReport:
    """Send what is owed as of ``now``; safe to run at any time, as often as wanted."""
    today = _Today(now, calendar.local_date(now), calendar, channels)
    report = SweepReport()
    while True:
        with UnitOfWork(session):
            rows = due_deadlines(session, now, batch)
            if not rows:
                break
            decisions, checks = _decide(today, Recipients(session, today.day), rows)
            sent, entries = _send(session, today, decisions)
            record_reminder_checks(session, checks, entries, now)
            report.reminders += sent
            report.checked += len(rows)
    # An idle sweep runs every minute: only work done is worth an info line.
    (log.info if report.reminders else log.debug)(
        "reminders.sweep", checked=report.checked, sent=len(report.reminders))
    return report


def _decide(today: _Today, recipients: Recipients, rows: Sequence[tuple[Deadline, Case]]
            ) -> tuple[list[_Decision], list[DeadlineCheck]]:
    """What each deadline is owed today, and each deadline's next look (the loaded objects
    are left as read)."""
    decisions: list[_Decision] = []
    checks: list[DeadlineCheck] = []
    next_look = today.calendar.start_of(next_working_day(today.day, today.calendar))
    for deadline, case in rows:
        kind = reminder_for(deadline.due_date, today.day, today.calendar)
        if kind is not None:
            people = recipients.for_deadline(deadline.role, case.assignee_id)
            decisions.append(_Decision(deadline, case, kind, people))
        escalated_at = deadline.escalated_at
        if escalated_at is None and today.calendar.is_working_day(today.day) and (
            is_escalation_due(deadline.due_date, today.day, today.calendar)
        ):
            # Not to a holder marked absent today: to whoever acts for them (issue 14).
            people = recipients.escalation(escalation_role(deadline.role))
            decisions.append(_Decision(deadline, case, ReminderKind.ESCALATION, people))
            escalated_at = today.now
        assert deadline.id is not None
        checks.append(DeadlineCheck(deadline.id, next_look, escalated_at))
    return decisions, checks


def _send(session: Session, today: _Today, decisions: list[_Decision]
          ) -> tuple[list[SentReminder], list[SystemEntry]]:
    """Write the reminders not decided before and their notices; returns what was sent, and
    the audit entries that record it in each case's trail."""
    new = _insert_reminders(session, today, decisions)
    notices, entries, sent = [], [], []
    for d in decisions:
        reminder_id = new.get((d.deadline.id, d.kind))
        if reminder_id is None:
            continue  # decided before: by an earlier run or another instance
        assert d.case.id is not None
        message = templates.reminder(d.kind, d.case, d.deadline, today.calendar.tz,
                                     today.channels.base_url, late_role=d.deadline.role)
        names = tuple(sorted(u.username for u in d.people))
        notices += [Notice(u, f"reminder-{reminder_id}.u{u.id}", d.kind, d.case.id, message)
                    for u in d.people]
        entries.append(SystemEntry(d.case.id, "reminder_sent", message.title, {
            "reminder_id": reminder_id, "kind": d.kind, "recipients": list(names),
            "due_date": d.deadline.due_date.isoformat(), "state": d.deadline.state}))
        sent.append(SentReminder(d.case.reference, d.kind, names))
        if not d.people:
            log.warning("reminders.nobody", case=d.case.reference, kind=d.kind,
                        role=d.deadline.role)
    notify_many(session, today.channels, notices, today.now)
    return sent, entries


def _insert_reminders(session: Session, today: _Today, decisions: list[_Decision]
                      ) -> dict[tuple[int | None, str], int]:
    """Insert a row per decision, skipping those decided before; the new rows' ids by
    (deadline, kind)."""
    if not decisions:
        return {}
    rows = [{"deadline_id": d.deadline.id, "case_id": d.case.id, "kind": d.kind,
             "day": today.day, "recipients": sorted(u.username for u in d.people),
             "created_at": today.now} for d in decisions]
    # Rows as executemany parameters: one compiled statement, however many rows.
    statement = dialect_insert(session, table_of(Reminder)).on_conflict_do_nothing().returning(
        col(Reminder.id), col(Reminder.deadline_id), col(Reminder.kind))
    return {(deadline_id, kind): reminder_id for reminder_id, deadline_id, kind in
            session.connection().execute(statement, rows)}
