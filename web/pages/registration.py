"""Registering a case: the form of the chosen workflow, with the registered party that
applies (of the kind the workflow serves), and its refusal field by field.

The form, its party list and the list's search are for those who may register a case
(officers and the kabid): the list names each party's NPWP and NIB, which the administrator
may not read at all. Everyone else is refused (403) before anything is read."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from cases.errors import BadInput
from cases.http.errors import status_of
from cases.http.params import QueryText
from cases.limits import MAX_INT32, TEXTS, whole_number
from cases.models import Party
from cases.permissions import require
from cases.services import cases as case_service
from cases.services import parties as party_service
from web import forms, labels
from web.render import page
from web.session import Page, PageDep, PostDep, redirect
from workflows import DEFINITIONS, BerkasError, Reason, WorkflowDefinition, get_definition
from workflows.fields import FIRST_YEAR, LAST_YEAR, is_multiline

router = APIRouter()

# How many parties the form's select lists at once (the search narrows them).
PARTY_OPTIONS = 200
PARTY_NOUNS = {"company": "perusahaan pers", "organisation": "organisasi"}


def _parties(who: Page, definition: WorkflowDefinition, q: str = "",
             chosen: int | None = None) -> tuple[list[Party], bool]:
    """The registered parties of the kind ``definition`` serves (those whose name, NPWP or
    NIB holds ``q``), with the one ``chosen`` among them even when the search leaves it
    out; and whether there are more than the select lists."""
    rows, cursor = party_service.list_parties(who.session, q or None, definition.party_kind,
                                              PARTY_OPTIONS)
    if chosen is not None and all(p.id != chosen for p in rows):
        party = who.session.get(Party, chosen)
        if party is not None and party.kind == definition.party_kind:
            rows = [party, *rows]
    return rows, cursor is not None


def _party_context(who: Page, definition: WorkflowDefinition, q: str,
                   chosen: int | None) -> dict[str, Any]:
    parties, more = _parties(who, definition, q, chosen)
    return {
        "parties": parties, "more_parties": more, "party_q": q, "chosen_party": chosen,
        "party_noun": PARTY_NOUNS.get(definition.party_kind, definition.party_kind),
        "npwp": party_service.npwp_display,
    }


def _new_form(who: Page, workflow: str, values: dict[str, Any],
              errors: dict[str, list[str]], status: int = 200, party_q: str = "") -> Response:
    require(who.actor, "register_case")  # a refused POST shows the form, and its parties
    definition = get_definition(workflow)
    chosen = whole_number(str(values.get("case.party_id", "")), 1, MAX_INT32)
    return page(who.request, "case_new.html", {
        "wf": definition, "workflows": list(DEFINITIONS.values()),
        "values": values, "errors": errors,
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
        "limits": TEXTS, "multiline": is_multiline,
        **_party_context(who, definition, party_q, chosen),
    }, who=who, status=status)


def _workflow_name(workflow: str) -> str:
    return workflow if workflow in DEFINITIONS else labels.default_workflow()


@router.get("/cases/new")
def new_page(who: PageDep, workflow: Annotated[str, Query(max_length=64)] = "",
             party: QueryText = "", party_q: QueryText = "") -> Response:
    """The form; ``party``: a party to choose already (come back from registering it),
    ``party_q``: a search of the parties (the form works without scripts)."""
    require(who.actor, "register_case")
    values = {"case.party_id": party} if party else {}
    return _new_form(who, _workflow_name(workflow), values, {}, party_q=party_q)


@router.get("/cases/new/parties")
def party_options(who: PageDep, workflow: Annotated[str, Query(max_length=64)] = "",
                  party_q: QueryText = "", chosen: QueryText = "") -> Response:
    """The party select alone, for the search as one types (HTMX swaps it in)."""
    require(who.actor, "register_case")
    definition = get_definition(_workflow_name(workflow))
    picked = whole_number(chosen, 1, MAX_INT32)
    return page(who.request, "_party_select.html", {
        "wf": definition, "errors": {}, **_party_context(who, definition, party_q, picked),
    }, who=who)


@router.post("/cases/new")
def create(posted: PostDep, workflow: Annotated[str, Query(max_length=64)] = "") -> Response:
    who, form = posted.page, posted.form
    require(who.actor, "register_case")
    definition = get_definition(_workflow_name(workflow))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        new = _new_case(posted, definition.name)
        case = case_service.create_case(who.ctx, new)
    except BerkasError as exc:
        errors = _errors(exc, definition)
        return _new_form(who, definition.name, values, errors, status=status_of(exc))
    return redirect(f"/cases/{case.id}", f"Berkas {case.reference} terdaftar.")


def _errors(exc: BerkasError, definition: WorkflowDefinition) -> dict[str, list[str]]:
    """The refusal's problems under the fields they name (choices by their labels), the
    rest above the form."""
    errors = forms.by_field(exc.reasons) if exc.reasons else {}
    specs = {f"{prefix}.{spec.name}": spec
             for prefix, specs in (("applicant", definition.applicant_fields),
                                   ("data", definition.data_fields))
             for spec in specs}
    errors = {field: [labels.choice_message(m, specs.get(field)) for m in messages]
              for field, messages in errors.items()}
    if not exc.reasons or "" in errors:
        errors.setdefault("", []).insert(0, exc.message)
    return errors


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
    party_text = posted.text("case.party_id")
    party_id = whole_number(party_text, 1, MAX_INT32) if party_text else None
    if not title:
        reasons.append(Reason("missing_field", "case.title: judul wajib diisi"))
    if year is None:
        reasons.append(Reason("invalid_field", f"case.fiscal_year: tahun {FIRST_YEAR}–{LAST_YEAR}"))
    if not isinstance(amount, int):
        reasons.append(Reason("invalid_field", "case.amount: nilai Rupiah, mis. 45.000.000"))
    if submitted and day is None:
        reasons.append(Reason("invalid_field", "case.submitted_at: tanggal tidak valid "
                              f"(tahun {FIRST_YEAR}–{LAST_YEAR})"))
    if party_text and party_id is None:
        reasons.append(Reason("invalid_field", "case.party_id: pilih pihak dari daftar"))
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
        party_id=party_id,
    )
