"""Builds the domain's :class:`CaseFacts` from rows: the one bridge from tables to guards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from cases.models import Budget, Case, Document
from infra.db import table_of
from workflows import CaseFacts, DocumentStatus, Reason, WorkflowDefinition, get_definition
from workflows.warnings import History, warnings_for

_RANK = {DocumentStatus.VALID: 2, DocumentStatus.UNCHECKED: 1, DocumentStatus.INVALID: 0}


_DOCUMENTS = table_of(Document)
_STATUSES = (select(_DOCUMENTS.c.kind, _DOCUMENTS.c.status)
             .where(_DOCUMENTS.c.case_id == bindparam("case_id")))  # built once: hot path


def best_statuses(documents: Iterable[tuple[str, str]]) -> dict[str, DocumentStatus]:
    """Best status per kind of (kind, status) pairs: one valid upload of a kind is enough."""
    best: dict[str, DocumentStatus] = {}
    for kind, raw in documents:
        status = DocumentStatus(raw)
        if kind not in best or _RANK[status] > _RANK[best[kind]]:
            best[kind] = status
    return best


def document_statuses(session: Session, case_id: int) -> dict[str, DocumentStatus]:
    """Best status per kind of a case's documents (see :func:`best_statuses`)."""
    rows = session.connection().execute(_STATUSES, {"case_id": case_id})
    return best_statuses((kind, status) for kind, status in rows)


def committed_amount(session: Session, workflow: str, fiscal_year: int) -> int:
    """What cases of ``workflow`` hold against the year's budget: the approved amounts of
    those in a state that commits budget (``StateSpec.commits_budget``)."""
    total = session.exec(
        select(func.coalesce(func.sum(Case.approved_amount), 0)).where(
            Case.workflow == workflow,
            Case.fiscal_year == fiscal_year,
            col(Case.state).in_(get_definition(workflow).committed_states()),
        )
    ).one()
    return int(total or 0)


def budget_remaining(
    session: Session, workflow: str, fiscal_year: int, *, lock: bool = False
) -> int | None:
    """Pagu minus what approved cases already hold; None when no pagu is set.

    ``lock`` takes the budget row's lock so two approvals cannot both spend the last rupiah.
    """
    query = select(Budget).where(Budget.workflow == workflow, Budget.fiscal_year == fiscal_year)
    budget = session.exec(query.with_for_update() if lock else query).first()
    if budget is None:
        return None
    return budget.amount - committed_amount(session, workflow, fiscal_year)


def has_overdue_report(session: Session, case: Case, today: date) -> bool:
    """Does the recipient hold an earlier case, left in a state that owes their report
    (``StateSpec.owes_report``), whose report is past due?"""
    definition = get_definition(case.workflow)
    return any(_report_overdue(session, case, state, today)
               for state in definition.report_owing_states())


def _report_overdue(session: Session, case: Case, state: str, today: date) -> bool:
    """Is an earlier case of the recipient in ``state`` past the day its report was due?"""
    rule = get_definition(case.workflow).deadline(state)
    if rule is None or rule.next_year_on is None:
        return False
    month, day = rule.next_year_on
    earlier = session.exec(
        select(Case.fiscal_year).where(
            Case.workflow == case.workflow,
            Case.applicant_name == case.applicant_name,
            Case.state == state,
            Case.id != case.id,
        )
    ).all()
    return any(date(year + 1, month, day) < today for year in earlier)


def case_flags(session: Session, case: Case) -> list[Reason]:
    """Warnings for the people deciding, not guards: those the case's workflow names
    (``WorkflowDefinition.warnings``), over the facts they read."""
    definition = get_definition(case.workflow)
    if not definition.warnings:
        return []
    previous = (_previous_year_reference(session, case, definition)
                if "previous_year_grant" in definition.warnings else None)
    return warnings_for(definition, History(case.fiscal_year, previous))


def _previous_year_reference(
    session: Session, case: Case, definition: WorkflowDefinition
) -> str | None:
    """The reference of the recipient's case of the year before that holds budget, if any."""
    return session.exec(
        select(Case.reference).where(
            Case.workflow == case.workflow,
            Case.applicant_name == case.applicant_name,
            Case.fiscal_year == case.fiscal_year - 1,
            col(Case.state).in_(definition.committed_states()),
        )
    ).first()


def _guarded_here(case: Case, guard: str) -> bool:
    """Can a transition from the case's state ask ``guard``? If not, its fact is not needed."""
    return any(case.state in t.sources and guard in t.guards
               for t in get_definition(case.workflow).transitions)


def build_facts(
    session: Session, case: Case, now: datetime, tz: ZoneInfo, *, lock_budget: bool = False,
    documents: Mapping[str, DocumentStatus] | None = None,
) -> CaseFacts:
    """The facts of ``case`` for its guards. Facts from outside the case (the budget, the
    recipient's earlier grants) cost queries over many rows: they are looked up only when a
    transition from the current state has a guard that reads them. ``documents``: the best
    statuses, when the caller has already read the case's documents."""
    assert case.id is not None
    return CaseFacts(
        workflow=case.workflow,
        state=case.state,
        registered_by=case.registered_by,
        reviewed_by=case.reviewed_by,
        approved_by=case.approved_by,
        amount=case.amount,
        recommended_amount=case.recommended_amount,
        approved_amount=case.approved_amount,
        paid_amount=case.paid_amount,
        tier=case.tier,
        documents=dict(documents) if documents is not None
        else document_statuses(session, case.id),
        budget_remaining=budget_remaining(
            session, case.workflow, case.fiscal_year, lock=lock_budget
        ) if _guarded_here(case, "is_within_budget") else None,
        recipient_has_overdue_report=has_overdue_report(
            session, case, now.astimezone(tz).date()
        ) if _guarded_here(case, "has_no_overdue_report") else False,
    )
