"""Events the case use cases raise, as values: ids and what a handler needs to say, never
ORM rows (cosmicpython; issue 12, "Events carry ids and values").

A use case raises them with ``uow.emit``; the unit of work (:mod:`infra.unit_of_work`) hands
each to the handlers that ``app.bootstrap`` wired for its type, inside the use case's
transaction, so what they write commits with the state change or not at all. ``cases`` never
imports the packages that follow its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workflows import Actor


@dataclass(frozen=True, slots=True)
class OpenedDeadline:
    """The deadline a case got on entering its state: who owes what, and by when."""

    id: int
    role: str
    state: str
    due_date: date
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """Something that happened to a case, with what its followers need to tell people."""

    case_id: int
    reference: str
    title: str
    applicant_name: str
    assignee_id: int | None
    workflow: str
    actor: Actor
    at: datetime
    deadline: OpenedDeadline | None  # the deadline the case now has, if its state has one


@dataclass(frozen=True, slots=True)
class CaseRegistered(CaseEvent):
    """A case was registered in its workflow's first state."""


@dataclass(frozen=True, slots=True)
class CaseTransitioned(CaseEvent):
    """A case moved from ``source`` to ``dest`` along ``trigger``."""

    trigger: str
    source: str
    dest: str
