"""Guards of a grant's disbursement under a Keputusan Bupati (docs/domain.md, Grant)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from workflows.guard_context import GuardContext, GuardEntry, approved_amount, document_reasons
from workflows.money import format_rupiah
from workflows.reasons import Reason

DECISION_AMOUNT = "keputusan_amount"


def decision_amount(ctx: GuardContext) -> int | None:
    """The amount the Keputusan Bupati fixed for this grant, as registered."""
    return ctx.facts.data_money(DECISION_AMOUNT)


def is_approval_within_decision(ctx: GuardContext) -> list[Reason]:
    """The Kadis approves at most what the Bupati decided, less what other cases of the same
    party under the same Keputusan already hold (one decision is disbursed once)."""
    ceiling = decision_amount(ctx)
    if ceiling is None:
        return [Reason("missing_decision", "Keputusan Bupati penetapan hibah belum dicatat")]
    left = ceiling - ctx.facts.decision_committed
    if approved_amount(ctx) <= left:
        return []
    held = ctx.facts.decision_committed
    extra = f"; {format_rupiah(held)} sudah disetujui pada berkas lain" if held else ""
    return [Reason("over_decision",
                   f"melebihi nilai dalam Keputusan Bupati ({format_rupiah(ceiling)}{extra})")]


def nphd_date(ctx: GuardContext) -> date | None:
    """The NPHD's date: as recorded at approval, else as typed with the payment (a grant
    approved before approval asked for it)."""
    return ctx.facts.nphd_date or ctx.day("nphd_date")


def has_nphd(ctx: GuardContext) -> list[Reason]:
    """No disbursement without a signed NPHD: its number and date recorded once, and the
    document MS."""
    reasons: list[Reason] = []
    typed = "nphd_number" in ctx.input.data or "nphd_date" in ctx.input.data
    if ctx.facts.nphd_date is not None and typed:
        reasons.append(Reason("nphd_already_recorded",
                              "NPHD sudah dicatat saat persetujuan; jangan diisi lagi"))
    elif ctx.facts.nphd_date is None and not (
            "nphd_number" in ctx.input.data and "nphd_date" in ctx.input.data):
        reasons.append(Reason("missing_nphd", "nomor dan tanggal NPHD belum dicatat"))
    kind = ctx.workflow.document("nphd")
    if kind is not None:
        reasons += document_reasons(kind, ctx.facts.documents.get("nphd"))
    return reasons


def is_sp2d_after_nphd(ctx: GuardContext) -> list[Reason]:
    """Money moves only after the NPHD is signed: the SP2D is dated on or after it."""
    sp2d, nphd = ctx.day("sp2d_date"), nphd_date(ctx)
    if sp2d is None or nphd is None or sp2d >= nphd:
        return []
    return [Reason("sp2d_before_nphd", "tanggal SP2D sebelum tanggal NPHD")]


GRANT_GUARDS: Mapping[str, GuardEntry] = {
    "is_approval_within_decision": GuardEntry(is_approval_within_decision),
    "has_nphd": GuardEntry(has_nphd, needs_input=True),
    "is_sp2d_after_nphd": GuardEntry(is_sp2d_after_nphd, needs_input=True),
}
