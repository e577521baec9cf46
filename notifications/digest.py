"""The morning digest: at 07:30 WITA on working days, each person hears what waits for them,
an acting official (Plh., Plt.) also what waits for the position they act for that day."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import structlog
from sqlmodel import Session, col, select

from cases.models import Case, Deadline
from infra.unit_of_work import UnitOfWork
from notifications import templates
from notifications.inbox import Channels, notify
from notifications.recipients import Recipients
from workflows.calendar import WorkingCalendar
from workflows.dates import format_date

log = structlog.get_logger(__name__)


def send_digest(session: Session, now: datetime, calendar: WorkingCalendar,
                channels: Channels) -> int:
    """One digest per person with open deadlines, once per working day; returns how many."""
    today = calendar.local_date(now)
    if not calendar.is_working_day(today):
        return 0
    sent = 0
    with UnitOfWork(session):
        recipients = Recipients(session, today)
        waiting: dict[int, list[tuple[Case, Deadline]]] = defaultdict(list)
        rows = session.exec(
            select(Case, Deadline)
            .join(Deadline, col(Deadline.case_id) == col(Case.id))
            .where(col(Deadline.closed_at).is_(None))
            .order_by(col(Deadline.due_at), col(Case.id))
        )
        users = {}
        for case, deadline in rows:
            for user in recipients.for_deadline(deadline.role, case.assignee_id):
                users[user.id] = user
                waiting[user.id].append((case, deadline))
        for user_id, items in waiting.items():
            message = templates.digest(items, format_date(today), channels.base_url)
            sent += notify(session, channels, users[user_id], key=f"digest-{today}.u{user_id}",
                           kind="digest", case_id=None, message=message, now=now)
    log.info("reminders.digest", day=today.isoformat(), sent=sent)
    return sent
