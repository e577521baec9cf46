"""One run of the reminder machinery: the sweep, then email delivery. What the scheduler's
job, ``berkas reminders run`` and ``berkas worker`` all call; and the morning run, the digest
and the notices about acting officials, that the scheduler's digest job calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from infra.runtime import Runtime
from notifications.acting import send_acting_notices
from notifications.digest import send_digest
from notifications.inbox import Channels
from notifications.mailer import Sender, SmtpSender
from notifications.outbox import DeliveryReport, OutboxPolicy, deliver
from notifications.sweep import SweepReport, sweep


@dataclass(frozen=True, slots=True)
class RunReport:
    sweep: SweepReport
    delivery: DeliveryReport


def policy(runtime: Runtime) -> OutboxPolicy:
    settings = runtime.settings
    return OutboxPolicy(lease=timedelta(seconds=settings.mail_lease_seconds),
                        max_attempts=settings.mail_max_attempts)


def default_sender(runtime: Runtime) -> Sender | None:
    return SmtpSender.from_settings(runtime.settings) if runtime.settings.mail_enabled else None


def run_reminders(runtime: Runtime, sender: Sender | None = None) -> RunReport:
    """Sweep deadlines as of the runtime's clock, then deliver the outbox (if email is on)."""
    channels = Channels.from_settings(runtime.settings)
    sender = sender or default_sender(runtime)
    with runtime.sessions() as session:
        swept = sweep(session, runtime.clock(), runtime.calendar, channels)
        delivered = (deliver(session, sender, runtime.clock, policy(runtime))
                     if sender is not None else DeliveryReport())
    return RunReport(swept, delivered)


def run_digest(runtime: Runtime, sender: Sender | None = None) -> int:
    """Send the morning digest (once per person per working day) and the day's notices about
    acting officials (:mod:`notifications.acting`), then deliver the outbox. Returns how many
    digests were sent."""
    channels = Channels.from_settings(runtime.settings)
    sender = sender or default_sender(runtime)
    now = runtime.clock()
    with runtime.sessions() as session:
        count = send_digest(session, now, runtime.calendar, channels)
        send_acting_notices(session, now, runtime.calendar, channels)
        if sender is not None:
            deliver(session, sender, runtime.clock, policy(runtime))
    return count
