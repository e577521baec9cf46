"""Budgets and the audit check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from cases import audit
from cases.api import schemas
from cases.api.deps import CtxDep
from cases.services import budgets as budget_service

router = APIRouter(tags=["budgets", "audit"])


def _out(view: budget_service.BudgetView) -> schemas.BudgetOut:
    return schemas.BudgetOut(workflow=view.workflow, fiscal_year=view.fiscal_year,
                             amount=view.amount, used=view.used, remaining=view.remaining)


@router.put("/budgets/{workflow}/{fiscal_year}")
def set_budget(
    ctx: CtxDep,
    workflow: str,
    fiscal_year: Annotated[int, Path(ge=2000, le=2100)],
    body: schemas.BudgetIn,
) -> schemas.BudgetOut:
    return _out(budget_service.set_budget(ctx, workflow, fiscal_year, body.amount))


@router.get("/budgets")
def list_budgets(ctx: CtxDep) -> list[schemas.BudgetOut]:
    return [_out(v) for v in budget_service.list_budgets(ctx.session)]


@router.get("/audit/verify")
def verify_audit(ctx: CtxDep) -> schemas.AuditVerifyOut:
    result = audit.verify(ctx.session)
    return schemas.AuditVerifyOut(
        ok=result.ok, entries=result.entries, cases=result.cases,
        broken_entry_id=result.broken_entry_id,
        broken_case=audit.case_reference(ctx.session, result.broken_case_id),
        broken_seq=result.broken_seq, problem=result.problem,
    )
