"""Effects: the case fields a successful transition writes, beyond the state itself.

Pure functions named by the workflow definitions, like guards. Each entry says which of the
values it writes are the case's own columns (the facts guards read, such as who reviewed);
anything else an effect returns is kept in the case's data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflows.facts import FieldValue
from workflows.guard_context import GuardContext, approved_amount
from workflows.guards_media import derived_category

Changes = dict[str, FieldValue | None]
Effect = Callable[[GuardContext], Changes]


@dataclass(frozen=True, slots=True)
class EffectEntry:
    apply: Effect
    columns: tuple[str, ...] = ()


def record_reviewer(ctx: GuardContext) -> Changes:
    return {"reviewed_by": ctx.actor.user_id}


def record_approver(ctx: GuardContext) -> Changes:
    return {"approved_by": ctx.actor.user_id, "approved_amount": approved_amount(ctx)}


def compute_refund(ctx: GuardContext) -> Changes:
    """What went back to the Kas Daerah: paid less spent (its guard checked the refund typed
    says the same, and that the STS is MS)."""
    spent = ctx.money("spent_amount") or 0
    return {"refunded_amount": max((ctx.facts.paid_amount or 0) - spent, 0)}


def derive_category(ctx: GuardContext) -> Changes:
    """The media category, from the Dewan Pers status (never chosen by hand)."""
    return {"tier": derived_category(ctx)}


def add_payment(ctx: GuardContext) -> Changes:
    """The case's paid amount: the gross of its payments so far, this one included."""
    gross = ctx.money("gross")
    if gross is None:
        return {}
    return {"paid_amount": (ctx.facts.paid_amount or 0) + gross}


EFFECTS: Mapping[str, EffectEntry] = {
    "record_reviewer": EffectEntry(record_reviewer, ("reviewed_by",)),
    "record_approver": EffectEntry(record_approver, ("approved_by", "approved_amount")),
    "compute_refund": EffectEntry(compute_refund, ("refunded_amount",)),
    "derive_category": EffectEntry(derive_category, ("tier",)),
    "add_payment": EffectEntry(add_payment, ("paid_amount",)),
}
