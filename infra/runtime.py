"""What a running Berkas holds: settings, the database engine, sessions, the clock, and the
handler table that the case events follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from infra.clock import Clock, started_clock, system_clock
from infra.config import Settings
from infra.context import Ctx
from infra.db import make_engine, session_factory
from infra.unit_of_work import NO_HANDLERS, HandlerTable
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
    handlers: HandlerTable = field(default_factory=lambda: NO_HANDLERS)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None,
              handlers: HandlerTable = NO_HANDLERS) -> Runtime:
        """The runtime for ``settings``; the clock is ``clock``, else the settings' own;
        ``handlers``: which handlers follow which event (``app.bootstrap`` wires them)."""
        if clock is None:
            clock = started_clock(settings.clock_start) if settings.clock_start else system_clock
        engine = make_engine(settings.database_url)
        calendar = WorkingCalendar(settings.extra_closed_days, settings.timezone)
        sessions = session_factory(engine, settings.audit_seal_key)
        return cls(settings, engine, sessions, clock, ZoneInfo(settings.timezone), calendar,
                   handlers)

    def ctx(self, session: Session, actor: Actor) -> Ctx:
        """The context of one use case, as of now, with the runtime's event handlers."""
        return Ctx(session=session, actor=actor, now=self.clock(), tz=self.tz,
                   calendar=self.calendar, handlers=self.handlers)
