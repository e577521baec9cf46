"""Budget ceilings (pagu) per workflow and fiscal year."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput
from cases.models import Budget
from cases.permissions import require
from cases.services.cases import workflow_definition
from cases.services.facts import committed_amount
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from infra.db import dialect_insert
from workflows import MAX_AMOUNT
from workflows.fields import FIRST_YEAR, LAST_YEAR

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class BudgetView:
    workflow: str
    fiscal_year: int
    amount: int
    used: int
    remaining: int


def set_budget(ctx: Ctx, workflow: str, fiscal_year: int, amount: int) -> BudgetView:
    """Set the pagu of ``workflow`` in ``fiscal_year``, creating it the first time.

    One upsert, not a read then an insert: ten first saves at once (two tabs, a double
    click) found no row, all inserted, and all but one hit the unique constraint (a 500 on
    PostgreSQL; issue 11). The upsert also takes the row lock that approvals wait on."""
    require(ctx.actor, "set_budget")
    workflow_definition(workflow)
    if not (FIRST_YEAR <= fiscal_year <= LAST_YEAR and 0 <= amount <= MAX_AMOUNT):
        raise BadInput("Tahun anggaran atau nilai pagu tidak valid", "invalid_input")
    values = {"amount": amount, "updated_at": ctx.now, "updated_by": ctx.actor.user_id}
    with unit_of_work(ctx) as uow:
        insert = dialect_insert(uow.session, Budget).values(
            workflow=workflow, fiscal_year=fiscal_year, **values)
        uow.session.execute(insert.on_conflict_do_update(
            index_elements=[col(Budget.workflow), col(Budget.fiscal_year)], set_=values))
        budget = uow.session.exec(select(Budget).where(
            Budget.workflow == workflow, Budget.fiscal_year == fiscal_year
        ).execution_options(populate_existing=True)).one()
        system_audit.record(uow.session, actor=ctx.actor, action="budget_set", at=ctx.now,
                            target=f"{workflow}/{fiscal_year}", payload={"amount": amount})
    log.info("budget.set", workflow=workflow, fiscal_year=fiscal_year, amount=amount,
             actor=ctx.actor.username)
    return _view(ctx.session, budget)


def list_budgets(session: Session) -> list[BudgetView]:
    rows = session.exec(select(Budget).order_by(col(Budget.fiscal_year), col(Budget.workflow)))
    return [_view(session, b) for b in rows]


def _view(session: Session, budget: Budget) -> BudgetView:
    used = committed_amount(session, budget.workflow, budget.fiscal_year)
    return BudgetView(budget.workflow, budget.fiscal_year, budget.amount, used,
                      budget.amount - used)
