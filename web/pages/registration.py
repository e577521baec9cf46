"""Registering a case: the form of the chosen workflow, and its refusal field by field."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from cases.errors import BadInput
from cases.http.errors import status_of
from cases.limits import TEXTS, whole_number
from cases.services import cases as case_service
from web import forms, labels
from web.render import page
from web.session import Page, PageDep, PostDep, redirect
from workflows import DEFINITIONS, BerkasError, Reason, get_definition
from workflows.fields import FIRST_YEAR, LAST_YEAR, is_multiline

router = APIRouter()


def _new_form(who: Page, workflow: str, values: dict[str, Any],
              errors: dict[str, list[str]], status: int = 200) -> Response:
    return page(who.request, "case_new.html", {
        "wf": get_definition(workflow), "workflows": list(DEFINITIONS.values()),
        "values": values, "errors": errors,
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
        "limits": TEXTS, "multiline": is_multiline,
    }, who=who, status=status)


def _workflow_name(workflow: str) -> str:
    return workflow if workflow in DEFINITIONS else labels.default_workflow()


@router.get("/cases/new")
def new_page(who: PageDep, workflow: Annotated[str, Query(max_length=64)] = "") -> Response:
    return _new_form(who, _workflow_name(workflow), {}, {})


@router.post("/cases/new")
def create(posted: PostDep, workflow: Annotated[str, Query(max_length=64)] = "") -> Response:
    who, form = posted.page, posted.form
    definition = get_definition(_workflow_name(workflow))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        new = _new_case(posted, definition.name)
        case = case_service.create_case(who.ctx, new)
    except BerkasError as exc:
        errors = forms.by_field(exc.reasons) if exc.reasons else {}
        if not exc.reasons or "" in errors:
            errors.setdefault("", []).insert(0, exc.message)
        return _new_form(who, definition.name, values, errors, status=status_of(exc))
    return redirect(f"/cases/{case.id}", f"Berkas {case.reference} terdaftar.")


def _new_case(posted: PostDep, workflow: str) -> case_service.NewCase:
    """The registration form as the service's input; what cannot even be read (a year that
    is no number, an amount in words) is refused here, the rest by the service."""
    definition = get_definition(workflow)
    reasons = []
    title = posted.text("case.title")
    year = whole_number(posted.text("case.fiscal_year"), FIRST_YEAR, LAST_YEAR)
    amount = forms.amount(posted.text("case.amount"))
    submitted = posted.text("case.submitted_at")
    day = forms.plausible_day(submitted) if submitted else None
    if not title:
        reasons.append(Reason("missing_field", "case.title: judul wajib diisi"))
    if year is None:
        reasons.append(Reason("invalid_field", f"case.fiscal_year: tahun {FIRST_YEAR}–{LAST_YEAR}"))
    if not isinstance(amount, int):
        reasons.append(Reason("invalid_field", "case.amount: nilai Rupiah, mis. 45.000.000"))
    if submitted and day is None:
        reasons.append(Reason("invalid_field", "case.submitted_at: tanggal tidak valid "
                              f"(tahun {FIRST_YEAR}–{LAST_YEAR})"))
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    assert year is not None  # each of these would have been a reason
    assert isinstance(amount, int)
    tz = posted.page.runtime.tz
    return case_service.NewCase(
        workflow=workflow, title=title, fiscal_year=year, amount=amount,
        applicant=forms.field_values(definition.applicant_fields, posted.form, "applicant"),
        data=forms.field_values(definition.data_fields, posted.form, "data"),
        submitted_at=datetime.combine(day, time(9), tz).astimezone(UTC) if day else None,
    )
