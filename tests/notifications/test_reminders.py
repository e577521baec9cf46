"""Reminders and escalations: exact messages on exact days, over real SMTP, by the clock."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

from infra.runtime import Runtime
from notifications.inbox import Channels
from notifications.runner import run_digest, run_reminders
from notifications.sweep import sweep
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.notifications.conftest import SmtpServer, at

TUESDAY_10_FEB = date(2026, 2, 10)  # + 5 working days over Imlek (16-17 Feb) = Thursday 19


def walk(runtime: Runtime, clock: FakeClock, first: date, last: date
         ) -> dict[date, list[tuple[str, tuple[str, ...]]]]:
    """Run the sweep at 09.00 WITA every day from ``first`` to ``last``; what each day sent."""
    sent = {}
    day = first
    while day <= last:
        clock.now = at(day)
        report = run_reminders(runtime)
        sent[day] = sorted((r.kind, r.recipients) for r in report.sweep.reminders)
        day += timedelta(days=1)
    return {d: s for d, s in sent.items() if s}


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_a_late_case_is_chased_each_working_day_across_imlek_and_escalated_once(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    case = api.create_media("rina")
    assert case["deadline"]["due_date"] == "2026-02-19"

    sent = walk(runtime, clock, TUESDAY_10_FEB, date(2026, 2, 25))

    officers = ("fajar", "rina")
    assert sent == {
        date(2026, 2, 18): [("due_soon", officers)],
        date(2026, 2, 19): [("due_today", officers)],
        date(2026, 2, 20): [("overdue", officers)],
        date(2026, 2, 23): [("escalation", ("siti",)), ("overdue", officers)],
        date(2026, 2, 24): [("overdue", officers)],
        date(2026, 2, 25): [("overdue", officers)],
    }
    ids = smtp.mailbox.message_ids()
    assert len(ids) == 13
    assert len(set(ids)) == 13
    assert all(i.startswith("<berkas.reminder-") and i.endswith("@balangankab.go.id>")
               for i in ids)
    [escalation] = smtp.mailbox.to("siti@example.test")
    assert escalation["Subject"] == "[Berkas] Eskalasi: lewat tenggat: MV-2026-0001 — Balangan Pos"
    first = smtp.mailbox.to("fajar@example.test")[0]
    assert first["Subject"] == "[Berkas] Tenggat besok: MV-2026-0001 — Balangan Pos"
    assert "Kamis, 19 Februari 2026" in body(first)
    assert f"/cases/{case['id']}" in body(first)
    assert first.get_body(preferencelist=("html",)) is not None

    trail = api.get("siti", f"/api/cases/{case['id']}/audit").json()
    reminders = [e for e in trail if e["action"] == "reminder_sent"]
    assert len(reminders) == 7
    assert reminders[0]["actor"] == "sistem"
    assert api.audit_check()["ok"] is True


def test_a_second_sweep_at_the_same_time_sends_nothing(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    api.create_media("rina")
    clock.now = at(date(2026, 2, 23))
    first = run_reminders(runtime)
    again = run_reminders(runtime)
    later_that_day = (clock.advance(hours=6), run_reminders(runtime))[1]
    assert len(first.sweep.reminders) == 2
    assert again.sweep.reminders == []
    assert again.delivery.sent == []
    assert later_that_day.sweep.reminders == []
    assert len(smtp.mailbox.received) == 3


def test_one_session_sweeping_day_after_day_escalates_once(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    """The sweep records an escalation on the deadline by a plain UPDATE (not through the
    loaded objects), and a long-lived session, as a worker's, still sees it the next day."""
    clock.now = at(TUESDAY_10_FEB)
    api.create_media("rina")
    channels = Channels.from_settings(runtime.settings)
    kinds = {}
    with runtime.sessions() as session:
        for day in (date(2026, 2, 20), date(2026, 2, 23), date(2026, 2, 24), date(2026, 2, 25)):
            report = sweep(session, at(day), runtime.calendar, channels)
            kinds[day] = sorted(r.kind for r in report.reminders)
    assert kinds == {
        date(2026, 2, 20): ["overdue"],
        date(2026, 2, 23): ["escalation", "overdue"],
        date(2026, 2, 24): ["overdue"],
        date(2026, 2, 25): ["overdue"],
    }


def test_an_assigned_officer_is_reminded_instead_of_every_officer(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    case_id = api.create_media("rina")["id"]
    assert api.post("siti", f"/api/cases/{case_id}/assign",
                    json={"username": "fajar"}).status_code == 200
    clock.now = at(date(2026, 2, 18))
    [reminder] = run_reminders(runtime).sweep.reminders
    assert reminder.recipients == ("fajar",)


def test_a_late_kadis_is_escalated_to_the_kabid(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    from tests.api.helpers import MEDIA_REVIEW_DOCS, SITE_VISIT

    clock.now = at(TUESDAY_10_FEB)
    api.set_budget("media_verification", 600_000_000)
    case_id = api.create_media("rina")["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    reviewed = api.fire("fajar", case_id, "review", data=SITE_VISIT, full=True).json()
    # 3 working days after Tuesday 10 February: 11, 12, 13 → due Friday 13.
    assert reviewed["deadline"]["role"] == "kadis"
    assert reviewed["deadline"]["due_date"] == "2026-02-13"

    sent = walk(runtime, clock, TUESDAY_10_FEB, date(2026, 2, 19))
    assert sent == {
        date(2026, 2, 12): [("due_soon", ("ahmad",))],
        date(2026, 2, 13): [("due_today", ("ahmad",))],
        # 16-17 February are Imlek: the 18th is one working day late, the 19th two.
        date(2026, 2, 18): [("overdue", ("ahmad",))],
        date(2026, 2, 19): [("escalation", ("siti",)), ("overdue", ("ahmad",))],
    }


def test_leaving_a_state_closes_its_deadline_and_its_reminders_stop(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    case_id = api.create_media("rina")["id"]
    returned = api.fire("fajar", case_id, "return_for_revision", comment="NIB belum sesuai",
                        full=True)
    assert returned.json()["deadline"]["state"] == "returned"
    assert returned.json()["deadline"]["due_date"] == "2026-02-26"  # 10 working days
    assert walk(runtime, clock, TUESDAY_10_FEB, date(2026, 2, 24)) == {}
    withdrawn = api.fire("siti", case_id, "withdraw", comment="mengundurkan diri", full=True)
    assert withdrawn.json()["deadline"] is None
    assert walk(runtime, clock, date(2026, 2, 25), date(2026, 3, 6)) == {}


def test_a_case_entered_eight_working_days_late_is_overdue_and_listed(
    api: Api, clock: FakeClock
) -> None:
    clock.now = at(date(2026, 2, 25))
    fresh = api.create_media("rina")
    body_ = {"workflow": "media_verification", "title": "Masuk lewat kertas",
             "fiscal_year": 2026, "amount": 10_000_000,
             "party_id": fresh["party"]["id"], "applicant": fresh["applicant"],
             "submitted_at": "2026-02-11T10:00:00+08:00"}
    late = api.post("siti", "/api/cases", json=body_)
    assert late.status_code == 201, late.text
    # Wednesday 11 February is 8 working days before the 25th (16-17 are Imlek).
    deadline = api.case("rina", late.json()["id"])["deadline"]
    assert deadline == {**deadline, "due_date": "2026-02-20", "overdue": True,
                        "working_days_overdue": 3}
    listed = api.get("rina", "/api/cases", params={"overdue": "true"}).json()["items"]
    assert [c["id"] for c in listed] == [late.json()["id"]]
    on_time = api.get("rina", "/api/cases", params={"overdue": "false"}).json()["items"]
    assert [c["id"] for c in on_time] == [fresh["id"]]
    by_due = api.get("rina", "/api/cases", params={"overdue": "true", "sort": "due"}).json()
    assert [c["id"] for c in by_due["items"]] == [late.json()["id"]]
    assert api.post("rina", "/api/cases", json=body_).status_code == 403


def test_the_morning_digest_goes_once_per_person_and_not_on_holidays(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    api.create_media("rina")
    api.create_media("fajar")
    clock.now = at(date(2026, 2, 17), 7, 30)  # Imlek
    assert run_digest(runtime) == 0
    clock.now = at(date(2026, 2, 18), 7, 30)
    assert run_digest(runtime) == 2
    assert run_digest(runtime) == 0
    [digest] = smtp.mailbox.to("rina@example.test")
    assert digest["Subject"] == "[Berkas] Tugas Anda hari ini (Rabu, 18 Februari 2026): 2 berkas"
    assert "MV-2026-0001" in body(digest)
    assert "MV-2026-0002" in body(digest)
