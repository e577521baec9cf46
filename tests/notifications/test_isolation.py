"""One message that cannot be composed or sent never stops the others (issue 11: a line break
in one applicant's name held 72 emails back for good). The bad data is written behind the
API's back, as old rows would hold it."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import select

from infra.runtime import Runtime
from infra.unit_of_work import UnitOfWork
from notifications.mailer import SmtpSender
from notifications.models import OutboxEmail
from notifications.outbox import NO_OUTCOME, OutboxPolicy
from notifications.runner import run_reminders
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.notifications.conftest import SmtpServer, at

INJECTED = "fajar@example.test\r\nBcc: luar@contoh.test"


def queue(runtime: Runtime, key: str, to: str = "fajar@example.test",
          subject: str = "[Berkas] Pengingat", **extra: object) -> str:
    """An outbox row written directly, as an old release (or bad data) left it."""
    now, message_id = runtime.clock(), f"<berkas.{key}@balangankab.go.id>"
    with runtime.sessions() as session, UnitOfWork(session):
        session.add(OutboxEmail.model_validate({
            "message_id": message_id, "to_address": to, "subject": subject,
            "text_body": "Isi pesan", "html_body": "<p>Isi pesan</p>",
            "next_attempt_at": now, "created_at": now, **extra}))
    return message_id


def row(runtime: Runtime, message_id: str) -> OutboxEmail:
    with runtime.sessions() as session:
        return session.exec(
            select(OutboxEmail).where(OutboxEmail.message_id == message_id)).one()


class FailsOn:
    """The real sender, except that sending ``message_id`` raises ``error``."""

    def __init__(self, inner: SmtpSender, message_id: str, error: BaseException) -> None:
        self.inner, self.message_id, self.error = inner, message_id, error

    def send(self, email: OutboxEmail) -> None:
        if email.message_id == self.message_id:
            raise self.error
        self.inner.send(email)


class Crash(BaseException):
    """Stands for the process dying while it sends (nothing in it can catch this)."""


def test_a_message_that_cannot_be_composed_fails_at_once_and_every_other_goes_out(
    runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    poison = queue(runtime, "poison", to=INJECTED)  # first in line, as in the incident
    good = [queue(runtime, f"good-{n}", to=f"user{n}@example.test")
            for n in range(OutboxPolicy().batch + 5)]  # more than one batch

    delivery = run_reminders(runtime).delivery
    assert sorted(delivery.sent) == sorted(good)
    assert (delivery.failed, delivery.retried) == (1, 0)
    assert sorted(smtp.mailbox.message_ids()) == sorted(good)
    assert not any("luar@contoh.test" in rcpt for rcpt, _ in smtp.mailbox.received)
    failed = row(runtime, poison)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error.startswith("surel tidak dapat disusun: ValueError")

    for _ in range(runtime.settings.mail_max_attempts + 1):
        clock.advance(hours=1)
        assert run_reminders(runtime).delivery.sent == []
    assert row(runtime, poison).attempts == 1


def test_a_line_break_in_an_applicants_name_is_folded_out_of_the_subject_and_reminders_go_out(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(date(2026, 2, 10))
    case_id = api.create_media("rina")["id"]
    with runtime.engine.begin() as conn:  # old data, from before names refused line breaks
        conn.execute(text("UPDATE cases SET applicant_name = :name WHERE id = :id"),
                     {"name": "Balangan Pos\r\nBcc: luar@contoh.test", "id": case_id})
    clock.now = at(date(2026, 2, 18))  # the day before the review deadline: both officers

    assert len(run_reminders(runtime).delivery.sent) == 2
    subjects = [str(message["Subject"]) for _, message in smtp.mailbox.received]
    assert all(s.endswith("Balangan Pos Bcc: luar@contoh.test") for s in subjects), subjects
    assert all(message["Bcc"] is None for _, message in smtp.mailbox.received)
    assert sorted(r for rcpt, _ in smtp.mailbox.received for r in rcpt) == [
        "fajar@example.test", "rina@example.test"]


def test_an_old_outbox_row_with_a_line_break_in_its_subject_is_sent_on_one_line(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    sent = queue(runtime, "old", subject="[Berkas] Pengingat: Balangan\nPos\u2028Utama\r\n")
    assert run_reminders(runtime).delivery.sent == [sent]
    (_, message), = smtp.mailbox.received
    assert str(message["Subject"]) == "[Berkas] Pengingat: Balangan Pos Utama"


def test_a_recipient_the_server_refuses_for_good_fails_at_once_and_the_others_go_out(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    smtp.mailbox.refusals["pindah@example.test"] = "550 5.1.1 Kotak surat tidak ada"
    refused = queue(runtime, "refused", to="pindah@example.test")
    good = [queue(runtime, f"good-{n}") for n in range(3)]

    delivery = run_reminders(runtime).delivery
    assert sorted(delivery.sent) == sorted(good)
    assert (delivery.failed, delivery.retried) == (1, 0)
    failed = row(runtime, refused)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "pindah@example.test 550 5.1.1 Kotak surat tidak ada" in failed.last_error


def test_an_error_sending_one_message_is_retried_on_it_alone_up_to_the_maximum_attempts(
    runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    broken = queue(runtime, "broken")
    sender = FailsOn(SmtpSender.from_settings(runtime.settings), broken,
                     RuntimeError("templat rusak"))
    good = [queue(runtime, f"good-{n}") for n in range(3)]
    maximum = runtime.settings.mail_max_attempts

    first = run_reminders(runtime, sender).delivery
    assert sorted(first.sent) == sorted(good)
    assert (first.retried, first.failed) == (1, 0)
    for attempt in range(2, maximum + 3):
        clock.advance(hours=1)  # past any backoff
        delivery = run_reminders(runtime, sender).delivery
        assert delivery.failed == (1 if attempt == maximum else 0)
        assert row(runtime, broken).attempts == min(attempt, maximum)
    failed = row(runtime, broken)
    assert (failed.status, failed.last_error) == ("failed", "RuntimeError: templat rusak")
    assert sorted(smtp.mailbox.message_ids()) == sorted(good)


def test_a_message_that_kills_its_sender_each_time_costs_only_itself_its_attempts(
    runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    deadly = queue(runtime, "deadly")
    good = [queue(runtime, f"good-{n}") for n in range(3)]
    sender = FailsOn(SmtpSender.from_settings(runtime.settings), deadly, Crash())
    lease = timedelta(seconds=runtime.settings.mail_lease_seconds + 1)
    for _ in range(runtime.settings.mail_max_attempts):
        with contextlib.suppress(Crash):
            run_reminders(runtime, sender)
        clock.now += lease  # the dead sender's lease runs out

    assert sorted(smtp.mailbox.message_ids()) == sorted(good)  # the fresh ones went first
    assert {row(runtime, m).attempts for m in good} == {1}
    assert run_reminders(runtime, sender).delivery.failed == 1
    given_up = row(runtime, deadly)
    assert (given_up.status, given_up.attempts) == ("failed", runtime.settings.mail_max_attempts)
    assert given_up.last_error == NO_OUTCOME


def test_a_message_left_pending_with_every_attempt_spent_is_failed_not_sent_again(
    runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    maximum = runtime.settings.mail_max_attempts
    spent = queue(runtime, "spent", attempts=maximum,
                  lease_until=clock.now - timedelta(minutes=1))
    fresh = queue(runtime, "fresh")

    delivery = run_reminders(runtime).delivery
    assert (delivery.sent, delivery.failed) == ([fresh], 1)
    left = row(runtime, spent)
    assert (left.status, left.attempts, left.last_error) == ("failed", maximum, NO_OUTCOME)
