"""Tugas saya: what waits for the signed-in person, and the counts per state.

The Kadis (in their own right, or a Plh./Plt. Kadis by a warrant in force) also sees the
money of the current fiscal year as bars and how many cases are past an open deadline: the
Pengguna Anggaran answers for both (issue 15). Others find the same figures on the reports
page; their home page stays their worklist, and costs no budget queries.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from cases.permissions import may
from cases.services import reports as report_service
from cases.services.counts import state_counts
from cases.services.worklist import my_tasks, signoff_states
from web.pages.reports import money_figures
from web.render import page
from web.session import Page, PageDep
from workflows import DEFINITIONS, Role

router = APIRouter()

# Whose home page shows the year's money and the overdue count.
OVERVIEW_ROLES = (Role.KADIS,)


@router.get("/")
def dashboard(who: PageDep) -> Response:
    counts = state_counts(who.session)
    waiting = signoff_states()
    return page(who.request, "dashboard.html", {
        "tasks": my_tasks(who.session, who.actor),
        "counts": counts,
        "signoff_count": sum(n for (workflow, state), n in counts.items()
                             if state in waiting.get(workflow, ())),
        "workflows": list(DEFINITIONS.values()),
        "now": who.runtime.clock(),
        **_overview(who),
    }, who=who)


def _overview(who: Page) -> dict[str, Any]:
    """The Kadis's overview: this fiscal year's money as bars (numbers in a table for
    screen readers) and the count of cases past an open deadline; nothing for others."""
    if not who.has_role(*OVERVIEW_ROLES) or not may(who.actor, "read_reports"):
        return {"overview": False}
    ctx = who.ctx
    found = report_service.money(ctx, ctx.calendar.local_date(ctx.now).year)
    return {
        "overview": True, "money": found,
        "money_figures": money_figures(found.budgets, table_hidden=True),
        "without_pagu": [report_service.workflow_label(w) for w in found.without_pagu],
        "overdue": report_service.overdue_count(who.session, ctx.now),
    }
