"""The email outbox: a crash costs one resend, a dead SMTP server costs retries, never a
transition."""

from __future__ import annotations

import smtplib
from datetime import date

import pytest

from infra.config import Settings
from infra.runtime import Runtime
from notifications.mailer import SmtpSender
from notifications.models import OutboxEmail
from notifications.outbox import Claimed, DeliveryReport, claim, deliver, list_outbox, send_claimed
from notifications.runner import policy, run_reminders
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.notifications.conftest import SmtpServer, at
from tests.servers import free_port


class Crash(BaseException):
    """Stands for the process dying between sending and recording it: nothing in the process
    catches it (a failure that is an ``Exception`` is recorded on its message instead)."""


class CrashAfterFirstSend:
    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner

    def send(self, email: OutboxEmail) -> None:
        self.inner.send(email)
        raise Crash


def due_soon_for_both_officers(api: Api, clock: FakeClock) -> None:
    clock.now = at(date(2026, 2, 10))
    api.create_media("rina")
    clock.now = at(date(2026, 2, 18))
    api.forget_tokens()


def test_a_crash_after_sending_leads_to_one_resend_after_the_lease(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    due_soon_for_both_officers(api, clock)
    with pytest.raises(Crash):
        run_reminders(runtime, CrashAfterFirstSend(SmtpSender.from_settings(runtime.settings)))
    assert len(smtp.mailbox.received) == 1

    clock.advance(minutes=4)  # the lease (5 minutes) still holds both claimed messages
    assert run_reminders(runtime).delivery.sent == []

    clock.advance(minutes=2)
    resent = run_reminders(runtime).delivery.sent
    assert len(resent) == 2
    ids = smtp.mailbox.message_ids()
    assert len(ids) == 3
    assert sorted(set(ids)) == sorted(resent)  # nothing lost, the crashed one sent twice
    assert run_reminders(runtime).delivery.sent == []


class LeaseRunsOutDuringFirstSend:
    """Sends the first message so slowly that the lease on the batch runs out, and another
    sender claims what is left meanwhile: the other's batch is kept in ``taken``."""

    def __init__(self, runtime: Runtime, clock: FakeClock) -> None:
        self.inner = SmtpSender.from_settings(runtime.settings)
        self.runtime, self.clock = runtime, clock
        self.taken: list[Claimed] = []

    def send(self, email: OutboxEmail) -> None:
        self.inner.send(email)
        if not self.taken:
            self.clock.advance(minutes=6)
            with self.runtime.sessions() as other:
                self.taken = claim(other, self.clock(), policy(self.runtime))


def test_a_sender_whose_lease_ran_out_leaves_the_rest_to_the_sender_that_claimed_it(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    due_soon_for_both_officers(api, clock)
    slow = LeaseRunsOutDuringFirstSend(runtime, clock)
    assert len(run_reminders(runtime, slow).delivery.sent) == 1
    # The other sender holds both: the first was still being sent when the lease ran out.
    assert len(slow.taken) == 2

    report = DeliveryReport()
    with runtime.sessions() as other:
        send_claimed(other, slow.inner, slow.taken, clock, policy(runtime), report)
    assert len(report.sent) == 1  # the second; the first was finished meanwhile
    ids = smtp.mailbox.message_ids()
    assert len(ids) == len(set(ids)) == 2  # each message once: the slow one did not double it


class FailsAfterTheLeaseRanOut:
    """A first send that hangs past the lease while another sender delivers everything, then
    fails: its failure must not undo the other's success."""

    def __init__(self, runtime: Runtime, clock: FakeClock) -> None:
        self.inner = SmtpSender.from_settings(runtime.settings)
        self.runtime, self.clock = runtime, clock
        self.other = DeliveryReport()

    def send(self, email: OutboxEmail) -> None:
        if not self.other.sent:
            self.clock.advance(minutes=6)
            with self.runtime.sessions() as other:
                self.other = deliver(other, self.inner, self.clock, policy(self.runtime))
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.inner.send(email)


def test_a_failure_after_the_lease_ran_out_leaves_the_other_senders_success_standing(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    due_soon_for_both_officers(api, clock)
    late = FailsAfterTheLeaseRanOut(runtime, clock)
    report = run_reminders(runtime, late).delivery
    assert len(late.other.sent) == 2  # the other sender delivered both
    assert (report.sent, report.retried, report.failed) == ([], 0, 0)
    with runtime.sessions() as session:
        assert {e.status for e in list_outbox(session)} == {"sent"}  # not retried, not failed
    ids = smtp.mailbox.message_ids()
    assert len(ids) == len(set(ids)) == 2


@pytest.fixture
def dead_smtp(settings: Settings) -> Settings:
    return settings.model_copy(update={"smtp_port": free_port(), "mail_max_attempts": 3})


def test_failed_sends_are_retried_with_backoff_then_shown_to_admins_as_failed(
    api: Api, clock: FakeClock, dead_smtp: Settings
) -> None:
    runtime = Runtime.build(dead_smtp, clock)
    due_soon_for_both_officers(api, clock)
    first = run_reminders(runtime)
    assert len(first.sweep.reminders) == 1
    assert (first.delivery.retried, first.delivery.failed) == (2, 0)

    clock.advance(seconds=50)
    assert run_reminders(runtime).delivery.retried == 0  # backoff: one minute
    clock.advance(seconds=11)
    assert run_reminders(runtime).delivery.retried == 2
    clock.advance(minutes=1)
    assert run_reminders(runtime).delivery.retried == 0  # backoff: two minutes
    clock.advance(minutes=1, seconds=1)
    assert run_reminders(runtime).delivery.failed == 2

    failed = api.get("admin", "/api/admin/emails", params={"status": "failed"}).json()
    assert len(failed) == 2
    assert {e["attempts"] for e in failed} == {3}
    assert all("ConnectionRefusedError" in e["last_error"] for e in failed)
    assert api.get("rina", "/api/admin/emails").status_code == 403

    # The dead mail server never stands in the way of work on the case.
    returned = api.fire("fajar", 1, "return_for_revision", comment="NIB belum sesuai")
    assert returned.status_code == 200
    runtime.engine.dispose()
