"""Guards: small pure predicates over a case's facts, the actor and the transition input.

Each guard returns the reasons it fails (empty when it passes) and does no I/O. Guards that
read the transition's form are marked ``needs_input``: when the engine lists what a person may
do before they fill a form, those guards are not asked yet.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.definition import ROLE_LABELS
from workflows.guard_context import (
    Guard,
    GuardContext,
    GuardEntry,
    approval_ceiling,
    approved_amount,
    document_reasons,
)
from workflows.guards_grant import GRANT_GUARDS
from workflows.guards_media import MEDIA_GUARDS
from workflows.guards_payment import PAYMENT_GUARDS
from workflows.money import format_rupiah
from workflows.reasons import Reason

__all__ = ["GUARDS", "Guard", "GuardContext", "GuardEntry", "approval_ceiling",
           "approved_amount", "document_reasons"]


def has_role(ctx: GuardContext) -> list[Reason]:
    allowed = {str(r) for r in ctx.transition.roles}
    if ctx.actor.roles & allowed:
        return []
    lapsed = [w.reason() for w in ctx.actor.lapsed if w.role in allowed]
    if lapsed:  # they would hold it under a warrant, had it not ended
        return lapsed[:1]
    names = ", ".join(sorted(ROLE_LABELS.get(r, r) for r in allowed))
    return [Reason("role_not_permitted", f"hanya untuk {names}", True)]


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


def has_gate_documents(ctx: GuardContext) -> list[Reason]:
    """Every document of this transition's gate that the case requires is MS."""
    reasons: list[Reason] = []
    for kind in ctx.workflow.gate_documents(ctx.transition.gate, ctx.facts.applicant):
        reasons += document_reasons(kind, ctx.facts.documents.get(kind.code))
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


def has_no_overdue_report(ctx: GuardContext) -> list[Reason]:
    if not ctx.facts.recipient_has_overdue_report:
        return []
    return [Reason("overdue_report", "penerima masih menunggak LPJ hibah sebelumnya")]


def is_payment_within_approval(ctx: GuardContext) -> list[Reason]:
    paid = ctx.money("gross")
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
    """Where less was spent than paid, the rest went back to the Kas Daerah: the amount and
    date of the refund are recorded and its STS is MS."""
    spent = ctx.money("spent_amount")
    paid = ctx.facts.paid_amount or 0
    if spent is None or spent >= paid:
        return []
    left = paid - spent
    reasons: list[Reason] = []
    if ctx.money("refund_amount") != left:
        reasons.append(Reason("refund_mismatch",
                              f"sisa dana yang disetor harus {format_rupiah(left)}"))
    if ctx.day("refund_date") is None:
        reasons.append(Reason("missing_field", "refund_date: tanggal setor wajib diisi"))
    kind = ctx.workflow.document("sts")
    if kind is not None:
        reasons += document_reasons(kind, ctx.facts.documents.get("sts"))
    return reasons


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
    "has_no_overdue_report": GuardEntry(has_no_overdue_report),
    "is_payment_within_approval": GuardEntry(is_payment_within_approval, needs_input=True),
    "is_spending_within_payment": GuardEntry(is_spending_within_payment, needs_input=True),
    "has_refund_slip_when_underspent": GuardEntry(has_refund_slip_when_underspent, True),
    **MEDIA_GUARDS,
    **PAYMENT_GUARDS,
    **GRANT_GUARDS,
}
