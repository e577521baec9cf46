"""Budget ceilings (pagu) per workflow and fiscal year: the list and the form that sets one."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import BadInput, ServiceError
from cases.limits import whole_number
from cases.permissions import require
from cases.services import budgets as budget_service
from web import forms
from web.render import page
from web.session import Page, PageDep, PostDep, redirect
from workflows import DEFINITIONS
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter()


def _budgets(who: Page, error: str = "", status: int = 200) -> Response:
    """The budgets as they are now (after a refused form too), with ``error`` if any."""
    require(who.actor, "set_budget")
    who.ctx.fresh()
    return page(who.request, "budgets.html", {
        "budgets": budget_service.list_budgets(who.session), "error": error,
        "labels": {d.name: d.label for d in DEFINITIONS.values()},
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
    }, who=who, status=status)


@router.get("/budgets")
def budgets(who: PageDep) -> Response:
    return _budgets(who)


@router.post("/budgets")
def set_budget(posted: PostDep) -> Response:
    who = posted.page
    year = whole_number(posted.text("fiscal_year"), FIRST_YEAR, LAST_YEAR)
    amount = forms.amount(posted.text("amount"))
    try:
        if year is None or not isinstance(amount, int):
            raise BadInput("Tahun anggaran atau nilai pagu tidak valid", "invalid_input")
        budget_service.set_budget(who.ctx, posted.text("workflow"), year, amount)
    except ServiceError as exc:
        return _budgets(who, exc.message, status=422)
    return redirect("/budgets", "Pagu disimpan.")
