"""Guards: small pure predicates over a case's facts, the actor and the transition input.

Each guard returns the reasons it fails (empty when it passes) and does no I/O. Guards that
read the transition's form are marked ``needs_input``: when the engine lists what a person may
do before they fill a form, those guards are not asked yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflows.definition import DocumentKind, TransitionSpec, WorkflowDefinition
from workflows.facts import Actor, CaseFacts, DocumentStatus, TransitionInput
from workflows.money import format_rupiah
from workflows.reasons import Reason


@dataclass(frozen=True, slots=True)
class GuardContext:
    workflow: WorkflowDefinition
    transition: TransitionSpec
    facts: CaseFacts
    actor: Actor
    input: TransitionInput

    def money(self, name: str) -> int | None:
        value = self.input.data.get(name)
        return value if isinstance(value, int) else None


Guard = Callable[[GuardContext], list[Reason]]


@dataclass(frozen=True, slots=True)
class GuardEntry:
    check: Guard
    needs_input: bool = False


def has_role(ctx: GuardContext) -> list[Reason]:
    allowed = {str(r) for r in ctx.transition.roles}
    if ctx.actor.roles & allowed:
        return []
    names = ", ".join(sorted(allowed))
    return [Reason("role_not_permitted", f"peran Anda tidak boleh melakukan ini ({names})", True)]


def is_not_registrant(ctx: GuardContext) -> list[Reason]:
    if ctx.facts.registered_by != ctx.actor.user_id:
        return []
    return [Reason("same_actor", "Anda yang mendaftarkan berkas ini (prinsip empat mata)", True)]


def is_not_reviewer(ctx: GuardContext) -> list[Reason]:
    if ctx.facts.reviewed_by != ctx.actor.user_id:
        return []
    return [Reason("same_actor", "Anda yang memverifikasi berkas ini (prinsip empat mata)", True)]


def is_not_approver(ctx: GuardContext) -> list[Reason]:
    """Whoever approved a case does not record its payment, whatever roles they also hold
    (docs/domain.md, separation of duties; issue 11: a kadis who is also treasurer paid)."""
    if ctx.facts.approved_by != ctx.actor.user_id:
        return []
    return [Reason("same_actor", "Anda yang menyetujui berkas ini (prinsip empat mata)", True)]


def _document_reasons(
    kind: DocumentKind, status: DocumentStatus | None, valid: bool
) -> list[Reason]:
    if status is None:
        return [Reason("missing_document", f"{kind.code}: {kind.label} belum diunggah")]
    if status is DocumentStatus.INVALID:
        return [Reason("invalid_document", f"{kind.code}: {kind.label} dinyatakan tidak sah")]
    if valid and status is not DocumentStatus.VALID:
        return [Reason("unchecked_document", f"{kind.code}: {kind.label} belum diperiksa")]
    return []


def has_gate_documents(ctx: GuardContext) -> list[Reason]:
    """Every document of this transition's gate is present (and valid, where the gate says so)."""
    reasons: list[Reason] = []
    for kind in ctx.workflow.gate_documents(ctx.transition.trigger):
        status = ctx.facts.documents.get(kind.code)
        reasons += _document_reasons(kind, status, ctx.transition.documents_must_be_valid)
    return reasons


def has_comment(ctx: GuardContext) -> list[Reason]:
    if ctx.input.comment.strip():
        return []
    return [Reason("missing_reason", "alasan atau catatan wajib diisi")]


def has_required_fields(ctx: GuardContext) -> list[Reason]:
    return [
        Reason("missing_field", f"{spec.name}: {spec.label} wajib diisi")
        for spec in ctx.transition.fields
        if spec.required and spec.name not in ctx.input.data
    ]


def is_recommendation_within_request(ctx: GuardContext) -> list[Reason]:
    recommended = ctx.money("recommended_amount")
    if recommended is None or recommended <= ctx.facts.amount:
        return []
    limit = format_rupiah(ctx.facts.amount)
    return [Reason("over_requested", f"rekomendasi melebihi nilai yang diajukan ({limit})")]


def approved_amount(ctx: GuardContext) -> int:
    """What the Kadis approves: the amount typed, else the recommended or proposed one."""
    typed = ctx.money("approved_amount")
    return typed if typed is not None else approval_ceiling(ctx.facts)


def approval_ceiling(facts: CaseFacts) -> int:
    if facts.recommended_amount is not None:
        return facts.recommended_amount
    return facts.amount


def is_approval_within_recommendation(ctx: GuardContext) -> list[Reason]:
    ceiling = approval_ceiling(ctx.facts)
    if approved_amount(ctx) <= ceiling:
        return []
    return [Reason("over_recommended", f"melebihi nilai usulan ({format_rupiah(ceiling)})")]


def is_within_budget(ctx: GuardContext) -> list[Reason]:
    remaining = ctx.facts.budget_remaining
    if remaining is None:
        return [Reason("no_budget", "pagu anggaran tahun ini belum ditetapkan")]
    if approved_amount(ctx) <= remaining:
        return []
    return [Reason("over_budget", f"sisa pagu {format_rupiah(remaining)}")]


def is_within_tier_ceiling(ctx: GuardContext) -> list[Reason]:
    ceilings = ctx.workflow.parameters.get("tier_ceilings", {})
    ceiling = ceilings.get(ctx.facts.tier or "")
    if ceiling is None or approved_amount(ctx) <= ceiling:
        return []
    tier = ctx.facts.tier
    return [Reason("over_tier_ceiling", f"plafon tingkat {tier} {format_rupiah(ceiling)}")]


def has_no_overdue_report(ctx: GuardContext) -> list[Reason]:
    if not ctx.facts.recipient_has_overdue_report:
        return []
    return [Reason("overdue_report", "penerima masih menunggak LPJ hibah sebelumnya")]


def is_payment_within_approval(ctx: GuardContext) -> list[Reason]:
    paid = ctx.money("paid_amount")
    approved = ctx.facts.approved_amount or 0
    if paid is None or paid <= approved:
        return []
    return [Reason("over_approved", f"melebihi nilai yang disetujui ({format_rupiah(approved)})")]


def is_spending_within_payment(ctx: GuardContext) -> list[Reason]:
    spent = ctx.money("spent_amount")
    paid = ctx.facts.paid_amount or 0
    if spent is None or spent <= paid:
        return []
    return [Reason("over_paid", f"melebihi dana yang dicairkan ({format_rupiah(paid)})")]


def has_refund_slip_when_underspent(ctx: GuardContext) -> list[Reason]:
    spent = ctx.money("spent_amount")
    paid = ctx.facts.paid_amount or 0
    if spent is None or spent >= paid or "sts" in ctx.facts.documents:
        return []
    left = format_rupiah(paid - spent)
    return [Reason("missing_document", f"sts: bukti setor sisa dana {left} belum diunggah")]


GUARDS: Mapping[str, GuardEntry] = {
    "has_role": GuardEntry(has_role),
    "is_not_registrant": GuardEntry(is_not_registrant),
    "is_not_reviewer": GuardEntry(is_not_reviewer),
    "is_not_approver": GuardEntry(is_not_approver),
    "has_gate_documents": GuardEntry(has_gate_documents),
    "has_comment": GuardEntry(has_comment, needs_input=True),
    "has_required_fields": GuardEntry(has_required_fields, needs_input=True),
    "is_recommendation_within_request": GuardEntry(is_recommendation_within_request, True),
    "is_approval_within_recommendation": GuardEntry(is_approval_within_recommendation),
    "is_within_budget": GuardEntry(is_within_budget),
    "is_within_tier_ceiling": GuardEntry(is_within_tier_ceiling),
    "has_no_overdue_report": GuardEntry(has_no_overdue_report),
    "is_payment_within_approval": GuardEntry(is_payment_within_approval, needs_input=True),
    "is_spending_within_payment": GuardEntry(is_spending_within_payment, needs_input=True),
    "has_refund_slip_when_underspent": GuardEntry(has_refund_slip_when_underspent, True),
}
