"""The report's arithmetic without a database: percentiles on known data, stays from audit
entries (where a stay starts and ends), and working days counted as deadlines count them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cases.services.reports import Entry, Spread, WorkingDays, percentile, stays_of
from workflows.calendar import WorkingCalendar


def at(day: int, hour: int = 1) -> datetime:
    return datetime(2026, 2, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([1, 3, 8], 50, 3.0),
    ([1, 3, 8], 90, 7.0),  # rank 1.8: 3 + 0.8 × (8 − 3)
    ([1, 3], 50, 2.0),
    ([1, 3], 90, 2.8),
    ([8], 50, 8.0),
    ([8], 90, 8.0),
    ([4, 1, 2, 3], 50, 2.5),  # unsorted input; the mean of the middle two
    ([1, 2, 3, 4, 10], 90, 7.6),  # rank 3.6: 4 + 0.6 × (10 − 4)
    ([0, 10], 100, 10.0),
    ([0, 10], 0, 0.0),
])
def test_percentiles_interpolate_between_ranks_as_percentile_inc_does(
    values: list[int], p: float, expected: float
) -> None:
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_of_nothing_is_refused_and_a_spread_of_nothing_is_empty() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    assert Spread.of([]) == Spread(0, None, None, None)
    assert Spread.of([3, 1, 8]) == Spread(3, 3.0, 7.0, 8)
    assert Spread.of([1, 2, 2, 9]).p90 == 6.9  # 2 + 0.7 × 7 = 6.9, rounded to one decimal


def created(case_id: int, when: datetime, submitted: datetime | None = None) -> Entry:
    return Entry(case_id, submitted or when, "case_created", None, "submitted", when, 1, "Rina")


def moved(case_id: int, source: str, dest: str, when: datetime, actor_id: int,
          actor: str, submitted: datetime) -> Entry:
    return Entry(case_id, submitted, "transition", source, dest, when, actor_id, actor)


def test_a_stay_runs_from_the_entry_into_a_state_to_the_transition_out_of_it() -> None:
    s = at(4)
    stays = stays_of([
        created(1, s),
        moved(1, "submitted", "returned", at(5), 2, "Fajar", s),
        moved(1, "returned", "submitted", at(6), 1, "Rina", s),
        created(2, s),
    ])
    assert [(x.case_id, x.state, x.started, x.ended, x.mover) for x in stays] == [
        (1, "submitted", s, at(5), "Fajar"),
        (1, "returned", at(5), at(6), "Rina"),
        (1, "submitted", at(6), None, ""),  # still there: open, nobody moved it out
        (2, "submitted", s, None, ""),
    ]


def test_the_first_stay_starts_at_the_submission_of_a_back_dated_case() -> None:
    submitted, registered = at(2), at(4)
    stays = stays_of([created(1, registered, submitted),
                      moved(1, "submitted", "returned", at(5), 2, "Fajar", submitted)])
    assert stays[0].started == submitted


def test_a_transition_to_the_same_state_neither_ends_nor_starts_a_stay() -> None:
    """A media termin paid (approved → approved) leaves the case, and its deadline, where
    they were."""
    s = at(4)
    stays = stays_of([
        created(1, s),
        moved(1, "submitted", "approved", at(5), 4, "Ahmad", s),
        moved(1, "approved", "approved", at(9), 5, "Dewi", s),
        moved(1, "approved", "paid", at(12), 5, "Dewi", s),
    ])
    assert [(x.state, x.started, x.ended) for x in stays] == [
        ("submitted", s, at(5)), ("approved", at(5), at(12)), ("paid", at(12), None)]


def test_a_case_without_its_creation_entry_starts_in_its_first_transitions_source() -> None:
    s = at(4)
    stays = stays_of([moved(7, "submitted", "reviewed", at(5), 2, "Fajar", s)])
    assert [(x.state, x.started, x.ended) for x in stays] == [
        ("submitted", s, at(5)), ("reviewed", at(5), None)]


def test_working_days_are_counted_as_the_calendar_counts_them_across_holidays() -> None:
    calendar = WorkingCalendar()
    first, last = date(2026, 2, 1), date(2026, 3, 31)
    days = WorkingDays(calendar, first, last)
    # Friday 13 to Wednesday 18 February: the weekend, cuti bersama and Imlek in between.
    assert days.between(date(2026, 2, 13), date(2026, 2, 18)) == 1
    assert days.between(date(2026, 2, 4), date(2026, 2, 18)) == 8
    assert days.between(date(2026, 2, 4), date(2026, 2, 4)) == 0
    for offset in range(0, 59, 3):
        start = first + timedelta(days=offset)
        for length in (0, 1, 6, 20):
            end = min(start + timedelta(days=length), last)
            assert days.between(start, end) == calendar.working_days_between(start, end)
