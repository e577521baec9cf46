"""Effects: the case fields a successful transition writes, beyond the state itself.

Pure functions named by the workflow definitions, like guards. Each entry says which of the
values it writes are the case's own columns (the facts guards read, such as who reviewed);
anything else an effect returns is kept in the case's data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflows.facts import FieldValue
from workflows.guards import GuardContext, approved_amount

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
    spent = ctx.money("spent_amount") or 0
    return {"refunded_amount": max((ctx.facts.paid_amount or 0) - spent, 0)}


EFFECTS: Mapping[str, EffectEntry] = {
    "record_reviewer": EffectEntry(record_reviewer, ("reviewed_by",)),
    "record_approver": EffectEntry(record_approver, ("approved_by", "approved_amount")),
    "compute_refund": EffectEntry(compute_refund, ("refunded_amount",)),
}
