"""The unit of work of the case use cases: one transaction (:mod:`infra.unit_of_work`) with
the repositories of the case tables.

Every use case that changes a case runs in one::

    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        ...
        uow.emit(CaseTransitioned(...))

The state change, its audit entry, its deadlines and what the event handlers write commit
together or not at all (STYLE.md, convention 6).
"""

from __future__ import annotations

from sqlmodel import Session

from cases.repository import CaseRepository, DeadlineRepository
from infra.context import Ctx
from infra.unit_of_work import NO_HANDLERS, HandlerTable, UnitOfWork


class CaseUnitOfWork(UnitOfWork):
    """A unit of work that also holds the cases and deadlines repositories."""

    __slots__ = ("cases", "deadlines")

    def __init__(self, session: Session, handlers: HandlerTable = NO_HANDLERS) -> None:
        super().__init__(session, handlers)
        self.cases = CaseRepository(session)
        self.deadlines = DeadlineRepository(session)


def unit_of_work(ctx: Ctx) -> CaseUnitOfWork:
    """The unit of work of one use case called with ``ctx``: its session, and the handler
    table the runtime was wired with."""
    return CaseUnitOfWork(ctx.session, ctx.handlers)
