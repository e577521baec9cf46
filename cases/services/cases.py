"""Registering, finding, assigning and commenting on cases (listing: :mod:`.listing`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from cases import audit
from cases.errors import BadInput, Conflict
from cases.events import CaseRegistered, OpenedDeadline
from cases.limits import checked_text, text_problem
from cases.models import Case, Comment, Party, User
from cases.permissions import require
from cases.repository import CaseRepository, json_ready
from cases.services import counts
from cases.services.acting import under_warrant
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
from workflows.registration import Registration, registration_problems

PARTY_KIND_LABELS = {"company": "perusahaan pers", "organisation": "organisasi"}


@dataclass(frozen=True, slots=True)
class NewCase:
    workflow: str
    title: str
    fiscal_year: int
    amount: int
    applicant: Mapping[str, object]
    data: Mapping[str, object]
    submitted_at: datetime | None = None
    party_id: int | None = None


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
    if not reasons:
        reasons += registration_problems(definition.registration_checks, Registration(
            new.amount, parsed[0], parsed[1]))
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    return tuple(parsed)


def _party(session: Session, definition: WorkflowDefinition, party_id: int | None) -> Party:
    """The party applying: registered, and of the kind the workflow serves."""
    if party_id is None:
        raise BadInput("Pilih pihak pemohon (perusahaan pers atau organisasi) yang terdaftar",
                       "missing_party",
                       [Reason("missing_field", "case.party_id: pihak pemohon wajib dipilih")])
    party = session.get(Party, party_id)
    if party is None:
        raise BadInput(f"Pihak {party_id} tidak terdaftar", "unknown_party")
    if party.kind != definition.party_kind:
        wanted = PARTY_KIND_LABELS.get(definition.party_kind, definition.party_kind)
        raise BadInput(f"{definition.label} hanya untuk {wanted}", "wrong_party_kind")
    return party


def create_case(ctx: Ctx, new: NewCase) -> Case:
    """Register a case in ``submitted``; back-dated entry is for kabid and admin only."""
    require(ctx.actor, "backdate_case" if new.submitted_at else "register_case")
    definition = workflow_definition(new.workflow)
    applicant, data = _parse_new_case(definition, new)
    at = (new.submitted_at or ctx.now).astimezone(UTC)
    if at > ctx.now:
        raise BadInput("Tanggal pengajuan tidak boleh di masa depan", "submitted_in_future")
    party = _party(ctx.session, definition, new.party_id)
    name_field = definition.applicant_name_field
    with unit_of_work(ctx) as uow:
        case = Case(
            reference=uow.cases.next_reference(definition.reference_prefix, new.fiscal_year),
            workflow=definition.name, state=definition.initial, fiscal_year=new.fiscal_year,
            title=new.title.strip(), applicant=applicant, data=data, amount=new.amount,
            applicant_name=str(applicant.get(name_field, "")) if name_field else party.name,
            party_id=party.id, registered_by=ctx.actor.user_id, created_at=at,
            updated_at=ctx.now,
        )
        uow.cases.add(case)
        audit.append(
            uow.session, case, actor=ctx.actor, action="case_created", at=ctx.now, genesis=True,
            to_state=case.state,
            warrant=under_warrant(ctx, "backdate_case" if new.submitted_at else "register_case"),
            payload={"reference": case.reference, "title": case.title, "amount": case.amount,
                     "party": {"id": party.id, "name": party.name, "npwp": party.npwp},
                     "applicant": applicant, "data": data, "submitted_at": at.isoformat()},
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


def update_case_data(ctx: Ctx, case_id: int, *, version: int,
                     data: Mapping[str, object]) -> Case:
    """Correct or complete a case's registration data (a grant's Keputusan Bupati typed
    wrong, or missing on a case carried over from before it was asked). Until the case is
    reviewed any value may be corrected; once reviewed, only what is still missing may be
    completed (a reviewed value stays what the reviewer checked); once approved, nothing.
    The registration checks run again; the change is audited with what it was before."""
    require(ctx.actor, "register_case")
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock_open(case_id)
        definition = get_definition(case.workflow)
        if definition.state(case.state).commits_budget:
            raise Conflict(f"Data berkas {case.reference} sudah disetujui dan tidak dapat "
                           "diubah", "case_data_fixed")
        if case.version != version:
            raise Conflict(f"Berkas {case.reference} telah berubah (versi {case.version}, "
                           f"bukan {version})", "stale_version")
        merged = {**case.data, **_parsed_data(definition, case, data)}
        changed = {k: v for k, v in merged.items() if case.data.get(k) != v}
        if not changed:
            return case
        reviewed = [k for k in changed if case.reviewed_by is not None
                    and case.data.get(k) not in (None, "")]
        if reviewed:
            raise Conflict(f"Data berkas {case.reference} sudah diverifikasi; yang sudah "
                           f"tercatat tidak dapat diubah ({', '.join(sorted(reviewed))})",
                           "case_data_fixed")
        before = {k: case.data.get(k) for k in changed}
        uow.cases.write(case, {"data": merged, "version": case.version + 1,
                               "updated_at": ctx.now})
        audit.append(uow.session, case, actor=ctx.actor, action="case_data_changed",
                     at=ctx.now, payload={"before": before, "after": changed},
                     warrant=under_warrant(ctx, "register_case"))
    return case


def _parsed_data(definition: WorkflowDefinition, case: Case,
                 data: Mapping[str, object]) -> dict[str, Any]:
    """``data`` typed by the workflow's data fields, with every required one present once
    merged into what the case holds, and the registration checks passed; else BadInput."""
    try:
        parsed = json_ready(parse_fields(definition.data_fields, data, where="data",
                                         enforce_required=False))
    except InvalidInput as exc:
        raise BadInput("Isian berkas tidak valid", "invalid_input", exc.reasons) from None
    merged = {**case.data, **parsed}
    reasons = [Reason("missing_field", f"data.{spec.name}: {spec.label} wajib diisi")
               for spec in definition.data_fields
               if spec.required and merged.get(spec.name) in (None, "")]
    reasons += registration_problems(definition.registration_checks, Registration(
        case.amount, case.applicant, merged))
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    return parsed


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
                     payload={"assignee": username}, warrant=under_warrant(ctx, "assign_case"))
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
                     comment=text, warrant=under_warrant(ctx, "comment"))
    return comment
