"""Delivering the email outbox: claim a batch under a lease, send, mark each result.

Several instances may deliver at once: a claim takes rows with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite has one writer at a time) and stamps a lease. A sender that dies after
claiming leaves the lease to run out, and the rows are claimed again: at most one resend,
carrying the same Message-ID, and never a loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_
from sqlmodel import Session, col, select

from cases.clock import Clock
from cases.db import write_transaction
from notifications.mailer import MAIL_ERRORS, Sender
from notifications.models import OutboxEmail

log = structlog.get_logger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
BACKOFF = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class OutboxPolicy:
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    batch: int = 50


@dataclass(slots=True)
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # Message-IDs
    retried: int = 0
    failed: int = 0


def claim(session: Session, now: datetime, policy: OutboxPolicy) -> list[OutboxEmail]:
    """Take up to ``policy.batch`` due messages for this sender, under a lease."""
    with write_transaction(session):
        rows = list(session.exec(
            select(OutboxEmail)
            .where(OutboxEmail.status == PENDING, col(OutboxEmail.next_attempt_at) <= now,
                   or_(col(OutboxEmail.lease_until).is_(None),
                       col(OutboxEmail.lease_until) <= now))
            .order_by(col(OutboxEmail.id))
            .limit(policy.batch)
            .with_for_update(skip_locked=True)
        ))
        for row in rows:
            row.lease_until = now + policy.lease
            row.attempts += 1
    return rows


def deliver(session: Session, sender: Sender, clock: Clock,
            policy: OutboxPolicy | None = None) -> DeliveryReport:
    """Send every due message once; failures are retried later with backoff."""
    policy = policy or OutboxPolicy()
    report = DeliveryReport()
    while batch := claim(session, clock(), policy):
        for email in batch:
            _send_one(session, sender, email, clock, policy, report)
    return report


def _send_one(session: Session, sender: Sender, email: OutboxEmail, clock: Clock,
              policy: OutboxPolicy, report: DeliveryReport) -> None:
    try:
        sender.send(email)
    except MAIL_ERRORS as exc:
        _record_failure(session, email, clock(), policy, f"{type(exc).__name__}: {exc}")
        if email.status == FAILED:
            report.failed += 1
        else:
            report.retried += 1
        return
    with write_transaction(session):
        row = session.get(OutboxEmail, email.id, with_for_update=True)
        assert row is not None
        row.status, row.sent_at, row.lease_until = SENT, clock(), None
    report.sent.append(email.message_id)
    log.info("mail.sent", message_id=email.message_id, attempts=email.attempts)


def _record_failure(session: Session, email: OutboxEmail, now: datetime,
                    policy: OutboxPolicy, error: str) -> None:
    with write_transaction(session):
        row = session.get(OutboxEmail, email.id, with_for_update=True)
        assert row is not None
        row.lease_until, row.last_error = None, error[:500]
        if row.attempts >= policy.max_attempts:
            row.status = FAILED
        else:
            # 1, 2, 4, 8 ... minutes after each failed attempt.
            row.next_attempt_at = now + BACKOFF * 2 ** (row.attempts - 1)
        email.status = row.status
    log.warning("mail.failed", message_id=email.message_id, attempts=row.attempts,
                final=row.status == FAILED, error=error[:200])


def list_outbox(session: Session, status: str | None = None, limit: int = 100
                ) -> list[OutboxEmail]:
    """Newest first; what admins look at to find failed emails."""
    query = select(OutboxEmail).order_by(col(OutboxEmail.id).desc()).limit(limit)
    if status:
        query = query.where(OutboxEmail.status == status)
    return list(session.exec(query))
