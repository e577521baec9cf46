"""Budget ceilings (pagu) per workflow and fiscal year: the table every reader sees, each
year's history of DPA entries, and the form by which finance enters or revises a pagu."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import BadInput
from cases.http.errors import status_of
from cases.limits import whole_number
from cases.permissions import require
from cases.services import budgets as budget_service
from web import forms
from web.render import page
from web.session import Page, PageDep, PostDep, redirect
from workflows import DEFINITIONS, BerkasError, Reason, format_rupiah
from workflows.dates import format_date
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter()

# The form's field that each refusal of the service is about (shown beside that input).
FIELD_OF = {
    "unknown_workflow": "workflow", "invalid_fiscal_year": "fiscal_year",
    "invalid_amount": "amount", "dpa_number_required": "dpa_number",
    "dpa_number_too_long": "dpa_number", "dpa_number_invalid": "dpa_number",
    "dpa_date_required": "dpa_date", "dpa_date_implausible": "dpa_date",
    "note_too_long": "note", "note_invalid": "note",
}


def tgl(day: date | None) -> str:
    """A DPA's date as letters write it (``2 Januari 2026``); "—" for none."""
    return "—" if day is None else format_date(day, weekday=False)


def _budgets(who: Page, *, values: dict[str, str] | None = None,
             errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    """The budgets as they are now (after a refused form too), with the form's errors."""
    require(who.actor, "read_budgets")
    who.ctx.fresh()
    budgets = budget_service.list_budgets(who.session)
    return page(who.request, "budgets.html", {
        "budgets": budgets,
        "history": {(b.workflow, b.fiscal_year): budget_service.budget_history(
            who.session, b.workflow, b.fiscal_year) for b in budgets},
        "values": values or {}, "errors": errors or {}, "tgl": tgl,
        "labels": {d.name: d.label for d in DEFINITIONS.values()},
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
        "dpa_max": budget_service.DPA_NUMBER_MAX, "note_max": budget_service.NOTE_MAX,
    }, who=who, status=status)


@router.get("/budgets")
def budgets(who: PageDep) -> Response:
    return _budgets(who)


@router.post("/budgets")
def set_budget(posted: PostDep) -> Response:
    """Enter or revise a year's pagu from the DPA (finance; the service checks the role)."""
    who = posted.page
    fields = ("workflow", "fiscal_year", "amount", "dpa_number", "dpa_date", "note")
    values = {name: posted.text(name) for name in fields}
    try:
        year, amount, dpa_date = _read(values)
        view = budget_service.set_budget(who.ctx, values["workflow"], year, amount,
                                         values["dpa_number"], dpa_date, values["note"])
    except BerkasError as exc:
        return _budgets(who, values=values, errors=_errors(exc), status=status_of(exc))
    label = DEFINITIONS[view.workflow].label
    return redirect("/budgets", f"Pagu {label} TA {view.fiscal_year} dicatat: "
                    f"{format_rupiah(view.amount)} (DPA {view.dpa_number}).")


def _read(values: dict[str, str]) -> tuple[int, int, date | None]:
    """The year, amount and DPA date as typed, or BadInput naming each one unreadable. An
    empty DPA date goes on as None: the service refuses it as ``dpa_required``."""
    reasons = []
    year = whole_number(values["fiscal_year"], FIRST_YEAR, LAST_YEAR)
    if year is None:
        reasons.append(Reason("invalid_fiscal_year",
                              f"Tahun anggaran harus antara {FIRST_YEAR} dan {LAST_YEAR}"))
    amount = forms.amount(values["amount"])
    if not isinstance(amount, int):
        reasons.append(Reason("invalid_amount", "Nilai pagu harus angka rupiah, misalnya "
                              "600.000.000"))
    dpa_date = forms.plausible_day(values["dpa_date"]) if values["dpa_date"] else None
    if values["dpa_date"] and dpa_date is None:
        reasons.append(Reason("dpa_date_implausible", "Tanggal DPA tidak valid"))
    if reasons or year is None or not isinstance(amount, int):
        # Refused here: name a missing DPA too, as the service would, so all shows at once.
        if not values["dpa_number"]:
            reasons.append(Reason("dpa_number_required", "Nomor DPA wajib diisi"))
        if not values["dpa_date"]:
            reasons.append(Reason("dpa_date_required", "Tanggal DPA wajib diisi"))
        raise BadInput("Isian pagu tidak valid", "invalid_budget", reasons)
    return year, amount, dpa_date


def _errors(exc: BerkasError) -> dict[str, list[str]]:
    """The refusal's messages by the form field they are about ("" for the whole form)."""
    out: dict[str, list[str]] = defaultdict(list)
    out[""].append(exc.message)
    code = getattr(exc, "code", "")
    if code in FIELD_OF and not exc.reasons:
        out[FIELD_OF[code]].append(exc.message)
    for reason in exc.reasons:
        out[FIELD_OF.get(reason.code, "")].append(reason.message)
    return dict(out)
