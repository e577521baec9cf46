"""Cases: register, list, show, transitions, assignment, comments, audit."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from cases import audit
from cases.api import presenters, schemas
from cases.http.deps import CtxDep
from cases.http.params import Id, QueryText
from cases.services import cases as case_service
from cases.services import listing
from cases.services.transitions import fire_transition
from cases.views import case_rows, case_view, transition_views
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter(tags=["cases"])


@router.post("/cases", status_code=201)
def create_case(ctx: CtxDep, body: schemas.CaseCreate) -> schemas.CaseDetail:
    case = case_service.create_case(ctx, case_service.NewCase(
        workflow=body.workflow, title=body.title, fiscal_year=body.fiscal_year,
        amount=body.amount, applicant=body.applicant, data=body.data,
        submitted_at=body.submitted_at, party_id=body.party_id,
    ))
    assert case.id is not None
    return presenters.detail(case_view(ctx, case.id))


@router.get("/cases")
def list_cases(
    ctx: CtxDep,
    workflow: QueryText | None = None,
    state: QueryText | None = None,
    q: QueryText | None = None,
    fiscal_year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    limit: Annotated[int, Query(ge=1, le=listing.MAX_PAGE)] = 50,
    cursor: QueryText | None = None,
    overdue: bool | None = None,
    sort: Literal["new", "due"] = "new",
) -> schemas.CasesPage:
    rows, next_cursor = listing.list_cases(ctx.session, listing.CaseQuery(
        workflow=workflow, state=state, q=q, fiscal_year=fiscal_year, limit=limit,
        cursor=cursor, overdue=overdue, now=ctx.now, sort=sort,
    ))
    return schemas.CasesPage(items=[presenters.summary(r) for r in case_rows(ctx, rows)],
                             next_cursor=next_cursor)


@router.get("/cases/{case_id}")
def show_case(ctx: CtxDep, case_id: Id) -> schemas.CaseDetail:
    return presenters.detail(case_view(ctx, case_id))


@router.post("/cases/{case_id}/transitions/{trigger}")
def transition(
    ctx: CtxDep, case_id: Id, trigger: str, body: schemas.TransitionIn,
    view: Annotated[Literal["lean", "full"], Query(
        description="lean: state, version and what may be done next; full: the whole case")
    ] = "lean",
) -> schemas.TransitionResult | schemas.CaseDetail:
    """Fire ``trigger`` on the case. The answer is the case's new state and version and what
    the caller may do next; with ``view=full``, the whole case as ``GET`` shows it."""
    # Lean by default: rebuilding the whole case after each transition cost more than the
    # transition itself (bench/README.md).
    case = fire_transition(ctx, case_id, trigger, version=body.version, comment=body.comment,
                           data=body.data)
    if view == "full":
        return presenters.detail(case_view(ctx, case_id))
    return presenters.transitioned(case, transition_views(ctx, case))


@router.put("/cases/{case_id}/data")
def update_data(ctx: CtxDep, case_id: Id, body: schemas.CaseDataIn) -> schemas.CaseDetail:
    """Correct or complete the registration data (e.g. a grant's Keputusan Bupati) until the
    case is approved; audited with what it was before."""
    case_service.update_case_data(ctx, case_id, version=body.version, data=body.data)
    return presenters.detail(case_view(ctx, case_id))


@router.post("/cases/{case_id}/assign")
def assign(ctx: CtxDep, case_id: Id, body: schemas.AssignIn) -> schemas.CaseDetail:
    case_service.assign_case(ctx, case_id, body.username)
    return presenters.detail(case_view(ctx, case_id))


@router.post("/cases/{case_id}/comments", status_code=201)
def comment(ctx: CtxDep, case_id: Id, body: schemas.CommentIn) -> schemas.CommentOut:
    row = case_service.add_comment(ctx, case_id, body.body)
    assert row.id is not None
    return schemas.CommentOut(id=row.id, case_id=row.case_id, body=row.body,
                              created_at=row.created_at)


@router.get("/cases/{case_id}/audit")
def case_audit(ctx: CtxDep, case_id: Id) -> list[schemas.AuditEntryOut]:
    case_service.get_case(ctx.session, case_id)
    return [presenters.audit_entry(e) for e in audit.entries(ctx.session, case_id)]
