"""What a running Berkas holds: settings, the database engine, sessions, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from cases.clock import Clock, started_clock, system_clock
from cases.config import Settings
from cases.db import make_engine, session_factory
from cases.services.context import Ctx
from workflows import Actor
from workflows.calendar import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: Callable[[], Session]
    clock: Clock
    tz: ZoneInfo
    calendar: WorkingCalendar

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        """The runtime for ``settings``; the clock is ``clock``, else the settings' own."""
        if clock is None:
            clock = started_clock(settings.clock_start) if settings.clock_start else system_clock
        engine = make_engine(settings.database_url)
        calendar = WorkingCalendar(settings.extra_closed_days, settings.timezone)
        return cls(settings, engine, session_factory(engine), clock, ZoneInfo(settings.timezone),
                   calendar)

    def ctx(self, session: Session, actor: Actor) -> Ctx:
        """The context of one use case, as of now."""
        return Ctx(session=session, actor=actor, now=self.clock(), tz=self.tz,
                   calendar=self.calendar)
