"""Reports for the Kadis, finance and the auditor: how long cases stay in each state, which
deadlines were missed, and the money of a fiscal year (issue 15).

The definitions, which the reports page shows beside the figures:

- **A stay** is a case's time in one state. The first, in the workflow's initial state,
  starts at the case's submission (``Case.created_at``: the moment its first deadline counts
  from, earlier than its first audit entry when the case was registered back-dated); every
  later one at the ``transition`` audit entry that entered the state. A stay ends at the
  ``transition`` entry that leaves its state. A transition from a state to itself (a media
  termin paid) neither ends nor starts a stay, as it leaves the state's deadline open too.
- **Its length** is counted in working days as deadlines are (:mod:`workflows.calendar`,
  WITA, weekends, national holidays, cuti bersama and the regency's closed days): the working
  days after the day it started, up to and including the day it ended. Entered and left on
  one day is 0; Friday to Monday is 1.
- **Median and 90th percentile** are of the *finished* stays, interpolated between ranks as
  a spreadsheet's MEDIAN and PERCENTILE.INC are (so finance can check them from an export),
  rounded to one decimal. A stay still open is not among them: its end is not known, and
  counted up to now it would make the states in which cases wait longest look shorter. Open
  stays are counted beside them instead (how many, and the oldest in working days as of
  now). A terminal state's stay never ends and is not reported.
- **Per officer**: a finished stay counts for the person who moved the case out of the state
  (the actor of the transition that ended it), named as their account is now.
- **A breach** is a deadline of the workflow's cases of that year closed after it was due
  (``closed_at > due_at``: after the end of the due day, WITA) or still open and past due
  as of now; how late is the working days after the due day up to the day it was closed (or
  today): 0 when it was closed on the weekend after.

Reading the figures takes two queries whatever the number of cases: the transitions of the
workflow's cases of the year (with their creation) in case order, and the year's missed
deadlines. Who may read them: ``read_reports`` (the readers, the auditor and finance too).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, distinct, func, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from cases.errors import BadInput
from cases.limits import whole_number
from cases.models import AuditEntry, Case, Deadline, User
from cases.permissions import require
from cases.services.budgets import BudgetView, known_workflow, list_budgets
from infra.context import Ctx
from workflows import DEFINITIONS, Reason, get_definition
from workflows.calendar import WorkingCalendar
from workflows.fields import FIRST_YEAR, LAST_YEAR

ENTERING = ("case_created", "transition")  # the audit actions that move a case


# --- the query parameters, as typed into a URL ---------------------------------------------

def read_year(ctx: Ctx, fiscal_year: str) -> int:
    """The fiscal year a report is asked for, as typed (:func:`report_year`), once the
    caller is found to be one who may read reports: someone who may not is refused before
    their parameters are read."""
    require(ctx.actor, "read_reports")
    return report_year(fiscal_year, ctx.calendar.local_date(ctx.now))


def read_query(ctx: Ctx, workflow: str, fiscal_year: str) -> tuple[str, int]:
    """The workflow (:func:`report_workflow`) and fiscal year a report is asked for, as
    :func:`read_year` reads the year."""
    year = read_year(ctx, fiscal_year)
    return report_workflow(workflow), year


def workflow_label(name: str) -> str:
    """How people call the workflow ``name`` (its name, for one no longer registered)."""
    definition = DEFINITIONS.get(name)
    return definition.label if definition else name


def report_workflow(text: str) -> str:
    """The workflow named by ``text`` (empty: the first registered), else BadInput
    ``unknown_workflow``."""
    text = text.strip()
    if not text:
        return next(iter(DEFINITIONS))
    return known_workflow(text)


def report_year(text: str, today: date) -> int:
    """The fiscal year typed as ``text`` (empty: the year of ``today``), else BadInput
    ``invalid_fiscal_year``."""
    text = text.strip()
    if not text:
        return today.year
    year = whole_number(text, FIRST_YEAR, LAST_YEAR)
    if year is None:
        message = f"Tahun anggaran harus antara {FIRST_YEAR} dan {LAST_YEAR}"
        raise BadInput(message, "invalid_fiscal_year",
                       [Reason("invalid_fiscal_year", message)])
    return year


# --- stays, from the audit entries ---------------------------------------------------------

class Entry(NamedTuple):
    """One audit entry that moves a case, with what the report needs of its case and actor."""

    case_id: int
    created_at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    at: datetime
    actor_id: int | None
    actor: str


@dataclass(frozen=True, slots=True)
class Stay:
    """A case's time in ``state``; ``ended`` None while it lasts. ``mover_id``/``mover``:
    who moved the case out of the state (None/"" while it lasts)."""

    case_id: int
    state: str
    started: datetime
    ended: datetime | None = None
    mover_id: int | None = None
    mover: str = ""


def stays_of(entries: Iterable[Entry]) -> list[Stay]:
    """Every stay of the cases whose moving entries are ``entries``, in case then
    sequence order (see the module's definitions)."""
    out: list[Stay] = []
    case_id: int | None = None
    current: Stay | None = None
    for entry in entries:
        if entry.case_id != case_id:
            if current is not None:
                out.append(current)
            case_id, current = entry.case_id, None
        if current is None:  # the case's first stay starts at its submission
            state = entry.to_state if entry.action == "case_created" else entry.from_state
            if state is None:
                continue
            current = Stay(entry.case_id, state, entry.created_at)
        if entry.action != "transition" or entry.to_state is None \
                or entry.to_state == entry.from_state:
            continue
        out.append(Stay(entry.case_id, entry.from_state or current.state, current.started,
                        entry.at, entry.actor_id, entry.actor))
        current = Stay(entry.case_id, entry.to_state, entry.at)
    if current is not None:
        out.append(current)
    return out


class WorkingDays:
    """Working days between two dates of one span, by a running count over the span
    (one lookup per day of the span, not per stay)."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.first = first
        self._counts = [0]
        for offset in range(1, (last - first).days + 1):
            day = first + timedelta(days=offset)
            self._counts.append(self._counts[-1] + calendar.is_working_day(day))

    def between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]`` (both within the span)."""
        return self._counts[(end - self.first).days] - self._counts[(start - self.first).days]


# --- figures -------------------------------------------------------------------------------

def percentile(values: Sequence[int], p: float) -> float:
    """The ``p``-th percentile of ``values`` (not empty), interpolated between the closest
    ranks as PERCENTILE.INC is: the 50th is the median, the 100th the largest."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Spread:
    """Finished stays: how many, their median and 90th percentile and the longest, in
    working days (None when there is none)."""

    count: int
    median: float | None
    p90: float | None
    longest: int | None

    @classmethod
    def of(cls, days: Sequence[int]) -> Spread:
        if not days:
            return cls(0, None, None, None)
        return cls(len(days), round(percentile(days, 50), 1), round(percentile(days, 90), 1),
                   max(days))


@dataclass(frozen=True, slots=True)
class StageRow:
    """One state: its finished stays, and those still open (how many, the oldest)."""

    state: str
    label: str
    finished: Spread
    open_count: int
    open_oldest: int | None


@dataclass(frozen=True, slots=True)
class OfficerRow:
    """The finished stays in ``state`` ended by one person."""

    user_id: int | None
    name: str
    state: str
    label: str
    finished: Spread


@dataclass(frozen=True, slots=True)
class Breach:
    """A deadline missed: closed after its due day, or open past it (``is_open``)."""

    case_id: int
    reference: str
    state: str
    label: str
    role: str
    due_date: date
    closed_at: datetime | None
    working_days_late: int

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class TimeInStage:
    """The time-in-stage report of one workflow's cases of one fiscal year, as of ``as_of``."""

    workflow: str
    label: str
    fiscal_year: int
    as_of: datetime
    stages: list[StageRow]
    officers: list[OfficerRow]
    breaches: list[Breach]


def time_in_stage(ctx: Ctx, workflow: str, fiscal_year: int) -> TimeInStage:
    """Time in stage, overall and per officer, and the deadlines missed, of ``workflow``'s
    cases of ``fiscal_year`` as of now (the module's docstring defines each figure)."""
    require(ctx.actor, "read_reports")
    definition = get_definition(known_workflow(workflow))
    stays = stays_of(_entries(ctx.session, definition.name, fiscal_year))
    terminal = {s.code.value for s in definition.states if s.terminal}
    stays = [s for s in stays if s.state not in terminal]
    today = ctx.calendar.local_date(ctx.now)
    breaches = _breaches(ctx.session, definition.name, fiscal_year, ctx.now)
    days = _working_days(ctx.calendar, stays, breaches, today)
    lengths = [(s, days.between(ctx.calendar.local_date(s.started),
                                ctx.calendar.local_date(s.ended) if s.ended else today))
               for s in stays]
    labels = {s.code.value: s.label for s in definition.states}
    return TimeInStage(
        workflow=definition.name, label=definition.label, fiscal_year=fiscal_year,
        as_of=ctx.now, stages=_stages(lengths, labels, terminal),
        officers=_officers(lengths, labels),
        breaches=[_late(b, labels, days, ctx.calendar, today) for b in breaches])


def _entries(session: Session, workflow: str, fiscal_year: int) -> list[Entry]:
    """The entries that move the workflow's cases of the year, in case and sequence order,
    each with its case's submission and its actor's name: one query."""
    rows = session.execute(
        sql_select(col(AuditEntry.case_id), col(Case.created_at), col(AuditEntry.action),
                   col(AuditEntry.from_state), col(AuditEntry.to_state), col(AuditEntry.at),
                   col(AuditEntry.actor_id), col(AuditEntry.actor_name), col(User.full_name))
        .join(Case, col(Case.id) == col(AuditEntry.case_id))
        .join(User, col(User.id) == col(AuditEntry.actor_id), isouter=True)
        .where(col(Case.workflow) == workflow, col(Case.fiscal_year) == fiscal_year,
               col(AuditEntry.action).in_(ENTERING))
        .order_by(col(AuditEntry.case_id), col(AuditEntry.seq))
    ).all()
    return [Entry(case_id, created, action, source, dest, at, actor_id, full_name or name)
            for case_id, created, action, source, dest, at, actor_id, name, full_name in rows]


def _breaches(session: Session, workflow: str, fiscal_year: int, now: datetime
              ) -> list[tuple[Deadline, str]]:
    """The year's deadlines closed late or open past due, with their case's reference."""
    closed, due = col(Deadline.closed_at), col(Deadline.due_at)
    rows = session.exec(
        select(Deadline, Case.reference)
        .join(Case, col(Case.id) == col(Deadline.case_id))
        .where(Case.workflow == workflow, Case.fiscal_year == fiscal_year,
               or_(and_(closed.is_not(None), closed > due),
                   and_(closed.is_(None), due <= now)))
        .order_by(col(Deadline.due_date), col(Case.reference), col(Deadline.id))
    ).all()
    return [(deadline, reference) for deadline, reference in rows]


def _working_days(calendar: WorkingCalendar, stays: Sequence[Stay],
                  breaches: Sequence[tuple[Deadline, str]], today: date) -> WorkingDays:
    """A working-day count over every day the stays and breaches span, up to today."""
    days = [calendar.local_date(s.started) for s in stays]
    days += [calendar.local_date(s.ended) for s in stays if s.ended]
    days += [d.due_date for d, _ in breaches]
    days += [calendar.local_date(d.closed_at) for d, _ in breaches if d.closed_at]
    return WorkingDays(calendar, min([*days, today]), max([*days, today]))


def _stages(lengths: Sequence[tuple[Stay, int]], labels: dict[str, str],
            terminal: set[str]) -> list[StageRow]:
    finished: dict[str, list[int]] = defaultdict(list)
    still: dict[str, list[int]] = defaultdict(list)
    for stay, days in lengths:
        (finished if stay.ended else still)[stay.state].append(days)
    return [StageRow(state, label, Spread.of(finished[state]), len(still[state]),
                     max(still[state], default=None))
            for state, label in labels.items() if state not in terminal]


def _officers(lengths: Sequence[tuple[Stay, int]], labels: dict[str, str]) -> list[OfficerRow]:
    """Per person and state, by name then the workflow's order of states."""
    by: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    names: dict[int | None, str] = {}
    for stay, days in lengths:
        if stay.ended is not None:
            by[stay.mover_id, stay.state].append(days)
            names[stay.mover_id] = stay.mover
    order = list(labels)
    keys = sorted(by, key=lambda k: (names[k[0]].casefold(), k[0] or 0,
                                     order.index(k[1]) if k[1] in order else len(order)))
    return [OfficerRow(user_id, names[user_id], state, labels.get(state, state),
                       Spread.of(by[user_id, state])) for user_id, state in keys]


def _late(found: tuple[Deadline, str], labels: dict[str, str], days: WorkingDays,
          calendar: WorkingCalendar, today: date) -> Breach:
    deadline, reference = found
    until = calendar.local_date(deadline.closed_at) if deadline.closed_at else today
    return Breach(
        case_id=deadline.case_id, reference=reference, state=deadline.state,
        label=labels.get(deadline.state, deadline.state), role=deadline.role,
        due_date=deadline.due_date, closed_at=deadline.closed_at,
        working_days_late=max(days.between(deadline.due_date, until), 0))


# --- money and the overdue count -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Money:
    """The year's pagu and what the cases hold, per workflow that has a pagu (the same
    figures as the budgets page), and the workflows that have none yet."""

    fiscal_year: int
    budgets: list[BudgetView]
    without_pagu: list[str]


def money(ctx: Ctx, fiscal_year: int) -> Money:
    """Pagu, committed, realised, refunded and remaining of every workflow in
    ``fiscal_year``, as :func:`cases.services.budgets.list_budgets` computes them."""
    require(ctx.actor, "read_reports")
    budgets = [b for b in list_budgets(ctx.session) if b.fiscal_year == fiscal_year]
    with_pagu = {b.workflow for b in budgets}
    order = list(DEFINITIONS)
    budgets.sort(key=lambda b: order.index(b.workflow) if b.workflow in order else len(order))
    return Money(fiscal_year, budgets, [name for name in order if name not in with_pagu])


def overdue_count(session: Session, now: datetime) -> int:
    """How many cases have an open deadline that has passed as of ``now`` (read off the
    open-deadlines index, as the case list's overdue filter is)."""
    return int(session.exec(
        select(func.count(distinct(col(Deadline.case_id)))).where(
            col(Deadline.closed_at).is_(None), col(Deadline.due_at) <= now)
    ).one())
