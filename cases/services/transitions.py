"""Firing a transition: guards, state change, audit entry and new version in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import structlog

from cases import audit
from cases.db import write_transaction
from cases.errors import BadInput, Conflict
from cases.models import Case
from cases.services.cases import get_case, lock_case, touch
from cases.services.context import Ctx
from cases.services.facts import build_facts
from workflows import Evaluation, InvalidInput, Outcome, get_engine

log = structlog.get_logger(__name__)

# Columns a transition may write; anything else a workflow records goes into ``case.data``.
CASE_COLUMNS = frozenset({
    "tier", "recommended_amount", "approved_amount", "approved_by", "reviewed_by",
    "sp2d_number", "paid_at", "paid_amount", "spent_amount", "refunded_amount",
    "nphd_number", "nphd_date",
})


def available_transitions(ctx: Ctx, case: Case) -> list[Evaluation]:
    """Every transition of the case's workflow for the calling user, with why it is blocked."""
    facts = build_facts(ctx.session, case, ctx.now, ctx.tz)
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
    """Move a case along ``trigger``. Raises the domain's refusals, or Conflict when stale."""
    engine = get_engine(get_case(ctx.session, case_id).workflow)
    engine.spec(trigger)  # unknown trigger: refuse before taking any lock
    try:
        given = engine.parse_input(trigger, comment, dict(data or {}))
    except InvalidInput as exc:
        raise BadInput(exc.message, "invalid_input", exc.reasons) from None
    with write_transaction(ctx.session) as session:
        case = lock_case(session, case_id)
        if case.version != version:
            raise Conflict(
                f"Berkas {case.reference} telah berubah (versi {case.version}, bukan {version})",
                "stale_version",
            )
        facts = build_facts(session, case, ctx.now, ctx.tz, lock_budget=trigger == "approve")
        outcome = engine.fire(trigger, facts, ctx.actor, given)
        _apply(case, outcome)
        touch(case, ctx.now)
        audit.append(
            session, case, actor=ctx.actor, action="transition", at=ctx.now,
            from_state=outcome.source, to_state=outcome.dest, comment=given.comment,
            payload={"trigger": trigger, "data": _plain(outcome.changes)},
        )
    log.info("case.transition", case_id=case.id, reference=case.reference, trigger=trigger,
             source=outcome.source, dest=outcome.dest, actor=ctx.actor.username)
    return case


def _apply(case: Case, outcome: Outcome) -> None:
    extra: dict[str, Any] = {}
    for key, value in outcome.changes.items():
        if key in CASE_COLUMNS:
            setattr(case, key, value)
        else:
            extra[key] = value.isoformat() if isinstance(value, date) else value
    if extra:
        case.data = {**case.data, **extra}
    case.state = outcome.dest


def _plain(values: Mapping[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
