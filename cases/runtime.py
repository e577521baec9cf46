"""What a running Berkas holds: settings, the database engine, sessions, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from cases.clock import Clock, system_clock
from cases.config import Settings
from cases.db import make_engine, session_factory


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: Callable[[], Session]
    clock: Clock
    tz: ZoneInfo

    @classmethod
    def build(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings, engine, session_factory(engine), clock, ZoneInfo(settings.timezone))
