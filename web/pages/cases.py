"""Case pages: the list, and the case page with every action on it (registration:
:mod:`web.pages.registration`).

Each POST calls the same service function as the API route, then redirects back to the case
(PRG); a refusal re-renders the case page, fresh from the database, with the reasons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from cases import audit
from cases.errors import BadInput, Conflict
from cases.http.attachments import attachment
from cases.http.errors import status_of
from cases.http.params import Id, QueryText
from cases.limits import TEXTS, checked_text, whole_number
from cases.models import Case, Document, User
from cases.permissions import may
from cases.services import cases as case_service
from cases.services import documents as document_service
from cases.services import listing
from cases.services.transitions import fire_transition
from cases.views import CaseView, case_rows, case_view
from web import forms, labels
from web.case_data import data_rows
from web.render import is_htmx, page
from web.session import Page, PageDep, PostDep, redirect
from workflows import (
    DEFINITIONS,
    BerkasError,
    DocumentKind,
    Role,
    WorkflowDefinition,
    get_definition,
)
from workflows.deadlines import REMINDER_LABELS
from workflows.diagram import svg
from workflows.fields import FIRST_YEAR, LAST_YEAR

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
    filters = {"workflow": workflow, "state": state, "q": q, "fiscal_year": fiscal_year,
               "overdue": overdue, "sort": sort}
    params = {k: v for k, v in filters.items() if v}
    query = listing.CaseQuery(
        workflow=workflow or None, state=state or None, q=q or None,
        fiscal_year=whole_number(fiscal_year, FIRST_YEAR, LAST_YEAR),
        overdue={"true": True, "false": False}.get(overdue), now=who.runtime.clock(),
        sort=sort, cursor=cursor or None,
    )
    rows: list[Case] = []
    next_cursor, error = None, ""
    try:
        if fiscal_year and query.fiscal_year is None:
            raise BadInput(f"Tahun anggaran harus {FIRST_YEAR}–{LAST_YEAR}", "invalid_input")
        rows, next_cursor = listing.list_cases(who.session, query)
    except BadInput as exc:
        error = exc.message
    next_url = f"/cases?{urlencode({**params, 'cursor': next_cursor})}" if next_cursor else None
    # A refused filter is a 422 page; HTMX swaps only 2xx answers, so its table says it.
    status = 422 if error and not is_htmx(who.request) else 200
    return page(who.request, "_case_table.html" if is_htmx(who.request) else "cases.html",
                _list_context(who, rows, query, next_url, error), who=who, status=status)


def _list_context(who: Page, rows: list[Case], query: listing.CaseQuery,
                  next_url: str | None, error: str) -> dict[str, Any]:
    return {
        "rows": case_rows(who.ctx, rows), "q": query, "next_url": next_url, "error": error,
        "workflows": list(DEFINITIONS.values()), "states": labels.state_options(),
    }


# --- the case page ------------------------------------------------------------------------

def case_page(who: Page, case_id: int, *, status: int = 200, stale: bool = False,
              problem: BerkasError | None = None,
              open_trigger: str = "") -> Response:
    """The case as it is now in the database (so a refused or stale form never overwrites),
    read by the same view as the API's (``cases.views.case_view``)."""
    who.ctx.fresh()
    view = case_view(who.ctx, case_id)
    return page(who.request, "case.html", {
        **_case_context(who, view),
        "stale": stale, "problem": problem, "open_trigger": open_trigger,
    }, who=who, status=status)


def _case_context(who: Page, view: CaseView) -> dict[str, Any]:
    """What the case page shows besides the view: its workflow, its data as lines, its
    documents by gate and kind, its timeline, and the officers it may be assigned to."""
    definition = get_definition(view.workflow)
    return {
        "case": view, "wf": definition, "state": definition.state(view.state),
        "data_rows": data_rows(view, definition),
        "transitions": [t for t in view.transitions if t.applies],
        "other_transitions": [t for t in view.transitions if not t.applies],
        "gates": _gates(definition), "documents": _by_kind(view.documents),
        "timeline": audit.entries(who.session, view.id),
        # Read only for whoever sees the form (kabid and admin, on an open case).
        "officers": _officers(who) if may(who.actor, "assign_case") and not view.terminal
        else [],
        "diagram": svg(definition, view.state),
        "max_mb": who.runtime.settings.max_upload_bytes // (1024 * 1024),
        "action_labels": labels.ACTION_LABELS, "status_labels": labels.STATUS_LABELS,
        "reminder_labels": REMINDER_LABELS,
        "doc_labels": {d.code: d.label for d in definition.documents},
        "limits": TEXTS,
    }


def _gates(definition: WorkflowDefinition) -> list[tuple[str, list[DocumentKind]]]:
    gates: dict[str, list[DocumentKind]] = defaultdict(list)
    for kind in definition.documents:
        gates[kind.gate].append(kind)
    return list(gates.items())


def _by_kind(documents: Sequence[Document]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        grouped[doc.kind].append(doc)
    return grouped


def _officers(who: Page) -> list[User]:
    rows = who.session.exec(select(User).where(col(User.is_active).is_(True))
                            .order_by(col(User.full_name)))
    return [u for u in rows if {Role.OFFICER, Role.KABID} & set(u.roles)]


def refused(who: Page, case_id: int, exc: BerkasError,
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
    version = whole_number(posted.text("version"), 1)
    try:
        if spec is None or version is None:
            raise BadInput("Formulir tidak lengkap; muat ulang halaman", "invalid_input")
        comment = checked_text("comment", "transition_comment", posted.text("comment"))
        done = fire_transition(
            who.ctx, case_id, trigger, version=version, comment=comment,
            data=forms.field_values(spec.fields, posted.form, "data"),
        )
    except BerkasError as exc:
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
    except BerkasError as exc:
        return refused(who, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Dokumen {doc.filename} diunggah.")


@router.post("/cases/{case_id}/documents/{document_id}/check")
def check(posted: PostDep, case_id: Id, document_id: Id) -> Response:
    who = posted.page
    valid = posted.text("valid") == "true"
    try:
        doc = document_service.check_document(who.ctx, case_id, document_id, valid,
                                               posted.text("note"))
    except BerkasError as exc:
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
    except BerkasError as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", "Komentar ditambahkan.")


@router.post("/cases/{case_id}/assign")
def assign(posted: PostDep, case_id: Id) -> Response:
    username = posted.text("username")
    try:
        case_service.assign_case(posted.page.ctx, case_id, username)
    except BerkasError as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Berkas ditugaskan ke {username}.")
