"""Firing a transition: guards, state change, audit entry and new version in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import structlog

from cases import audit
from cases.db import write_transaction
from cases.errors import BadInput, Conflict
from cases.events import CaseTransitioned, publish
from cases.models import Case
from cases.services import counts
from cases.services.cases import json_ready, lock_case, write_case
from cases.services.context import Ctx
from cases.services.deadlines import close_deadlines, open_deadline
from cases.services.facts import build_facts
from workflows import DocumentStatus, Evaluation, InvalidInput, Outcome, get_engine

log = structlog.get_logger(__name__)

# Columns a transition may write; anything else a workflow records goes into ``case.data``.
CASE_COLUMNS = frozenset({
    "tier", "recommended_amount", "approved_amount", "approved_by", "reviewed_by",
    "sp2d_number", "paid_at", "paid_amount", "spent_amount", "refunded_amount",
    "nphd_number", "nphd_date",
})


def available_transitions(
    ctx: Ctx, case: Case, documents: Mapping[str, DocumentStatus] | None = None
) -> list[Evaluation]:
    """Every transition of the case's workflow for the calling user, with why it is blocked
    (``documents``: the best statuses, when the caller has already read them)."""
    facts = build_facts(ctx.session, case, ctx.now, ctx.tz, documents=documents)
    return get_engine(case.workflow).evaluate(facts, ctx.actor)


def fire_transition(
    ctx: Ctx,
    case_id: int,
    trigger: str,
    *,
    version: int,
    comment: str = "",
    data: Mapping[str, object] | None = None,
) -> Case:
    """Move a case along ``trigger``. Raises the domain's refusals, or Conflict when stale.

    Everything happens under the case's write lock, including refusing an unknown trigger or
    bad input: reading the workflow first, outside it, cost a transaction of its own."""
    with write_transaction(ctx.session) as session:
        case = lock_case(session, case_id)
        engine = get_engine(case.workflow)
        engine.spec(trigger)
        try:
            given = engine.parse_input(trigger, comment, dict(data or {}))
        except InvalidInput as exc:
            raise BadInput(exc.message, "invalid_input", exc.reasons) from None
        if case.version != version:
            raise Conflict(
                f"Berkas {case.reference} telah berubah (versi {case.version}, bukan {version})",
                "stale_version",
            )
        facts = build_facts(session, case, ctx.now, ctx.tz, lock_budget=trigger == "approve")
        outcome = engine.fire(trigger, facts, ctx.actor, given)
        write_case(session, case, _changes(case, outcome, ctx.now))
        audit.append(
            session, case, actor=ctx.actor, action="transition", at=ctx.now,
            from_state=outcome.source, to_state=outcome.dest, comment=given.comment,
            payload={"trigger": trigger, "data": json_ready(outcome.changes)},
        )
        close_deadlines(session, case_id, ctx.now, trigger)
        deadline = open_deadline(session, case, ctx.now, ctx.calendar)
        publish(session, CaseTransitioned(case, ctx.actor, ctx.now, deadline, trigger,
                                          outcome.source, outcome.dest))
        counts.moved(session, case.workflow, outcome.source, outcome.dest)
    log.info("case.transition", case_id=case.id, reference=case.reference, trigger=trigger,
             source=outcome.source, dest=outcome.dest, actor=ctx.actor.username)
    return case


def _changes(case: Case, outcome: Outcome, now: datetime) -> dict[str, object]:
    """The columns the transition writes: the outcome's own, anything else it records under
    ``data``, the new state and a new version (a form opened before it is now stale)."""
    values: dict[str, object] = {k: v for k, v in outcome.changes.items() if k in CASE_COLUMNS}
    extra = {k: v for k, v in outcome.changes.items() if k not in CASE_COLUMNS}
    if extra:
        values["data"] = {**case.data, **json_ready(extra)}
    values.update(state=outcome.dest, version=case.version + 1, updated_at=now)
    return values
