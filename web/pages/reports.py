"""Laporan: time in stage per state and per officer, the deadlines missed, and the money of a
fiscal year as bars (issue 15). The figures and their definitions are the service's
(:mod:`cases.services.reports`); this module only presents them, and draws the charts
(:mod:`web.charts`) that the Kadis's home page shows too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from cases.errors import BadInput
from cases.http.errors import status_of
from cases.http.params import QueryText
from cases.services import reports as report_service
from cases.services.budgets import BudgetView
from web.charts import Bar, figure, mini_bars
from web.render import page
from web.session import PageDep
from workflows import DEFINITIONS, format_rupiah

router = APIRouter()

# The figures of a pagu, in the order the bars show them: (field, label, tone).
MONEY_BARS = (
    ("amount", "Pagu", "pagu"),
    ("committed", "Terikat", "committed"),
    ("realised", "Realisasi", "realised"),
    ("refunded", "Dikembalikan (STS)", "refunded"),
    ("remaining", "Sisa", "remaining"),
)


def working_days(value: float | None) -> str:
    """Working days as people read them: ``3``, ``2,8`` (decimal comma); "—" for none."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def money_figures(budgets: Sequence[BudgetView], *, table_hidden: bool) -> list[Markup]:
    """One bar chart per workflow's pagu, all on one scale (the largest figure), each with
    its numbers in a table (visible, or for screen readers only: ``table_hidden``)."""
    scale = max((max(getattr(b, name) for name, _, _ in MONEY_BARS) for b in budgets),
                default=0)
    out = []
    for view in budgets:
        label = report_service.workflow_label(view.workflow)
        bars = [Bar(text, getattr(view, name), format_rupiah(getattr(view, name)), tone)
                for name, text, tone in MONEY_BARS]
        out.append(figure(
            bars, ident=f"uang-{view.workflow.replace('_', '-')}-{view.fiscal_year}",
            title=f"Anggaran {label} TA {view.fiscal_year}",
            desc="; ".join(f"{b.label} {b.shown}" for b in bars),
            label_header="Uraian", value_header="Nilai", table_hidden=table_hidden,
            scale=scale))
    return out


def stage_bars(report: report_service.TimeInStage) -> dict[str, Markup]:
    """The small bars of each state's row (median, 90th percentile) and of each officer's,
    keyed ``state`` and ``officer:<user id>:<state>``, on one scale: the largest p90."""
    spreads = [("", r.state, r.finished) for r in report.stages]
    spreads += [(f"officer:{o.user_id}:", o.state, o.finished) for o in report.officers]
    scale = max((s.p90 or 0 for _, _, s in spreads), default=0)
    return {prefix + state: mini_bars([s.median, s.p90], scale, tones=("median", "p90"))
            for prefix, state, s in spreads if s.count}


@router.get("/reports")
def reports(who: PageDep, workflow: QueryText = "", fiscal_year: QueryText = "") -> Response:
    """The reports of one workflow and fiscal year (by default the first workflow and this
    year); a bad choice is shown on the page, beside the selector, as a 422."""
    context: dict[str, Any] = {
        "workflows": list(DEFINITIONS.values()), "chosen": {
            "workflow": workflow, "fiscal_year": fiscal_year},
        "error": "", "report": None, "money": None, "money_figures": [], "bars": {},
        "hari_kerja": working_days,
    }
    ctx = who.ctx
    try:
        name, year = report_service.read_query(ctx, workflow, fiscal_year)
    except BadInput as exc:
        context["error"] = exc.message
        return page(who.request, "reports.html", context, who=who, status=status_of(exc))
    report = report_service.time_in_stage(ctx, name, year)
    found = report_service.money(ctx, year)
    context.update(
        chosen={"workflow": name, "fiscal_year": str(year)}, report=report, money=found,
        money_figures=money_figures(found.budgets, table_hidden=False),
        bars=stage_bars(report),
        without_pagu=[report_service.workflow_label(w) for w in found.without_pagu])
    return page(who.request, "reports.html", context, who=who)
