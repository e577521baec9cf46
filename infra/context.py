"""What every use case is called with: the session, who acts, the time of the call, and the
handlers that follow the events it raises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from infra.unit_of_work import NO_HANDLERS, HandlerTable, fresh
from workflows import Actor
from workflows.calendar import WorkingCalendar
from workflows.definition import Parameters

DEFAULT_CALENDAR = WorkingCalendar()


@dataclass(frozen=True, slots=True)
class Ctx:
    session: Session
    actor: Actor
    now: datetime
    tz: ZoneInfo
    # Working days for deadlines; the runtime's, with the regency's extra closed days.
    calendar: WorkingCalendar = field(default=DEFAULT_CALENDAR)
    # The event handlers of the runtime (``app.bootstrap``); a use case's unit of work
    # hands them its events.
    handlers: HandlerTable = field(default_factory=lambda: NO_HANDLERS)
    # The deployment's overrides of workflow parameters (``Settings.workflow_parameters``),
    # by workflow; guards read them over the definition's defaults.
    parameters: Mapping[str, Parameters] = field(default_factory=dict)

    def fresh(self) -> None:
        """Read the database as it is now from here on: forget what this context's session
        read before (a page re-reading a case after a refused form)."""
        fresh(self.session)
