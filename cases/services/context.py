"""What every use case is called with: the session, who acts, and the time of the call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from workflows import Actor
from workflows.calendar import WorkingCalendar

DEFAULT_CALENDAR = WorkingCalendar()


@dataclass(frozen=True, slots=True)
class Ctx:
    session: Session
    actor: Actor
    now: datetime
    tz: ZoneInfo
    # Working days for deadlines; the runtime's, with the regency's extra closed days.
    calendar: WorkingCalendar = field(default=DEFAULT_CALENDAR)
