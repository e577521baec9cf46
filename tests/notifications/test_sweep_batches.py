"""The sweep over many deadlines in several batches: what it works out once per sweep or
per batch (the rules for a due date, the recipients of a role, the words of a state) must
still give each deadline its own reminders, to its own people, about its own case."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import col, select

from cases.models import AuditEntry
from infra.runtime import Runtime
from notifications.inbox import Channels
from notifications.models import Notification, Reminder
from notifications.sweep import sweep
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.notifications.conftest import at

TUESDAY_10_FEB = date(2026, 2, 10)  # due Thursday 19; Monday 23 is two working days late
OFFICERS = ("fajar", "rina")


def test_a_sweep_in_small_batches_gives_each_deadline_its_own_reminders_once(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    cases = [api.create_media("rina") for _ in range(5)]
    assigned = cases[1]
    assert api.post("siti", f"/api/cases/{assigned['id']}/assign",
                    json={"username": "fajar"}).status_code == 200
    channels = Channels.from_settings(runtime.settings)

    with runtime.sessions() as session:
        report = sweep(session, at(date(2026, 2, 23)), runtime.calendar, channels, batch=2)
        again = sweep(session, at(date(2026, 2, 23), 15), runtime.calendar, channels, batch=2)

    assert report.checked == 5
    assert again.reminders == []
    by_case = {c["reference"]: sorted((r.kind, r.recipients) for r in report.reminders
                                      if r.reference == c["reference"]) for c in cases}
    assert by_case == {
        c["reference"]: [("escalation", ("siti",)),
                         ("overdue", ("fajar",) if c is assigned else OFFICERS)]
        for c in cases}

    with runtime.sessions() as session:
        reminders = session.exec(select(Reminder)).all()
        assert Counter((r.deadline_id, r.kind) for r in reminders).most_common(1)[0][1] == 1
        escalations = session.exec(
            select(Notification).where(col(Notification.kind) == "escalation")
            .order_by(col(Notification.case_id))).all()
        trail = Counter(e.case_id for e in session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "reminder_sent")).all())
    # Each notice speaks of its own case, though the words of the state are shared.
    assert [(n.case_id, n.title) for n in escalations] == [
        (c["id"], f"Eskalasi: lewat tenggat: {c['reference']} — {c['applicant_name']}")
        for c in sorted(cases, key=lambda c: c["id"])]
    assert all(f"/cases/{n.case_id}" in n.body for n in escalations)
    assert trail == {c["id"]: 2 for c in cases}
    assert api.audit_check()["ok"] is True
