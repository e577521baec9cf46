"""Events the case use cases emit, and the table of handlers that follow them.

Handlers run inside the use case's transaction, so what they write (in-app notifications,
queued emails) commits with the state change or not at all. Other packages subscribe at
start-up (``notifications.install``); ``cases`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from cases.models import Case, Deadline
from workflows import Actor


@dataclass(frozen=True, slots=True)
class CaseEvent:
    case: Case
    actor: Actor
    at: datetime
    deadline: Deadline | None  # the deadline the case now has, if its state has one


@dataclass(frozen=True, slots=True)
class CaseRegistered(CaseEvent):
    pass


@dataclass(frozen=True, slots=True)
class CaseTransitioned(CaseEvent):
    trigger: str = ""
    source: str = ""
    dest: str = ""


Handler = Callable[[Session, CaseEvent], None]
_HANDLERS: list[Handler] = []


def subscribe(handler: Handler) -> None:
    """Add ``handler`` for every case event (once, however often it is called)."""
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def publish(session: Session, event: CaseEvent) -> None:
    for handler in _HANDLERS:
        handler(session, event)
