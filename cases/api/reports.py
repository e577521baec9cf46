"""Reports (issue 15): time in stage with the missed deadlines, and the money of a year.

The figures and their definitions are :mod:`cases.services.reports`'s. The parameters are
read as text, so that a bad one is refused with a stable code: ``unknown_workflow`` or
``invalid_fiscal_year`` (422). Left out, they are the first workflow and this year (WITA).
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from cases.http.deps import CtxDep
from cases.http.params import QueryText
from cases.services import reports as report_service

router = APIRouter(tags=["reports"])


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SpreadOut(_Out):
    """Finished stays, in working days: how many, median, 90th percentile, longest."""

    count: int
    median: float | None
    p90: float | None
    longest: int | None


class StageOut(_Out):
    """One state: its finished stays, and those still open (how many, the oldest so far)."""

    state: str
    label: str
    finished: SpreadOut
    open_count: int
    open_oldest: int | None


class OfficerOut(_Out):
    """The finished stays in ``state`` ended by one person (who moved the cases on)."""

    user_id: int | None
    name: str
    state: str
    label: str
    finished: SpreadOut


class BreachOut(_Out):
    """A missed deadline: closed after its due day (``closed_at``) or still open past it."""

    case_id: int
    reference: str
    state: str
    label: str
    role: str
    due_date: date
    closed_at: datetime | None
    is_open: bool
    working_days_late: int


class TimeInStageOut(_Out):
    workflow: str
    label: str
    fiscal_year: int
    as_of: datetime
    stages: list[StageOut]
    officers: list[OfficerOut]
    breaches: list[BreachOut]


class MoneyRowOut(_Out):
    """One workflow's pagu and what its cases hold (as ``GET /api/budgets``)."""

    workflow: str
    label: str
    amount: int
    committed: int
    refunded: int
    realised: int
    remaining: int


class MoneyOut(BaseModel):
    fiscal_year: int
    budgets: list[MoneyRowOut]
    without_pagu: list[str]


@router.get("/reports/time-in-stage")
def time_in_stage(ctx: CtxDep, workflow: QueryText = "", fiscal_year: QueryText = ""
                  ) -> TimeInStageOut:
    """Working days per state (median, 90th percentile) overall and per officer, and the
    deadlines missed, of one workflow's cases of one fiscal year, as of now."""
    name, year = report_service.read_query(ctx, workflow, fiscal_year)
    return TimeInStageOut.model_validate(report_service.time_in_stage(ctx, name, year))


@router.get("/reports/money")
def money(ctx: CtxDep, fiscal_year: QueryText = "") -> MoneyOut:
    """Pagu, committed, realised, refunded and remaining per workflow in a fiscal year."""
    year = report_service.read_year(ctx, fiscal_year)
    found = report_service.money(ctx, year)
    return MoneyOut(
        fiscal_year=found.fiscal_year, without_pagu=found.without_pagu,
        budgets=[MoneyRowOut(
            workflow=b.workflow, label=report_service.workflow_label(b.workflow),
            amount=b.amount, committed=b.committed,
            refunded=b.refunded, realised=b.realised, remaining=b.remaining)
            for b in found.budgets])
