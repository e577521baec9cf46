"""What every use case is called with: the session, who acts, and the time of the call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from workflows import Actor


@dataclass(frozen=True, slots=True)
class Ctx:
    session: Session
    actor: Actor
    now: datetime
    tz: ZoneInfo
