"""Working days in WITA: Monday to Friday, minus Indonesian national holidays and cuti bersama.

Holidays come from the ``holidays`` package (SKB 3 Menteri: ``public`` and ``government``
categories); a regency adds its own closed days as ``extra_closed``. Deadlines are counted on
these days (docs/domain.md, Deadlines).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

WITA = "Asia/Makassar"


class WorkingCalendar:
    """Which days count, and arithmetic over them."""

    def __init__(self, extra_closed: Iterable[date] = (), timezone: str = WITA) -> None:
        self.tz = ZoneInfo(timezone)
        self._extra = frozenset(extra_closed)
        # The package fills in further years on first lookup.
        self._holidays = holidays.country_holidays("ID", categories=("public", "government"))

    def local_date(self, moment: datetime) -> date:
        """The calendar date of an aware ``moment`` in the calendar's time zone."""
        return moment.astimezone(self.tz).date()

    def start_of(self, day: date) -> datetime:
        """Local midnight of ``day`` as an aware UTC datetime (what the database stores)."""
        return datetime.combine(day, time(0), tzinfo=self.tz).astimezone(UTC)

    def holiday_name(self, day: date) -> str | None:
        if day in self._extra:
            return "Hari libur daerah"
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is never counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def subtract_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day before ``start``."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
        return sum(1 for day in days if self.is_working_day(day))
