"""Registering, finding, assigning and commenting on cases (listing: :mod:`.listing`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from cases import audit
from cases.errors import BadInput
from cases.events import CaseRegistered, OpenedDeadline
from cases.limits import checked_text, text_problem
from cases.models import Case, Comment, User
from cases.permissions import require
from cases.repository import CaseRepository, json_ready
from cases.services import counts
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import (
    MAX_AMOUNT,
    InvalidInput,
    Reason,
    Role,
    UnknownWorkflow,
    WorkflowDefinition,
    get_definition,
    parse_fields,
)
from workflows.fields import FIRST_YEAR, LAST_YEAR, date_problem


@dataclass(frozen=True, slots=True)
class NewCase:
    workflow: str
    title: str
    fiscal_year: int
    amount: int
    applicant: Mapping[str, object]
    data: Mapping[str, object]
    submitted_at: datetime | None = None


def workflow_definition(workflow: str) -> WorkflowDefinition:
    """The definition of ``workflow``, or BadInput naming it (a name typed by a person)."""
    try:
        return get_definition(workflow)
    except UnknownWorkflow as exc:
        raise BadInput(exc.message, "unknown_workflow") from None


def _case_problems(new: NewCase) -> list[Reason]:
    """What is wrong with the case's own columns, named as the registration form names them:
    the API's schema says the same first, but pages and scripts come here directly."""
    title, when = new.title.strip(), new.submitted_at
    problems = {
        "case.title": text_problem("title", title) if title
        else Reason("missing_field", "judul wajib diisi"),
        "case.fiscal_year": None if FIRST_YEAR <= new.fiscal_year <= LAST_YEAR
        else Reason("invalid_field", f"tahun {FIRST_YEAR}–{LAST_YEAR}"),
        "case.amount": None if 0 <= new.amount <= MAX_AMOUNT
        else Reason("invalid_amount", "nilai tidak masuk akal"),
        "case.submitted_at": None if when is None
        else Reason("invalid_field", "perlu zona waktu") if when.utcoffset() is None
        else date_problem(when.date()),
    }
    return [Reason(p.code, f"{field}: {p.message}") for field, p in problems.items() if p]


def _parse_new_case(definition: WorkflowDefinition, new: NewCase) -> tuple[dict[str, Any], ...]:
    reasons = _case_problems(new)
    parsed: list[dict[str, Any]] = []
    for specs, raw, where in (
        (definition.applicant_fields, new.applicant, "applicant"),
        (definition.data_fields, new.data, "data"),
    ):
        try:
            parsed.append(json_ready(parse_fields(specs, raw, where=where, enforce_required=True)))
        except InvalidInput as exc:
            reasons += exc.reasons
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    return tuple(parsed)


def create_case(ctx: Ctx, new: NewCase) -> Case:
    """Register a case in ``submitted``; back-dated entry is for kabid and admin only."""
    require(ctx.actor, "backdate_case" if new.submitted_at else "register_case")
    definition = workflow_definition(new.workflow)
    applicant, data = _parse_new_case(definition, new)
    at = (new.submitted_at or ctx.now).astimezone(UTC)
    if at > ctx.now:
        raise BadInput("Tanggal pengajuan tidak boleh di masa depan", "submitted_in_future")
    with unit_of_work(ctx) as uow:
        case = Case(
            reference=uow.cases.next_reference(definition.reference_prefix, new.fiscal_year),
            workflow=definition.name, state=definition.initial, fiscal_year=new.fiscal_year,
            title=new.title.strip(), applicant=applicant, data=data, amount=new.amount,
            applicant_name=str(applicant.get(definition.applicant_name_field, "")),
            registered_by=ctx.actor.user_id, created_at=at, updated_at=ctx.now,
        )
        uow.cases.add(case)
        audit.append(
            uow.session, case, actor=ctx.actor, action="case_created", at=ctx.now, genesis=True,
            to_state=case.state,
            payload={"reference": case.reference, "title": case.title, "amount": case.amount,
                     "applicant": applicant, "submitted_at": at.isoformat()},
        )
        # Counted from the real submission date, so a back-dated case may already be late.
        deadline = uow.deadlines.open(case, at, ctx.calendar)
        uow.emit(_registered(ctx, case, deadline))
        counts.moved(uow.session, case.workflow, None, case.state)
    return case


def _registered(ctx: Ctx, case: Case, deadline: OpenedDeadline | None) -> CaseRegistered:
    assert case.id is not None
    return CaseRegistered(
        case_id=case.id, reference=case.reference, title=case.title,
        applicant_name=case.applicant_name, assignee_id=case.assignee_id,
        workflow=case.workflow, actor=ctx.actor, at=ctx.now, deadline=deadline)


def get_case(session: Session, case_id: int) -> Case:
    """The case ``case_id`` (no lock), or NotFound: for entrypoints that only read it."""
    return CaseRepository(session).get(case_id)


def assign_case(ctx: Ctx, case_id: int, username: str) -> Case:
    """Name the officer responsible; they get the case's reminders (see notifications)."""
    require(ctx.actor, "assign_case")
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        user = uow.session.exec(select(User).where(User.username == username)).first()
        if user is None or not user.is_active:
            raise BadInput(f"Pengguna {username} tidak ditemukan", "unknown_user")
        if not {Role.OFFICER, Role.KABID} & set(user.roles):
            raise BadInput(f"{username} bukan petugas atau kabid", "not_an_officer")
        case.assignee_id = user.id
        uow.cases.touch(case, ctx.now)
        audit.append(uow.session, case, actor=ctx.actor, action="assigned", at=ctx.now,
                     payload={"assignee": username})
    return case


def add_comment(ctx: Ctx, case_id: int, body: str) -> Comment:
    """Add a comment to the case's discussion; it goes into the audit trail too."""
    require(ctx.actor, "comment")
    text = checked_text("body", "comment", body)
    if not text:
        raise BadInput("Komentar kosong", "empty_comment")
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        comment = Comment(case_id=case_id, author_id=ctx.actor.user_id, body=text,
                          created_at=ctx.now)
        uow.session.add(comment)
        audit.append(uow.session, case, actor=ctx.actor, action="comment_added", at=ctx.now,
                     comment=text)
    return comment
