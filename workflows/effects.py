"""Effects: the case fields a successful transition writes, beyond the state itself.

Pure functions named by the workflow definitions, like guards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from workflows.facts import FieldValue
from workflows.guards import GuardContext, approved_amount

Changes = dict[str, FieldValue | None]
Effect = Callable[[GuardContext], Changes]


def record_reviewer(ctx: GuardContext) -> Changes:
    return {"reviewed_by": ctx.actor.user_id}


def record_approver(ctx: GuardContext) -> Changes:
    return {"approved_by": ctx.actor.user_id, "approved_amount": approved_amount(ctx)}


def compute_refund(ctx: GuardContext) -> Changes:
    spent = ctx.money("spent_amount") or 0
    return {"refunded_amount": max((ctx.facts.paid_amount or 0) - spent, 0)}


EFFECTS: Mapping[str, Effect] = {
    "record_reviewer": record_reviewer,
    "record_approver": record_approver,
    "compute_refund": compute_refund,
}
