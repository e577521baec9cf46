"""The case tables as a use case changes them: cases and their deadlines.

Use cases reach them through their unit of work (``uow.cases``, ``uow.deadlines``;
:mod:`cases.unit_of_work`), never through a sibling service. The statements of a transition
are built once and run as plain Core: a transition runs them on every move, and a statement
built anew costs more Python than its SQL costs SQLite (``make bench``, service-layer
transitions).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from cases.errors import Conflict, NotFound
from cases.events import OpenedDeadline
from cases.models import Case, CaseCounter, Deadline
from infra.db import dialect_insert, table_of
from workflows import DeadlineRule, get_definition
from workflows.calendar import WorkingCalendar
from workflows.deadlines import due_date, first_reminder_day


def json_ready(values: Mapping[str, object]) -> dict[str, Any]:
    """Field values as JSON can hold them (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def case_not_found(case_id: int) -> NotFound:
    """The refusal of a case that does not exist (every reader of a case raises the same)."""
    return NotFound(f"Berkas {case_id} tidak ditemukan", "case_not_found")


_CASES = table_of(Case)
_LOCK = (select(Case).where(col(Case.id) == bindparam("case_id")).with_for_update()
         .execution_options(populate_existing=True))
_WRITE = update(_CASES).where(_CASES.c.id == bindparam("b_id"))


class CaseRepository:
    """Cases: read, locked for change, added, written."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, case_id: int) -> Case:
        """The case, as this session knows it (no lock), or NotFound."""
        case = self.session.get(Case, case_id)
        if case is None:
            raise case_not_found(case_id)
        return case

    def lock(self, case_id: int) -> Case:
        """Load a case for change, holding its row lock until commit (PostgreSQL; SQLite
        locks the whole database for the writer)."""
        case = self.session.exec(_LOCK, params={"case_id": case_id}).first()
        if case is None:
            raise case_not_found(case_id)
        return case

    def lock_open(self, case_id: int) -> Case:
        """:meth:`lock` a case that is still open: a finished case is a Conflict."""
        case = self.lock(case_id)
        if get_definition(case.workflow).state(case.state).terminal:
            raise Conflict(f"Berkas {case.reference} sudah selesai", "case_closed")
        return case

    def add(self, case: Case) -> None:
        """Insert a new case now, for its id."""
        self.session.add(case)
        self.session.flush()

    def write(self, case: Case, values: Mapping[str, object]) -> None:
        """Write ``values`` to the case's row with one UPDATE, and onto the loaded ``case``
        as its committed state. The session then has nothing left to diff and flush for it
        at commit, which was the dearest step of a transition (``make bench``)."""
        self.session.connection().execute(_WRITE.values(dict(values)), {"b_id": case.id})
        for name, value in values.items():
            set_committed_value(case, name, value)

    @staticmethod
    def touch(case: Case, now: datetime) -> None:
        """Record a change to a case: new version, so a form opened before it is stale."""
        case.version += 1
        case.updated_at = now

    def next_reference(self, prefix: str, year: int) -> str:
        """Hand out the next ``PREFIX-YEAR-NNNN`` atomically (row lock on the counter)."""
        self.session.execute(
            dialect_insert(self.session, CaseCounter)
            .values(prefix=prefix, fiscal_year=year, last=0)
            .on_conflict_do_nothing()
        )
        number = self.session.execute(
            update(CaseCounter)
            .where(col(CaseCounter.prefix) == prefix, col(CaseCounter.fiscal_year) == year)
            .values(last=col(CaseCounter.last) + 1)
            .returning(col(CaseCounter.last))
        ).scalar_one()
        return f"{prefix}-{year}-{number:04d}"


_DEADLINES = table_of(Deadline)
_OPEN = insert(_DEADLINES).returning(_DEADLINES.c.id)
_CLOSE = (update(_DEADLINES)
          .where(_DEADLINES.c.case_id == bindparam("b_case"), _DEADLINES.c.closed_at.is_(None))
          .values(closed_at=bindparam("b_now"), closed_by=bindparam("b_trigger"),
                  next_check_at=None))


class DeadlineRepository:
    """Deadlines, opened by the transition that enters their state and closed by the one
    that leaves it, in its transaction: a case never has a stale or missing deadline."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, case: Case, entered_at: datetime, calendar: WorkingCalendar
             ) -> OpenedDeadline | None:
        """Open the deadline of ``case``'s current state, counted from ``entered_at``;
        inserted at once, for its id, which names the notifications that follow."""
        assert case.id is not None
        rule = get_definition(case.workflow).deadline(case.state)
        if rule is None:
            return None
        entered_on = calendar.local_date(entered_at)
        due = due_date(rule, _counted_from(rule, case, entered_on), case.fiscal_year, calendar)
        due_at = calendar.start_of(due + timedelta(days=1))  # by the end of the due day, WITA
        deadline_id = self.session.connection().execute(_OPEN, {
            "case_id": case.id, "state": case.state, "role": rule.role,
            "opened_at": entered_at, "due_date": due, "due_at": due_at,
            "next_check_at": calendar.start_of(first_reminder_day(due, entered_on, calendar)),
        }).scalar_one()
        return OpenedDeadline(deadline_id, rule.role, case.state, due, due_at)

    def close(self, case_id: int, now: datetime, trigger: str) -> None:
        """Close whatever deadline ``case_id`` has open: the case left that state."""
        self.session.connection().execute(_CLOSE, {"b_case": case_id, "b_now": now,
                                                   "b_trigger": trigger})


def _counted_from(rule: DeadlineRule, case: Case, entered_on: date) -> date:
    """The day a deadline counts from: the date in the case's data that the rule names
    (the contract's end), when it has one, else the day the state was entered."""
    if rule.after_field is None:
        return entered_on
    value = case.data.get(rule.after_field)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else entered_on
    except ValueError:
        return entered_on
