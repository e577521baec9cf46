"""Views and rows to response bodies: field for field, with no query of their own (the read
model, ``cases.views``, has read everything a case's response shows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cases.api import schemas
from cases.http.params import ReasonOut
from cases.models import AuditEntry, Case, Document, Party
from cases.services.users import Names
from cases.views import CaseRow, CaseView, PaymentView, TransitionView
from workflows import FieldSpec, Reason, WorkflowDefinition, get_definition


def _username(names: Names | None) -> str | None:
    return names.username if names else None


def _reasons(reasons: tuple[Reason, ...]) -> list[ReasonOut]:
    return [ReasonOut(**r.as_dict()) for r in reasons]


def _row_fields(row: CaseRow) -> dict[str, Any]:
    return {
        "id": row.id, "reference": row.reference, "workflow": row.workflow, "state": row.state,
        "state_label": row.state_label, "title": row.title,
        "applicant_name": row.applicant_name, "fiscal_year": row.fiscal_year,
        "amount": row.amount, "version": row.version, "assignee": _username(row.assignee),
        "created_at": row.created_at, "updated_at": row.updated_at, "deadline": row.deadline,
    }


def summary(row: CaseRow) -> schemas.CaseSummary:
    return schemas.CaseSummary(**_row_fields(row))


def document(doc: Document) -> schemas.DocumentOut:
    assert doc.id is not None
    return schemas.DocumentOut(
        id=doc.id, kind=doc.kind, filename=doc.filename, content_type=doc.content_type,
        size=doc.size, sha256=doc.sha256, status=doc.status, note=doc.note, value=doc.value,
        uploaded_at=doc.uploaded_at, checked_at=doc.checked_at,
    )


def detail(view: CaseView) -> schemas.CaseDetail:
    return schemas.CaseDetail(
        **_row_fields(view),
        applicant=view.applicant, data=view.data,
        recommended_amount=view.recommended_amount, approved_amount=view.approved_amount,
        paid_amount=view.paid_amount, spent_amount=view.spent_amount,
        refunded_amount=view.refunded_amount, refund_date=view.refund_date, tier=view.tier,
        nphd_number=view.nphd_number, nphd_date=view.nphd_date,
        party=party(view.party) if view.party else None,
        payments=[payment(p) for p in view.payments],
        registered_by=_username(view.registered_by),
        reviewed_by=_username(view.reviewed_by), approved_by=_username(view.approved_by),
        flags=_reasons(view.flags), documents=[document(d) for d in view.documents],
        available_transitions=moves(view.transitions),
    )


def moves(views: Sequence[TransitionView]) -> list[schemas.AvailableTransition]:
    return [schemas.AvailableTransition(trigger=t.trigger, label=t.label, allowed=t.allowed,
                                        reasons=_reasons(t.reasons))
            for t in views]


def transitioned(case: Case, views: Sequence[TransitionView]) -> schemas.TransitionResult:
    assert case.id is not None
    return schemas.TransitionResult(
        id=case.id, reference=case.reference, workflow=case.workflow, state=case.state,
        state_label=get_definition(case.workflow).state(case.state).label,
        version=case.version, updated_at=case.updated_at, available_transitions=moves(views))


def party(row: Party) -> schemas.PartyRef:
    assert row.id is not None
    return schemas.PartyRef(id=row.id, kind=row.kind, name=row.name, npwp=row.npwp,
                            nib=row.nib, is_pkp=row.is_pkp)


def payment(view: PaymentView) -> schemas.PaymentOut:
    row = view.payment
    return schemas.PaymentOut(
        seq=row.seq, final=row.final, spm_number=row.spm_number, spm_date=row.spm_date,
        sp2d_number=row.sp2d_number, sp2d_date=row.sp2d_date, gross=row.gross,
        pph23=row.pph23, ppn=row.ppn, net=row.net, bast_document_id=row.bast_document_id,
        bast_date=row.bast_date, publication_document_id=row.publication_document_id,
        recorded_by=_username(view.recorded_by),
        recorded_at=row.recorded_at,
    )


def fields(specs: tuple[FieldSpec, ...]) -> list[schemas.FieldOut]:
    return [
        schemas.FieldOut(name=f.name, label=f.label, type=f.type, required=f.required,
                         choices=list(f.choices))
        for f in specs
    ]


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
                required_documents=[d.code for d in definition.gate_documents(t.gate)],
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
