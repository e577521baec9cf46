"""What a running Berkas holds: settings, the database engine, sessions, the clock, and the
handler table that the case events follow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from infra.clock import Clock, started_clock, system_clock
from infra.config import Settings
from infra.context import Ctx
from infra.db import make_engine, session_factory
from infra.unit_of_work import NO_HANDLERS, HandlerTable
from workflows import DEFINITIONS, Actor, get_definition
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
        check_parameters(settings.workflow_parameters)
        engine = make_engine(settings.database_url)
        calendar = WorkingCalendar(settings.extra_closed_days, settings.timezone)
        sessions = session_factory(engine, settings.audit_seal_key)
        return cls(settings, engine, sessions, clock, ZoneInfo(settings.timezone), calendar,
                   handlers)

    def ctx(self, session: Session, actor: Actor) -> Ctx:
        """The context of one use case, as of now, with the runtime's event handlers."""
        return Ctx(session=session, actor=actor, now=self.clock(), tz=self.tz,
                   calendar=self.calendar, handlers=self.handlers,
                   parameters=self.settings.workflow_parameters)


def check_parameters(overrides: Mapping[str, Mapping[str, Mapping[str, object]]]) -> None:
    """Refuse at start-up an override of a workflow or parameter that does not exist, or of a
    value of another type than the default's: a typo would otherwise be silently ignored."""
    problems: list[str] = []
    for workflow, parameters in overrides.items():
        if workflow not in DEFINITIONS:
            problems.append(f"unknown workflow {workflow!r}")
            continue
        defaults = get_definition(workflow).parameters
        for name, values in parameters.items():
            default = defaults.get(name)
            if default is None:
                problems.append(f"{workflow}: unknown parameter {name!r}")
                continue
            kinds = {type(v) for v in default.values()}
            problems += [f"{workflow}.{name}.{key}: expected {', '.join(k.__name__ for k in kinds)}"
                         for key, value in values.items() if type(value) not in kinds]
    if problems:
        raise ValueError("BERKAS_WORKFLOW_PARAMETERS: " + "; ".join(problems))
