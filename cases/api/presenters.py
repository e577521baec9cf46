"""Rows to response bodies. Shared by every route that returns a case."""

from __future__ import annotations

from dataclasses import asdict

from cases.api import schemas
from cases.models import AuditEntry, Case, Deadline, Document
from cases.services import deadlines as deadline_service
from cases.services.context import Ctx
from cases.services.documents import list_documents
from cases.services.facts import best_statuses, case_flags
from cases.services.transitions import available_transitions
from cases.services.users import Names, names_by_id
from workflows import FieldSpec, WorkflowDefinition, get_definition


def _name(names: dict[int, Names], user_id: int | None) -> str | None:
    found = names.get(user_id) if user_id is not None else None
    return found.username if found else None


def deadline(ctx: Ctx, row: Deadline | None) -> schemas.DeadlineOut | None:
    if row is None:
        return None
    return schemas.DeadlineOut(**asdict(deadline_service.view(row, ctx.now, ctx.calendar)))


def summary(case: Case, users: dict[int, Names], due: schemas.DeadlineOut | None = None
            ) -> schemas.CaseSummary:
    assert case.id is not None
    return schemas.CaseSummary(
        id=case.id, reference=case.reference, workflow=case.workflow, state=case.state,
        state_label=get_definition(case.workflow).state(case.state).label, title=case.title,
        applicant_name=case.applicant_name, fiscal_year=case.fiscal_year, amount=case.amount,
        version=case.version, assignee=_name(users, case.assignee_id),
        created_at=case.created_at, updated_at=case.updated_at, deadline=due,
    )


def summaries(ctx: Ctx, cases: list[Case]) -> list[schemas.CaseSummary]:
    users = names_by_id(ctx.session, (c.assignee_id for c in cases))
    due = deadline_service.open_deadlines(ctx.session, (c.id for c in cases if c.id))
    return [summary(c, users, deadline(ctx, due.get(c.id or 0))) for c in cases]


def document(doc: Document) -> schemas.DocumentOut:
    assert doc.id is not None
    return schemas.DocumentOut(
        id=doc.id, kind=doc.kind, filename=doc.filename, content_type=doc.content_type,
        size=doc.size, sha256=doc.sha256, status=doc.status, note=doc.note,
        uploaded_at=doc.uploaded_at, checked_at=doc.checked_at,
    )


def detail(ctx: Ctx, case: Case) -> schemas.CaseDetail:
    assert case.id is not None
    definition = get_definition(case.workflow)
    people = (case.assignee_id, case.registered_by, case.reviewed_by, case.approved_by)
    users = names_by_id(ctx.session, people)
    due = deadline_service.open_deadlines(ctx.session, [case.id]).get(case.id)
    base = summary(case, users, deadline(ctx, due)).model_dump()
    documents = list_documents(ctx.session, case.id)
    statuses = best_statuses((d.kind, d.status) for d in documents)
    return schemas.CaseDetail(
        **base,
        applicant=case.applicant, data=case.data,
        recommended_amount=case.recommended_amount, approved_amount=case.approved_amount,
        paid_amount=case.paid_amount, spent_amount=case.spent_amount,
        refunded_amount=case.refunded_amount, tier=case.tier, sp2d_number=case.sp2d_number,
        paid_at=case.paid_at, nphd_number=case.nphd_number, nphd_date=case.nphd_date,
        registered_by=_name(users, case.registered_by),
        reviewed_by=_name(users, case.reviewed_by),
        approved_by=_name(users, case.approved_by),
        flags=[schemas.ReasonOut(**r.as_dict()) for r in case_flags(ctx.session, case)],
        documents=[document(d) for d in documents],
        available_transitions=[
            schemas.AvailableTransition(
                trigger=e.trigger, label=_label(definition, e.trigger), allowed=e.allowed,
                reasons=[schemas.ReasonOut(**r.as_dict()) for r in e.reasons],
            )
            for e in available_transitions(ctx, case, statuses)
        ],
    )


def fields(specs: tuple[FieldSpec, ...]) -> list[schemas.FieldOut]:
    return [
        schemas.FieldOut(name=f.name, label=f.label, type=f.type, required=f.required,
                         choices=list(f.choices))
        for f in specs
    ]


def _label(definition: WorkflowDefinition, trigger: str) -> str:
    spec = definition.transition(trigger)
    return spec.label if spec else trigger


def audit_entry(entry: AuditEntry) -> schemas.AuditEntryOut:
    return schemas.AuditEntryOut(
        seq=entry.seq, at=entry.at, actor=entry.actor_name, action=entry.action,
        from_state=entry.from_state, to_state=entry.to_state, comment=entry.comment,
        payload=entry.payload, hash=entry.hash, prev_hash=entry.prev_hash,
    )


def workflow(definition: WorkflowDefinition) -> schemas.WorkflowOut:
    return schemas.WorkflowOut(
        name=definition.name, label=definition.label,
        reference_prefix=definition.reference_prefix, amount_label=definition.amount_label,
        states=[schemas.StateOut(code=s.code, label=s.label, terminal=s.terminal)
                for s in definition.states],
        transitions=[
            schemas.TransitionOut(
                trigger=t.trigger, label=t.label, source=[s.value for s in t.sources],
                dest=t.dest, roles=sorted(t.roles),
                required_documents=[d.code for d in definition.gate_documents(t.trigger)],
                comment_required=t.comment_required, fields=fields(t.fields),
            )
            for t in definition.transitions
        ],
        documents=[
            schemas.DocumentKindOut(code=d.code, label=d.label, gate=d.gate,
                                    legal_basis=d.legal_basis, conditional=d.conditional)
            for d in definition.documents
        ],
        applicant_fields=fields(definition.applicant_fields),
        data_fields=fields(definition.data_fields),
        deadlines=[
            schemas.DeadlineRuleOut(
                state=d.state, role=d.role, working_days=d.working_days,
                calendar_days=d.calendar_days,
                next_year_on=f"{d.next_year_on[0]:02d}-{d.next_year_on[1]:02d}"
                if d.next_year_on else None,
            )
            for d in definition.deadlines
        ],
    )
