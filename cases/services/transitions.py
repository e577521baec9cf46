"""Firing a transition: guards, state change, audit entry and new version in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime

import structlog
from sqlalchemy import func
from sqlmodel import Session, select

from cases import audit
from cases.errors import BadInput, Conflict
from cases.events import CaseTransitioned, OpenedDeadline
from cases.models import Case, Payment
from cases.repository import json_ready
from cases.services import counts
from cases.services.acting import check_in_force
from cases.services.facts import build_facts
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import (
    DocumentStatus,
    Evaluation,
    InvalidInput,
    Outcome,
    TransitionInput,
    WorkflowEngine,
    get_engine,
)
from workflows.effects import Changes
from workflows.payments import PAYMENT_FIELD_NAMES, PaymentInput, payment_of

log = structlog.get_logger(__name__)


def available_transitions(
    ctx: Ctx, case: Case, documents: Mapping[str, DocumentStatus] | None = None
) -> list[Evaluation]:
    """Every transition of the case's workflow for the calling user, with why it is blocked
    (``documents``: the best statuses, when the caller has already read them)."""
    facts = build_facts(ctx.session, case, ctx.now, ctx.tz, documents=documents,
                        parameters=ctx.parameters, for_form=False)
    return get_engine(case.workflow).evaluate(facts, ctx.actor)


def fire_transition(ctx: Ctx, case_id: int, trigger: str, *, version: int, comment: str = "",
                    data: Mapping[str, object] | None = None) -> Case:
    """Move a case along ``trigger``. Raises the domain's refusals, or Conflict when stale.

    Everything happens under the case's write lock, including refusing an unknown trigger or
    bad input: reading the workflow first, outside it, cost a transaction of its own."""
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        engine = get_engine(case.workflow)
        spec = engine.spec(trigger)  # an unknown trigger is refused before its input
        given = _parse_input(engine, trigger, comment, data)
        _check_version(case, version)
        # A transition that spends budget locks it before its guards read what remains.
        facts = build_facts(uow.session, case, ctx.now, ctx.tz, lock_budget=spec.locks_budget,
                            parameters=ctx.parameters)
        outcome = engine.fire(trigger, facts, ctx.actor, given)
        warrant = ctx.actor.warrant_for(spec.roles)
        if warrant is not None:  # re-read under the lock: revoked or ended since, it lends nothing
            check_in_force(uow.session, warrant, ctx.calendar.local_date(ctx.now))
        payment = payment_of(given.data) if spec.records_payment else None
        kept = {k: v for k, v in outcome.changes.items()
                if payment is None or k not in PAYMENT_FIELD_NAMES}
        uow.cases.write(case, _changes(case, kept, outcome.dest, engine.case_columns, ctx.now))
        if payment is not None:
            _record_payment(uow.session, case, payment, final=outcome.dest != outcome.source,
                            ctx=ctx)
        audit.append(
            uow.session, case, actor=ctx.actor, action="transition", at=ctx.now,
            from_state=outcome.source, to_state=outcome.dest, comment=given.comment,
            payload={"trigger": trigger, "data": json_ready(outcome.changes)}, warrant=warrant,
        )
        deadline = None
        # A termin paid leaves the case where it was: its deadline (the final termin's)
        # stays as it is, reminders and escalation included.
        if outcome.dest != outcome.source:
            uow.deadlines.close(case_id, ctx.now, trigger)
            deadline = uow.deadlines.open(case, ctx.now, ctx.calendar)
        uow.emit(_transitioned(ctx, case, trigger, outcome, deadline))
        counts.moved(uow.session, case.workflow, outcome.source, outcome.dest)
    log.info("case.transition", case_id=case.id, reference=case.reference, trigger=trigger,
             source=outcome.source, dest=outcome.dest, actor=ctx.actor.username)
    return case


def _transitioned(ctx: Ctx, case: Case, trigger: str, outcome: Outcome,
                  deadline: OpenedDeadline | None) -> CaseTransitioned:
    assert case.id is not None
    return CaseTransitioned(
        case_id=case.id, reference=case.reference, title=case.title,
        applicant_name=case.applicant_name, assignee_id=case.assignee_id,
        workflow=case.workflow, actor=ctx.actor, at=ctx.now, deadline=deadline,
        trigger=trigger, source=outcome.source, dest=outcome.dest)


def _parse_input(engine: WorkflowEngine, trigger: str, comment: str,
                 data: Mapping[str, object] | None) -> TransitionInput:
    try:
        return engine.parse_input(trigger, comment, dict(data or {}))
    except InvalidInput as exc:
        raise BadInput(exc.message, "invalid_input", exc.reasons) from None


def _check_version(case: Case, version: int) -> None:
    """Refuse a form opened on an older version of the case."""
    if case.version != version:
        raise Conflict(
            f"Berkas {case.reference} telah berubah (versi {case.version}, bukan {version})",
            "stale_version",
        )


def _changes(
    case: Case, changes: Changes, dest: str, columns: frozenset[str], now: datetime
) -> dict[str, object]:
    """The columns the transition writes: the values that its workflow keeps in ``columns``
    (``WorkflowEngine.case_columns``), anything else it records under ``data`` (a payment's
    fields go to its own row instead), the new state and a new version (a form opened
    before it is now stale)."""
    values: dict[str, object] = {k: v for k, v in changes.items() if k in columns}
    extra = {k: v for k, v in changes.items() if k not in columns}
    if extra:
        values["data"] = {**case.data, **json_ready(extra)}
    values.update(state=dest, version=case.version + 1, updated_at=now)
    return values


def _record_payment(session: Session, case: Case, payment: PaymentInput, *, final: bool,
                    ctx: Ctx) -> None:
    """Keep ``payment`` as the case's next payment row. Its guards checked its documents
    were paid by no earlier termin; the unique constraints hold that against a concurrent
    treasurer too (the case's write lock already serialises them)."""
    assert case.id is not None
    seq = session.exec(select(func.count()).select_from(Payment)
                       .where(Payment.case_id == case.id)).one() + 1
    session.add(Payment(case_id=case.id, seq=seq, final=final, recorded_by=ctx.actor.user_id,
                        recorded_at=ctx.now, **asdict(payment)))
    session.flush()
