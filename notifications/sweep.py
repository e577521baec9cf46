"""The reminder sweep: decide today's reminders and escalations for every deadline due a look.

A deadline's ``next_check_at`` says when to look at it next; the sweep takes those that are
due in batches, locking their cases (``FOR UPDATE OF cases SKIP LOCKED`` on PostgreSQL, so
several instances share the work; SQLite has one writer), and moves ``next_check_at`` to the
next working day. Each reminder is a row with a unique (deadline, kind, day) key, so a rerun,
a second instance or a restart can never send one twice. Every reminder sent goes into the
case's audit log, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import structlog
from sqlmodel import Session, col, select

from cases import audit
from cases.db import insert_ignore, write_transaction
from cases.models import Case, Deadline, User
from cases.services.deadlines import Recipients
from notifications import templates
from notifications.inbox import Channels, notify
from notifications.models import Reminder
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


def sweep(session: Session, now: datetime, calendar: WorkingCalendar, channels: Channels,
          *, batch: int = 500) -> SweepReport:
    """Send what is owed as of ``now``; safe to run at any time, as often as wanted."""
    today = _Today(now, calendar.local_date(now), calendar, channels)
    report = SweepReport()
    while True:
        with write_transaction(session):
            rows = session.exec(
                select(Deadline, Case)
                .join(Case, col(Case.id) == col(Deadline.case_id))
                .where(col(Deadline.next_check_at) <= now)
                .order_by(col(Deadline.next_check_at), col(Deadline.id))
                .limit(batch)
                .with_for_update(of=Case, skip_locked=True)
            ).all()
            if not rows:
                break
            recipients = Recipients(session)
            for deadline, case in rows:
                report.reminders += _check(session, today, recipients, deadline, case)
            report.checked += len(rows)
    # An idle sweep runs every minute: only work done is worth an info line.
    (log.info if report.reminders else log.debug)(
        "reminders.sweep", checked=report.checked, sent=len(report.reminders))
    return report


def _check(session: Session, today: _Today, recipients: Recipients, deadline: Deadline,
           case: Case) -> list[SentReminder]:
    sent: list[SentReminder] = []
    kind = reminder_for(deadline.due_date, today.day, today.calendar)
    if kind is not None:
        users = recipients.for_deadline(deadline.role, case.assignee_id)
        sent += _remind(session, today, deadline, case, kind, users)
    if deadline.escalated_at is None and is_escalation_due(
        deadline.due_date, today.day, today.calendar
    ):
        users = recipients.holders(escalation_role(deadline.role))
        sent += _remind(session, today, deadline, case, ReminderKind.ESCALATION, users)
        deadline.escalated_at = today.now
    deadline.next_check_at = today.calendar.start_of(next_working_day(today.day, today.calendar))
    return sent


def _remind(session: Session, today: _Today, deadline: Deadline, case: Case,
            kind: ReminderKind, people: Sequence[User]) -> list[SentReminder]:
    assert deadline.id is not None
    assert case.id is not None
    names = tuple(sorted(u.username for u in people))
    reminder_id = insert_ignore(
        session, Reminder, deadline_id=deadline.id, case_id=case.id, kind=kind, day=today.day,
        recipients=list(names), created_at=today.now,
    )
    if reminder_id is None:
        return []  # decided before: by an earlier run or another instance
    message = templates.reminder(kind, case, deadline, today.calendar.tz,
                                 today.channels.base_url, late_role=deadline.role)
    for user in people:
        notify(session, today.channels, user, key=f"reminder-{reminder_id}.u{user.id}",
               kind=kind, case_id=case.id, message=message, now=today.now)
    audit.append(
        session, case, actor=None, action="reminder_sent", at=today.now,
        comment=message.title,
        payload={"reminder_id": reminder_id, "kind": kind, "recipients": list(names),
                 "due_date": deadline.due_date.isoformat(), "state": deadline.state},
    )
    if not people:
        log.warning("reminders.nobody", case=case.reference, kind=kind, role=deadline.role)
    return [SentReminder(case.reference, kind, names)]
