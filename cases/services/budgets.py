"""Budget ceilings (pagu) per workflow and fiscal year."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlmodel import Session, col, select

from cases.db import write_transaction
from cases.models import Budget
from cases.permissions import require
from cases.services.cases import workflow_definition
from cases.services.context import Ctx
from cases.services.facts import committed_amount

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class BudgetView:
    workflow: str
    fiscal_year: int
    amount: int
    used: int
    remaining: int


def set_budget(ctx: Ctx, workflow: str, fiscal_year: int, amount: int) -> BudgetView:
    require(ctx.actor, "set_budget")
    workflow_definition(workflow)
    with write_transaction(ctx.session) as session:
        budget = session.exec(
            select(Budget)
            .where(Budget.workflow == workflow, Budget.fiscal_year == fiscal_year)
            .with_for_update()
        ).first()
        if budget is None:
            budget = Budget(workflow=workflow, fiscal_year=fiscal_year, amount=amount,
                            updated_at=ctx.now)
            session.add(budget)
        budget.amount, budget.updated_at, budget.updated_by = amount, ctx.now, ctx.actor.user_id
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
