"""Time comes from an injected clock, so tests move it instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def started_clock(start: datetime) -> Clock:
    """A clock that reads ``start`` now and then runs at the normal pace.

    For rehearsals and training on a chosen day (``BERKAS_CLOCK_START``), e.g. to see the
    reminders of a deadline that falls after a holiday, and for tests of several processes.
    """
    origin = time.monotonic()

    def now() -> datetime:
        return start.astimezone(UTC) + timedelta(seconds=time.monotonic() - origin)

    return now
