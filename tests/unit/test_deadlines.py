"""Deadline and reminder rules, pinned to 2026 facts (Imlek: 16-17 February closed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflows import CaseState, DeadlineRule, Role
from workflows.calendar import WorkingCalendar
from workflows.dates import format_date, format_datetime
from workflows.deadlines import (
    ReminderKind,
    due_date,
    escalation_role,
    first_reminder_day,
    is_escalation_due,
    reminder_for,
    working_days_overdue,
)

CAL = WorkingCalendar()
R = ReminderKind


def test_five_working_days_from_tuesday_10_february_skip_imlek() -> None:
    rule = DeadlineRule(CaseState.SUBMITTED, Role.OFFICER, working_days=5)
    assert due_date(rule, date(2026, 2, 10), 2026, CAL) == date(2026, 2, 19)


def test_calendar_day_deadline_counts_weekends_and_holidays() -> None:
    rule = DeadlineRule(CaseState.PAID, Role.OFFICER, calendar_days=30)
    assert due_date(rule, date(2026, 2, 10), 2026, CAL) == date(2026, 3, 12)


def test_grant_report_is_due_10_january_after_the_fiscal_year() -> None:
    rule = DeadlineRule(CaseState.PAID, Role.OFFICER, next_year_on=(1, 10))
    assert due_date(rule, date(2026, 4, 15), 2026, CAL) == date(2027, 1, 10)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 2, 13), None),              # Friday, still two working days ahead
    (date(2026, 2, 16), None),              # cuti bersama Imlek: nothing is sent
    (date(2026, 2, 18), R.DUE_SOON),        # one working day before
    (date(2026, 2, 19), R.DUE_TODAY),
    (date(2026, 2, 20), R.OVERDUE),
    (date(2026, 2, 21), None),              # Saturday
    (date(2026, 2, 23), R.OVERDUE),
])
def test_reminder_owed_each_day_around_a_deadline_on_19_february(
    today: date, expected: ReminderKind | None
) -> None:
    assert reminder_for(date(2026, 2, 19), today, CAL) == expected


def test_a_due_date_on_sunday_is_announced_on_the_friday_before() -> None:
    assert reminder_for(date(2026, 3, 1), date(2026, 2, 27), CAL) == R.DUE_SOON


def test_escalation_comes_after_two_working_days_overdue() -> None:
    due = date(2026, 2, 19)
    assert working_days_overdue(due, date(2026, 2, 20), CAL) == 1
    assert not is_escalation_due(due, date(2026, 2, 20), CAL)
    assert not is_escalation_due(due, date(2026, 2, 22), CAL)  # Sunday does not count
    assert is_escalation_due(due, date(2026, 2, 23), CAL)


def test_escalation_goes_to_the_kabid_or_to_the_kadis_when_the_kabid_is_late() -> None:
    assert escalation_role(Role.OFFICER) == Role.KABID
    assert escalation_role(Role.KADIS) == Role.KABID
    assert escalation_role(Role.KABID) == Role.KADIS


def test_first_look_is_the_working_day_before_due_or_the_entry_day_if_later() -> None:
    assert first_reminder_day(date(2026, 2, 19), date(2026, 2, 10), CAL) == date(2026, 2, 18)
    # Due on Wednesday 18: Monday 16 and Tuesday 17 are Imlek, so Friday 13.
    assert first_reminder_day(date(2026, 2, 18), date(2026, 2, 9), CAL) == date(2026, 2, 13)
    assert first_reminder_day(date(2026, 2, 19), date(2026, 2, 25), CAL) == date(2026, 2, 25)


def test_extra_local_closed_days_move_due_dates() -> None:
    local = WorkingCalendar(extra_closed=[date(2026, 2, 12)])
    rule = DeadlineRule(CaseState.SUBMITTED, Role.OFFICER, working_days=5)
    assert due_date(rule, date(2026, 2, 10), 2026, local) == date(2026, 2, 20)


def test_dates_read_in_indonesian_and_wita() -> None:
    assert format_date(date(2026, 2, 4)) == "Rabu, 4 Februari 2026"
    moment = datetime(2026, 2, 4, 1, 0, tzinfo=UTC)
    assert format_datetime(moment, ZoneInfo("Asia/Makassar")) == (
        "Rabu, 4 Februari 2026 pukul 09.00 WITA")
