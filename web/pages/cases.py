"""Case pages: the list, registration, and the case page with every action on it.

Each POST calls the same service function as the API route, then redirects back to the case
(PRG); a refusal re-renders the case page, fresh from the database, with the reasons.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from cases import audit
from cases.api.documents import attachment
from cases.api.errors import status_of
from cases.api.schemas import Id, QueryText
from cases.errors import BadInput, Conflict, ServiceError
from cases.models import Case, Document, User
from cases.services import cases as case_service
from cases.services import deadlines as deadline_service
from cases.services import documents as document_service
from cases.services.facts import best_statuses, case_flags
from cases.services.transitions import available_transitions, fire_transition
from cases.services.users import names_by_id
from web import forms, labels
from web.render import is_htmx, page
from web.session import Page, PageDep, PostDep, redirect
from workflows import DEFINITIONS, Reason, Role, WorkflowError, get_definition
from workflows.deadlines import REMINDER_LABELS
from workflows.diagram import svg

router = APIRouter()


@router.get("/cases")
def list_page(
    who: PageDep,
    workflow: QueryText = "",
    state: QueryText = "",
    q: QueryText = "",
    fiscal_year: QueryText = "",
    overdue: QueryText = "",
    sort: Literal["new", "due"] = "new",
    cursor: QueryText = "",
) -> Response:
    query = case_service.CaseQuery(
        workflow=workflow or None, state=state or None, q=q or None,
        fiscal_year=int(fiscal_year) if fiscal_year.isdigit() else None,
        overdue={"true": True, "false": False}.get(overdue), now=who.runtime.clock(),
        sort=sort, cursor=cursor or None,
    )
    error = ""
    try:
        rows, next_cursor = case_service.list_cases(who.session, query)
    except BadInput as exc:
        rows, next_cursor, error = [], None, exc.message
    params = {"workflow": workflow, "state": state, "q": q, "fiscal_year": fiscal_year,
              "overdue": overdue, "sort": sort}
    next_url = None
    if next_cursor:
        next_url = "/cases?" + "&".join(f"{k}={v}" for k, v in params.items() if v)
        next_url += f"&cursor={next_cursor}"
    context = {
        "rows": rows, "q": query, "next_url": next_url, "error": error,
        "deadlines": deadline_service.open_deadlines(who.session, [c.id for c in rows if c.id]),
        "now": who.runtime.clock(), "workflows": list(DEFINITIONS.values()),
        "states": [(s.code.value, s.label) for s in DEFINITIONS["media_verification"].states],
    }
    template = "_case_table.html" if is_htmx(who.request) else "cases.html"
    return page(who.request, template, context, who=who)


# --- registration -------------------------------------------------------------------------

def _new_form(who: Page, workflow: str, values: dict[str, Any],
              errors: dict[str, list[str]], status: int = 200) -> Response:
    return page(who.request, "case_new.html", {
        "wf": get_definition(workflow), "workflows": list(DEFINITIONS.values()),
        "values": values, "errors": errors, "choice_labels": labels.CHOICE_LABELS,
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
    }, who=who, status=status)


def _workflow_name(workflow: str) -> str:
    return workflow if workflow in DEFINITIONS else "media_verification"


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
    except (ServiceError, WorkflowError) as exc:
        errors = forms.by_field(exc.reasons) if exc.reasons else {}
        if not exc.reasons or "" in errors:
            errors.setdefault("", []).insert(0, exc.message)
        return _new_form(who, definition.name, values, errors, status=status_of(exc))
    return redirect(f"/cases/{case.id}", f"Berkas {case.reference} terdaftar.")


def _new_case(posted: PostDep, workflow: str) -> case_service.NewCase:
    definition = get_definition(workflow)
    reasons = []
    title = posted.text("case.title")
    year = posted.text("case.fiscal_year")
    amount = forms.amount(posted.text("case.amount"))
    if not title:
        reasons.append(Reason("missing_field", "case.title: judul wajib diisi"))
    if not (year.isdigit() and 2000 <= int(year) <= 2100):
        reasons.append(Reason("invalid_field", "case.fiscal_year: tahun 2000–2100"))
    if not isinstance(amount, int):
        reasons.append(Reason("invalid_field", "case.amount: nilai Rupiah, mis. 45.000.000"))
    submitted = posted.text("case.submitted_at")
    submitted_at = None
    if submitted:
        try:
            day = datetime.fromisoformat(submitted).date()
            submitted_at = datetime.combine(day, time(9), posted.page.runtime.tz).astimezone(UTC)
        except ValueError:
            reasons.append(Reason("invalid_field", "case.submitted_at: tanggal tidak valid"))
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    assert isinstance(amount, int)
    return case_service.NewCase(
        workflow=workflow, title=title, fiscal_year=int(year), amount=amount,
        applicant=forms.field_values(definition.applicant_fields, posted.form, "applicant"),
        data=forms.field_values(definition.data_fields, posted.form, "data"),
        submitted_at=submitted_at,
    )


# --- the case page ------------------------------------------------------------------------

def case_page(who: Page, case_id: int, *, status: int = 200, stale: bool = False,
              problem: ServiceError | WorkflowError | None = None,
              open_trigger: str = "") -> Response:
    """The case as it is now in the database (so a refused or stale form never overwrites)."""
    who.session.rollback()
    case = case_service.get_case(who.session, case_id)
    assert case.id is not None
    definition = get_definition(case.workflow)
    ctx = who.ctx
    documents = document_service.list_documents(who.session, case.id)
    best = best_statuses((d.kind, d.status) for d in documents)
    evaluations = available_transitions(ctx, case, best)
    open_deadline = deadline_service.open_deadlines(who.session, [case.id]).get(case.id)
    return page(who.request, "case.html", {
        "case": case, "wf": definition, "state": definition.state(case.state),
        "deadline": deadline_service.view(open_deadline, ctx.now, ctx.calendar)
        if open_deadline else None,
        "flags": case_flags(who.session, case),
        "transitions": [e for e in evaluations if not _wrong_state(e.reasons)],
        "other_transitions": [e for e in evaluations if _wrong_state(e.reasons)],
        "gates": _gates(definition), "documents": _by_kind(documents),
        "best": best,
        "timeline": audit.entries(who.session, case.id),
        "people": _people(who, case), "officers": _officers(who),
        "diagram": svg(definition, case.state),
        "stale": stale, "problem": problem, "open_trigger": open_trigger,
        "max_mb": who.runtime.settings.max_upload_bytes // (1024 * 1024),
        "choice_labels": labels.CHOICE_LABELS, "action_labels": labels.ACTION_LABELS,
        "status_labels": labels.STATUS_LABELS, "gate_labels": labels.GATE_LABELS,
        "reminder_labels": REMINDER_LABELS,
        "doc_labels": {d.code: d.label for d in definition.documents},
    }, who=who, status=status)


def _wrong_state(reasons: tuple[Reason, ...]) -> bool:
    return any(r.code == "invalid_state" for r in reasons)


def _gates(definition: Any) -> list[tuple[str, list[Any]]]:
    gates: dict[str, list[Any]] = defaultdict(list)
    for kind in definition.documents:
        gates[kind.gate].append(kind)
    return list(gates.items())


def _by_kind(documents: list[Document]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        grouped[doc.kind].append(doc)
    return grouped


def _people(who: Page, case: Case) -> dict[str, str | None]:
    fields = ("registered_by", "reviewed_by", "approved_by", "assignee")
    ids = (case.registered_by, case.reviewed_by, case.approved_by, case.assignee_id)
    names = names_by_id(who.session, ids)
    return {f: (names[i].full_name if i in names else None) for f, i in zip(fields, ids,
                                                                             strict=True)}


def _officers(who: Page) -> list[User]:
    rows = who.session.exec(select(User).where(col(User.is_active).is_(True))
                            .order_by(col(User.full_name)))
    return [u for u in rows if {Role.OFFICER, Role.KABID} & set(u.roles)]


def refused(who: Page, case_id: int, exc: ServiceError | WorkflowError,
            open_trigger: str = "") -> Response:
    """Re-render the case after a refusal: a stale version says so, others list reasons."""
    if isinstance(exc, Conflict) and exc.code == "stale_version":
        return case_page(who, case_id, status=409, stale=True)
    return case_page(who, case_id, status=status_of(exc), problem=exc, open_trigger=open_trigger)


@router.get("/cases/{case_id}")
def show(who: PageDep, case_id: Id) -> Response:
    return case_page(who, case_id)


@router.post("/cases/{case_id}/transitions/{trigger}")
def transition(posted: PostDep, case_id: Id, trigger: str) -> Response:
    who = posted.page
    case = case_service.get_case(who.session, case_id)
    definition = get_definition(case.workflow)
    spec = definition.transition(trigger)
    version = posted.text("version")
    try:
        if spec is None or not version.isdigit():
            raise BadInput("Formulir tidak lengkap; muat ulang halaman", "invalid_input")
        done = fire_transition(
            who.ctx, case_id, trigger, version=int(version), comment=posted.text("comment"),
            data=forms.field_values(spec.fields, posted.form, "data"),
        )
    except (ServiceError, WorkflowError) as exc:
        return refused(who, case_id, exc, open_trigger=trigger)
    label = definition.state(done.state).label
    return redirect(f"/cases/{case_id}", f"{spec.label}: {done.reference} kini {label}.")


@router.post("/cases/{case_id}/documents")
def upload(posted: PostDep, case_id: Id) -> Response:
    who = posted.page
    file, kind = posted.form.get("file"), posted.text("kind")
    try:
        if not isinstance(file, UploadFile):
            raise BadInput("Pilih berkas yang akan diunggah", "missing_file")
        limit = who.runtime.settings.max_upload_bytes
        content = file.file.read(limit + 1)
        doc = document_service.upload_document(who.ctx, case_id, kind, file.filename, content,
                                               limit)
    except (ServiceError, WorkflowError) as exc:
        return refused(who, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Dokumen {doc.filename} diunggah.")


@router.post("/cases/{case_id}/documents/{document_id}/check")
def check(posted: PostDep, case_id: Id, document_id: Id) -> Response:
    who = posted.page
    valid = posted.text("valid") == "true"
    try:
        doc = document_service.check_document(who.ctx, case_id, document_id, valid,
                                               posted.text("note"))
    except (ServiceError, WorkflowError) as exc:
        return refused(who, case_id, exc)
    verdict = "sah" if valid else "tidak sah"
    return redirect(f"/cases/{case_id}", f"Dokumen {doc.filename} ditandai {verdict}.")


@router.get("/cases/{case_id}/documents/{document_id}")
def download(who: PageDep, case_id: Id, document_id: Id) -> Response:
    doc, content = document_service.read_document(who.session, case_id, document_id)
    return attachment(doc, content)


@router.post("/cases/{case_id}/comments")
def comment(posted: PostDep, case_id: Id) -> Response:
    try:
        case_service.add_comment(posted.page.ctx, case_id, posted.text("body"))
    except (ServiceError, WorkflowError) as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", "Komentar ditambahkan.")


@router.post("/cases/{case_id}/assign")
def assign(posted: PostDep, case_id: Id) -> Response:
    username = posted.text("username")
    try:
        case_service.assign_case(posted.page.ctx, case_id, username)
    except (ServiceError, WorkflowError) as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Berkas ditugaskan ke {username}.")
