"""The working-day calendar, pinned to 2026 facts (SKB 3 Menteri)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflows.calendar import WorkingCalendar

CAL = WorkingCalendar()


def test_five_working_days_after_friday_13_march_skip_nyepi_and_idulfitri_leave() -> None:
    # 16, 17 count; 18-19 Nyepi (+ cuti), 20-24 Idulfitri (+ cuti) do not; 25, 26, 27 count.
    assert CAL.add_working_days(date(2026, 3, 13), 5) == date(2026, 3, 27)


@pytest.mark.parametrize("day", [
    date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 23),
    date(2026, 3, 24), date(2026, 8, 17), date(2026, 12, 24), date(2026, 12, 25),
])
def test_holidays_and_cuti_bersama_are_not_working_days(day: date) -> None:
    assert not CAL.is_working_day(day)


def test_weekends_are_closed_and_plain_weekdays_open() -> None:
    assert not CAL.is_working_day(date(2026, 2, 7))  # Saturday
    assert CAL.is_working_day(date(2026, 2, 4))  # Wednesday of the rakor


def test_extra_local_closed_days_are_configurable() -> None:
    local = WorkingCalendar(extra_closed=[date(2026, 2, 5)])
    assert not local.is_working_day(date(2026, 2, 5))
    assert local.add_working_days(date(2026, 2, 4), 1) == date(2026, 2, 6)
    assert CAL.add_working_days(date(2026, 2, 4), 1) == date(2026, 2, 5)


def test_working_days_between_counts_the_end_not_the_start() -> None:
    assert CAL.working_days_between(date(2026, 3, 13), date(2026, 3, 27)) == 5
    assert CAL.working_days_between(date(2026, 3, 27), date(2026, 3, 13)) == -5
    assert CAL.working_days_between(date(2026, 2, 4), date(2026, 2, 4)) == 0


def test_zero_days_is_the_same_day_and_negative_is_refused() -> None:
    assert CAL.add_working_days(date(2026, 2, 4), 0) == date(2026, 2, 4)
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 2, 4), -1)


def test_local_date_is_taken_in_wita() -> None:
    # 17.00 UTC on Friday is 01.00 WITA on Saturday.
    assert CAL.local_date(datetime(2026, 2, 6, 17, 0, tzinfo=UTC)) == date(2026, 2, 7)


def test_counting_back_eight_working_days_from_25_february_skips_imlek() -> None:
    assert CAL.subtract_working_days(date(2026, 2, 25), 8) == date(2026, 2, 11)
    assert CAL.add_working_days(date(2026, 2, 11), 8) == date(2026, 2, 25)
