"""The reminder sweep: decide today's reminders and escalations for every deadline due a look.

A deadline's ``next_check_at`` says when to look at it next; the sweep takes those that are
due in batches, locking their cases (``FOR UPDATE OF cases SKIP LOCKED`` on PostgreSQL, so
several instances share the work; SQLite has one writer), and moves ``next_check_at`` to the
next working day. Each reminder is a row with a unique (deadline, kind, day) key, so a rerun,
a second instance or a restart can never send one twice. Every reminder sent goes into the
case's audit log, in the same transaction. A batch is read as plain rows and written in a
handful of multi-row statements, whatever its size; what repeats across a batch's deadlines
(the reminder owed for a due date, a role's recipients, the words of a state) is worked out
once, not per deadline (``make bench``, the reminder sweep). The case tables are read and
written by a use case of ``cases`` (:mod:`cases.services.reminders`); the sweep decides, and
writes the reminders and their notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import structlog
from sqlmodel import Session, col

from cases.audit import SystemEntry
from cases.services.reminders import (
    DueDeadline,
    due_deadlines,
    record_reminder_checks,
)
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
    words: templates.ReminderWords


@dataclass(frozen=True, slots=True)
class _Decision:
    due: DueDeadline
    kind: ReminderKind
    people: Sequence[Person]
    names: tuple[str, ...]  # the people's usernames, sorted


def sweep(session: Session, now: datetime, calendar: WorkingCalendar, channels: Channels,
          *, batch: int = 500) -> SweepReport:
    """Send what is owed as of ``now``; safe to run at any time, as often as wanted."""
    today = _Today(now, calendar.local_date(now), calendar, channels,
                   templates.ReminderWords(calendar.tz, channels.base_url))
    rules = _Rules(today)
    report = SweepReport()
    while True:
        with UnitOfWork(session):
            rows = due_deadlines(session, now, batch)
            if not rows:
                break
            decisions, escalated = _decide(rules, _People(session, today.day), rows)
            sent, entries = _send(session, today, decisions)
            record_reminder_checks(session, [due.id for due in rows], escalated,
                                   rules.next_look, entries, now)
            report.reminders += sent
            report.checked += len(rows)
    # An idle sweep runs every minute: only work done is worth an info line.
    (log.info if report.reminders else log.debug)(
        "reminders.sweep", checked=report.checked, sent=len(report.reminders))
    return report


class _Rules:
    """The reminder and escalation owed today for a due date, worked out once per due date
    in a sweep (counting the working days since a date long past is a loop over them)."""

    def __init__(self, today: _Today) -> None:
        self._today = today
        self._working = today.calendar.is_working_day(today.day)
        self._owed: dict[date, tuple[ReminderKind | None, bool]] = {}
        # Every deadline looked at today is looked at next on the next working day.
        self.next_look = today.calendar.start_of(next_working_day(today.day, today.calendar))

    def owed(self, due: date) -> tuple[ReminderKind | None, bool]:
        """The reminder owed for ``due`` (None: none today), and whether it is time to
        escalate (once: the caller checks that it was not escalated before)."""
        found = self._owed.get(due)
        if found is None:
            day, calendar = self._today.day, self._today.calendar
            found = self._owed[due] = (
                reminder_for(due, day, calendar),
                self._working and is_escalation_due(due, day, calendar))
        return found


class _People:
    """The batch's :class:`Recipients`, and their answers kept by question: a batch asks the
    same few (a role's holders, one assignee) hundreds of times."""

    def __init__(self, session: Session, day: date) -> None:
        self._recipients = Recipients(session, day)
        self._answers: dict[tuple[str, str, int | None], tuple[Sequence[Person],
                                                               tuple[str, ...]]] = {}

    def for_deadline(self, role: str, assignee_id: int | None
                     ) -> tuple[Sequence[Person], tuple[str, ...]]:
        return self._ask(("deadline", role, assignee_id))

    def escalation(self, role: str) -> tuple[Sequence[Person], tuple[str, ...]]:
        return self._ask(("escalation", role, None))

    def _ask(self, question: tuple[str, str, int | None]
             ) -> tuple[Sequence[Person], tuple[str, ...]]:
        found = self._answers.get(question)
        if found is None:
            what, role, assignee_id = question
            people = (self._recipients.for_deadline(role, assignee_id) if what == "deadline"
                      else self._recipients.escalation(role))
            found = self._answers[question] = (people, tuple(sorted(u.username for u in people)))
        return found


def _decide(rules: _Rules, people: _People, rows: Sequence[DueDeadline]
            ) -> tuple[list[_Decision], list[int]]:
    """What each deadline is owed today, and the deadlines to mark escalated now."""
    decisions: list[_Decision] = []
    escalated: list[int] = []
    for due in rows:
        kind, escalate = rules.owed(due.due_date)
        if kind is not None:
            decisions.append(_Decision(due, kind, *people.for_deadline(due.role, due.assignee_id)))
        if escalate and due.escalated_at is None:
            # Not to a holder marked absent today: to whoever acts for them (issue 14).
            decisions.append(_Decision(due, ReminderKind.ESCALATION,
                                       *people.escalation(escalation_role(due.role))))
            escalated.append(due.id)
    return decisions, escalated


def _send(session: Session, today: _Today, decisions: list[_Decision]
          ) -> tuple[list[SentReminder], list[SystemEntry]]:
    """Write the reminders not decided before and their notices; returns what was sent, and
    the audit entries that record it in each case's trail."""
    new = _insert_reminders(session, today, decisions)
    notices, entries, sent = [], [], []
    for d in decisions:
        due = d.due
        reminder_id = new.get((due.id, d.kind))
        if reminder_id is None:
            continue  # decided before: by an earlier run or another instance
        message = today.words.message(d.kind, due)
        notices += [Notice(u, f"reminder-{reminder_id}.u{u.id}", d.kind, due.case_id, message)
                    for u in d.people]
        entries.append(SystemEntry(due.case_id, "reminder_sent", message.title, {
            "reminder_id": reminder_id, "kind": d.kind, "recipients": list(d.names),
            "due_date": due.due_date.isoformat(), "state": due.state}))
        sent.append(SentReminder(due.reference, d.kind, d.names))
        if not d.people:
            log.warning("reminders.nobody", case=due.reference, kind=d.kind, role=due.role)
    notify_many(session, today.channels, notices, today.now)
    return sent, entries


def _insert_reminders(session: Session, today: _Today, decisions: list[_Decision]
                      ) -> dict[tuple[int, str], int]:
    """Insert a row per decision, skipping those decided before; the new rows' ids by
    (deadline, kind)."""
    if not decisions:
        return {}
    rows = [{"deadline_id": d.due.id, "case_id": d.due.case_id, "kind": d.kind,
             "day": today.day, "recipients": list(d.names), "created_at": today.now}
            for d in decisions]
    # Rows as executemany parameters: one compiled statement, however many rows.
    statement = dialect_insert(session, table_of(Reminder)).on_conflict_do_nothing().returning(
        col(Reminder.id), col(Reminder.deadline_id), col(Reminder.kind))
    return {(deadline_id, kind): reminder_id for reminder_id, deadline_id, kind in
            session.connection().execute(statement, rows)}
