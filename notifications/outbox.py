"""Delivering the email outbox: claim a batch under a lease, try each message, mark its result.

Several instances may deliver at once: a claim takes rows with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite has one writer at a time) and stamps a lease. A sender that dies after
claiming leaves the lease to run out, and the rows are claimed again: at most one resend,
carrying the same Message-ID, and never a loss. A sender whose lease ran out while it was
busy with the rest of its batch finds, message by message, that another sender claimed it
since, and leaves it to that one, so a slow batch doubles no message it had not started. One
send slower than the lease can still go out twice; its outcome is then written only if the
message is still this sender's, except a success, which is recorded whoever holds it (the
message did go out, and must not be tried again).

Each message is tried on its own (issue 11: one message whose subject held a line break
stopped all email). Whatever goes wrong composing or sending it is recorded on that message
(the attempt, the error, the next try after a backoff) and the run goes on with the next.
An attempt is counted just before it is made, so a sender dying on one message costs that
message an attempt, not its whole batch. No message is tried more than ``max_attempts``
times: one whose last attempt never reported back is marked failed, not claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from infra.clock import Clock
from infra.unit_of_work import UnitOfWork
from notifications.mailer import MAIL_ERRORS, Sender, Undeliverable
from notifications.models import OutboxEmail

log = structlog.get_logger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
BACKOFF = timedelta(minutes=1)
# Shown to admins on a message whose last attempt ended with its sender (a crash, a kill).
NO_OUTCOME = "batas percobaan habis: percobaan terakhir tidak melaporkan hasilnya"


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


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message this sender claimed, and the lease stamp its claim set. The message is this
    sender's while its row carries that stamp; the stamp is kept here because the row object
    is read again from the database at each transaction's start."""

    email: OutboxEmail
    lease: datetime


def _unleased(now: datetime) -> ColumnElement[bool]:
    return or_(col(OutboxEmail.lease_until).is_(None), col(OutboxEmail.lease_until) <= now)


def claim(session: Session, now: datetime, policy: OutboxPolicy) -> list[Claimed]:
    """Take up to ``policy.batch`` due messages for this sender, under a lease.

    Messages with attempts left only, the least tried first: one that keeps failing (or
    killing its sender) goes after the fresh ones and can never hold them up.
    """
    with UnitOfWork(session):
        rows = list(session.exec(
            select(OutboxEmail)
            .where(OutboxEmail.status == PENDING, col(OutboxEmail.next_attempt_at) <= now,
                   col(OutboxEmail.attempts) < policy.max_attempts, _unleased(now))
            .order_by(col(OutboxEmail.attempts), col(OutboxEmail.id))
            .limit(policy.batch)
            .with_for_update(skip_locked=True)
        ))
        lease = now + policy.lease
        for row in rows:
            row.lease_until = lease
    return [Claimed(row, lease) for row in rows]


def give_up_unreported(session: Session, now: datetime, policy: OutboxPolicy) -> int:
    """Mark failed the messages that used every attempt, the last one without an outcome
    (its sender died and the lease ran out); they are never claimed, so they would
    otherwise stay pending for ever. Returns how many."""
    with UnitOfWork(session):
        result = session.execute(
            update(OutboxEmail)
            .where(col(OutboxEmail.status) == PENDING,
                   col(OutboxEmail.attempts) >= policy.max_attempts, _unleased(now))
            .values(status=FAILED, lease_until=None, last_error=NO_OUTCOME)
        )
    return int(getattr(result, "rowcount", 0) or 0)


def deliver(session: Session, sender: Sender, clock: Clock,
            policy: OutboxPolicy | None = None) -> DeliveryReport:
    """Try every due message once. A message that fails is retried later with backoff, or
    marked failed when retrying is pointless or its attempts are spent; either way the
    others go out in the same run."""
    policy = policy or OutboxPolicy()
    report = DeliveryReport(failed=give_up_unreported(session, clock(), policy))
    while batch := claim(session, clock(), policy):
        send_claimed(session, sender, batch, clock, policy, report)
    return report


def send_claimed(session: Session, sender: Sender, batch: list[Claimed], clock: Clock,
                 policy: OutboxPolicy, report: DeliveryReport) -> None:
    """Try each message of a batch this sender claimed, in order, recording into ``report``."""
    for claimed in batch:
        _try_one(session, sender, claimed, clock, policy, report)


def _try_one(session: Session, sender: Sender, claimed: Claimed, clock: Clock,
             policy: OutboxPolicy, report: DeliveryReport) -> None:
    """Send one message and record the outcome on it; nothing it raises reaches the run
    (an exception that is not an ``Exception``, such as the process exiting, still does)."""
    lease = _count_attempt(session, claimed, clock(), policy)
    if lease is None:
        return
    email = claimed.email
    try:
        sender.send(email)
    except Exception as exc:  # one message's failure, whatever it is, stays with it
        outcome = _record_failure(session, email, lease, clock(), policy, exc)
        if outcome == FAILED:
            report.failed += 1
        elif outcome is not None:
            report.retried += 1
        return
    with UnitOfWork(session):
        row = session.get(OutboxEmail, email.id, with_for_update=True, populate_existing=True)
        assert row is not None
        if row.lease_until != lease:  # another sender claimed it meanwhile: it went out
            log.warning("mail.sent_after_lease", message_id=email.message_id)
        row.status, row.sent_at, row.lease_until = SENT, clock(), None
    report.sent.append(email.message_id)
    log.info("mail.sent", message_id=email.message_id, attempts=row.attempts)


def _count_attempt(session: Session, claimed: Claimed, now: datetime,
                   policy: OutboxPolicy) -> datetime | None:
    """Count the attempt about to be made, committed before it is made, so a crash while
    sending still counts; returns the attempt's own lease stamp. None when the message is no
    longer this sender's: another one claimed it after this one's lease ran out (its lease
    stamp is not the one this sender set), or finished it."""
    lease = now + policy.lease  # a slow batch does not lose its later messages
    with UnitOfWork(session):
        row = session.get(OutboxEmail, claimed.email.id, with_for_update=True,
                          populate_existing=True)
        if row is None or row.status != PENDING or row.lease_until != claimed.lease:
            return None
        row.attempts += 1
        row.lease_until = lease
    return lease


def _record_failure(session: Session, email: OutboxEmail, lease: datetime, now: datetime,
                    policy: OutboxPolicy, exc: Exception) -> str | None:
    """Store why ``email`` failed and when to try again: ``FAILED`` when it failed for good,
    ``PENDING`` when it will be retried, None when it is no longer this sender's (``lease``,
    the attempt's stamp, is gone: another sender holds it, or sent it), whose outcome stands."""
    final = isinstance(exc, Undeliverable)
    error = str(exc) if final else f"{type(exc).__name__}: {exc}"
    with UnitOfWork(session):
        row = session.get(OutboxEmail, email.id, with_for_update=True, populate_existing=True)
        assert row is not None
        if row.status != PENDING or row.lease_until != lease:
            log.warning("mail.failed_after_lease", message_id=email.message_id,
                        error=error[:200])
            return None
        row.lease_until, row.last_error = None, error[:500]
        if final or row.attempts >= policy.max_attempts:
            row.status = FAILED
        else:
            # 1, 2, 4, 8 ... minutes after each failed attempt.
            row.next_attempt_at = now + BACKOFF * 2 ** (row.attempts - 1)
    expected = isinstance(exc, (Undeliverable, *MAIL_ERRORS))
    log.warning("mail.failed", message_id=email.message_id, attempts=row.attempts,
                final=row.status == FAILED, error=error[:200],
                exc_info=None if expected else exc)  # an unexpected one is a bug: show where
    return row.status


def list_outbox(session: Session, status: str | None = None, limit: int = 100
                ) -> list[OutboxEmail]:
    """Newest first; what admins look at to find failed emails."""
    query = select(OutboxEmail).order_by(col(OutboxEmail.id).desc()).limit(limit)
    if status:
        query = query.where(OutboxEmail.status == status)
    return list(session.exec(query))
