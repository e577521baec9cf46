"""Builds the domain's :class:`CaseFacts` from rows: the one bridge from tables to guards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_
from sqlalchemy import case as when
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cases.models import Budget, Case, Document, Party, Payment
from infra.db import table_of
from workflows import CaseFacts, DocumentStatus, Reason, WorkflowDefinition, get_definition
from workflows.definition import Parameters
from workflows.facts import DocumentFact
from workflows.warnings import History, warnings_for

_RANK = {DocumentStatus.VALID: 2, DocumentStatus.UNCHECKED: 1, DocumentStatus.INVALID: 0}


_DOCUMENTS = table_of(Document)
_UPLOADS = (select(_DOCUMENTS.c.id, _DOCUMENTS.c.kind, _DOCUMENTS.c.status, _DOCUMENTS.c.value)
            .where(_DOCUMENTS.c.case_id == bindparam("case_id")))  # built once: hot path
_PAYMENTS = table_of(Payment)
_PAID = (select(_PAYMENTS.c.bast_document_id, _PAYMENTS.c.publication_document_id)
         .where(_PAYMENTS.c.case_id == bindparam("case_id")))


def best_statuses(documents: Iterable[tuple[str, str]]) -> dict[str, DocumentStatus]:
    """Best status per kind of (kind, status) pairs: one valid upload of a kind is enough."""
    best: dict[str, DocumentStatus] = {}
    for kind, raw in documents:
        status = DocumentStatus(raw)
        if kind not in best or _RANK[status] > _RANK[best[kind]]:
            best[kind] = status
    return best


def uploads(session: Session, case_id: int) -> dict[int, DocumentFact]:
    """Every document of a case by id, with its kind and check."""
    rows = session.connection().execute(_UPLOADS, {"case_id": case_id})
    return {doc_id: DocumentFact(kind, DocumentStatus(status), value)
            for doc_id, kind, status, value in rows}


def document_statuses(session: Session, case_id: int) -> dict[str, DocumentStatus]:
    """Best status per kind of a case's documents (see :func:`best_statuses`)."""
    return best_statuses((d.kind, d.status) for d in uploads(session, case_id).values())


def paid_documents(session: Session, case_id: int) -> tuple[frozenset[int], int]:
    """The document ids the case's payments used (BAST, proof of publication), and how many
    payments it has."""
    rows = session.connection().execute(_PAID, {"case_id": case_id}).all()
    used = {doc for row in rows for doc in row if doc is not None}
    return frozenset(used), len(rows)


_PAID_DOCS = aliased(Document, name="paid_doc")
_PAID_BYTES = (
    select(col(Document.id))
    .where(col(Document.case_id) == bindparam("case_id"),
           col(Document.sha256).in_(
               select(col(_PAID_DOCS.sha256)).join(Payment, or_(
                   col(Payment.bast_document_id) == col(_PAID_DOCS.id),
                   col(Payment.publication_document_id) == col(_PAID_DOCS.id))))))


def paid_elsewhere(session: Session, case_id: int) -> frozenset[int]:
    """The case's documents whose bytes (sha256) some payment already used, as the same or
    another upload, on this case or another: a BAST uploaded twice pays once."""
    return frozenset(i for i in session.exec(_PAID_BYTES, params={"case_id": case_id}) if i)


def decision_committed(session: Session, case: Case) -> int:
    """What other cases of the party hold approved under the same Keputusan Bupati (by its
    number): one decision's amount is disbursed once, however many cases carry it."""
    number = case.data.get("keputusan_number")
    if case.party_id is None or not number:
        return 0
    rows = session.exec(select(Case.data, Case.approved_amount).where(
        Case.workflow == case.workflow, Case.party_id == case.party_id, Case.id != case.id,
        col(Case.state).in_(get_definition(case.workflow).committed_states()))).all()
    return sum(amount or 0 for data, amount in rows if data.get("keputusan_number") == number)


@dataclass(frozen=True, slots=True)
class Commitment:
    """What the cases of a workflow and year hold against the pagu: ``committed``, the
    approved amounts of cases in a state that commits budget (``StateSpec.commits_budget``);
    ``paid``, the gross paid on them; ``refunded``, what came back by STS."""

    committed: int
    paid: int
    refunded: int

    @property
    def realised(self) -> int:
        return self.paid - self.refunded


def commitment(session: Session, workflow: str, fiscal_year: int) -> Commitment:
    """What the year's cases hold. A refund counts when it went back within the fiscal year
    (or its date was never recorded, as before revision 2): one after 31 December is other
    regional income of the next year, not a return of this year's spending."""
    in_year = or_(col(Case.refund_date).is_(None),
                  col(Case.refund_date) <= date(fiscal_year, 12, 31))
    refunded = when((in_year, Case.refunded_amount), else_=0)
    row = session.exec(
        select(func.coalesce(func.sum(Case.approved_amount), 0),
               func.coalesce(func.sum(Case.paid_amount), 0),
               func.coalesce(func.sum(refunded), 0)).where(
            Case.workflow == workflow,
            Case.fiscal_year == fiscal_year,
            col(Case.state).in_(get_definition(workflow).committed_states()),
        )
    ).one()
    return Commitment(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def committed_amount(session: Session, workflow: str, fiscal_year: int) -> int:
    """What the year's cases hold against the pagu, less what came back by STS (refunds are
    credited back to the pagu's remaining amount: docs/domain.md, Budget)."""
    held = commitment(session, workflow, fiscal_year)
    return held.committed - held.refunded


def budget_remaining(
    session: Session, workflow: str, fiscal_year: int, *, lock: bool = False
) -> int | None:
    """Pagu − committed + refunds; None when no pagu is set.

    ``lock`` takes the budget row's lock so two approvals cannot both spend the last rupiah.
    """
    query = select(Budget).where(Budget.workflow == workflow, Budget.fiscal_year == fiscal_year)
    budget = session.exec(query.with_for_update() if lock else query).first()
    if budget is None:
        return None
    return budget.amount - committed_amount(session, workflow, fiscal_year)


def has_overdue_report(session: Session, case: Case, today: date) -> bool:
    """Does the party hold an earlier case, left in a state that owes its report
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
    if case.party_id is None:
        return False
    earlier = session.exec(
        select(Case.fiscal_year).where(
            Case.workflow == case.workflow,
            Case.party_id == case.party_id,
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
    """The reference of the party's case of the year before that holds budget, if any
    (matched by party, so by NPWP: never by a name typed twice)."""
    if case.party_id is None:
        return None
    return session.exec(
        select(Case.reference).where(
            Case.workflow == case.workflow,
            Case.party_id == case.party_id,
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
    parameters: Mapping[str, Parameters] | None = None, for_form: bool = True,
) -> CaseFacts:
    """The facts of ``case`` for its guards. Facts from outside the case (the budget, the
    party's earlier grants) cost queries over many rows: they are looked up only when a
    transition from the current state has a guard that reads them. ``documents``: the best
    statuses, when the caller has already read the case's documents; ``parameters``: the
    deployment's overrides of workflow parameters, by workflow. ``for_form``: a form will be
    checked; without one (listing what may be done), the facts only a payment's form guards
    read (its documents, earlier payments, the party's PKP status) are not looked up."""
    assert case.id is not None
    paying = for_form and any(case.state in t.sources and t.records_payment
                              for t in get_definition(case.workflow).transitions)
    files = uploads(session, case.id) if paying or documents is None else {}
    used, payments = paid_documents(session, case.id) if paying else (frozenset(), 0)
    same_bytes = paid_elsewhere(session, case.id) if paying else frozenset()
    party = session.get(Party, case.party_id) if paying and case.party_id else None
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
        applicant=dict(case.applicant),
        data=dict(case.data),
        nphd_date=case.nphd_date,
        party_id=case.party_id,
        party_is_pkp=bool(party and party.is_pkp),
        uploads=files,
        paid_documents=used,
        paid_elsewhere=same_bytes,
        payments=payments,
        fiscal_year=case.fiscal_year,
        decision_committed=decision_committed(session, case)
        if _guarded_here(case, "is_approval_within_decision") else 0,
        parameters=(parameters or {}).get(case.workflow, {}),
        documents=dict(documents) if documents is not None
        else best_statuses((d.kind, d.status) for d in files.values()),
        budget_remaining=budget_remaining(
            session, case.workflow, case.fiscal_year, lock=lock_budget
        ) if _guarded_here(case, "is_within_budget") else None,
        recipient_has_overdue_report=has_overdue_report(
            session, case, now.astimezone(tz).date()
        ) if _guarded_here(case, "has_no_overdue_report") else False,
    )
