"""The read model (cosmicpython ``views.py``): a case, and a page of cases, as the API and the
pages show them (issue 12, "One read model").

:func:`case_view` and :func:`case_rows` read what a response or a page needs and return
frozen views; the API's presenters map their fields onto the response schemas, the page
templates read them, and neither runs a query of its own. A case costs three statements (the
case with its open deadline, its party and the names of its people; its documents; its
payments with who recorded them), plus what its
guards and warnings read (``cases.services.facts`` reads the budget or the recipient's other
cases only when the case's state has a transition that asks). A page of cases costs one
statement beyond the page itself (the cases' open deadlines and assignees).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cases.models import Case, Deadline, Document, Party, Payment, User
from cases.repository import case_not_found
from cases.services.deadlines import DeadlineView
from cases.services.deadlines import view as deadline_view
from cases.services.documents import list_documents
from cases.services.facts import best_statuses, case_flags
from cases.services.transitions import available_transitions
from cases.services.users import Names
from infra.context import Ctx
from workflows import DocumentStatus, FieldSpec, Reason, get_definition


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case as a list shows it: its own columns, its state's label, who it is assigned to,
    and its open deadline as of now (None once no one owes it anything)."""

    id: int
    reference: str
    workflow: str
    state: str
    state_label: str
    title: str
    applicant_name: str
    fiscal_year: int
    amount: int
    version: int
    assignee: Names | None
    created_at: datetime
    updated_at: datetime
    deadline: DeadlineView | None


@dataclass(frozen=True, slots=True)
class TransitionView:
    """A transition of the case's workflow for the person asking: may they fire it now, and
    why not. ``applies``: the case's state is one it leaves from (else it is listed apart)."""

    trigger: str
    label: str
    allowed: bool
    reasons: tuple[Reason, ...]
    applies: bool


@dataclass(frozen=True, slots=True)
class CaseView(CaseRow):
    """A whole case: the row, everything recorded on it, the people who acted, the warnings
    for whoever decides, its documents (with the best status of each kind, as its guards
    read them) and its transitions as the person asking may fire them."""

    applicant: dict[str, Any]
    data: dict[str, Any]
    recommended_amount: int | None
    approved_amount: int | None
    paid_amount: int | None
    spent_amount: int | None
    refunded_amount: int | None
    refund_date: date | None
    tier: str | None
    nphd_number: str | None
    nphd_date: date | None
    party: Party | None
    payments: tuple[PaymentView, ...]
    registered_by: Names | None
    reviewed_by: Names | None
    approved_by: Names | None
    terminal: bool
    flags: tuple[Reason, ...]
    documents: tuple[Document, ...]
    best: Mapping[str, DocumentStatus]
    transitions: tuple[TransitionView, ...]

    def value(self, spec: FieldSpec) -> Any:
        """What the case holds for the field ``spec`` (see :func:`field_value`)."""
        return field_value(self, spec)


def field_value(case: Case | CaseView, spec: FieldSpec) -> Any:
    """What ``case`` holds for the field ``spec``: its own column of that name when the
    definition keeps it in one (``FieldSpec.column``), else its data; None if neither."""
    return getattr(case, spec.name, None) if spec.column else case.data.get(spec.name)


# The people a case names, by the column that holds each, each read through its own alias.
_PEOPLE = {column: aliased(User, name=f"u_{column}")
           for column in ("registered_by", "reviewed_by", "approved_by", "assignee_id")}
_OPEN = and_(col(Deadline.case_id) == col(Case.id), col(Deadline.closed_at).is_(None))


def _with_people(stmt: Any, columns: Sequence[str]) -> Any:
    for column in columns:
        user = _PEOPLE[column]
        stmt = stmt.add_columns(user.username, user.full_name).outerjoin(
            user, user.id == getattr(Case, column))
    return stmt


# Built once: every case response and case page runs them.
_CASE = (_with_people(select(Case, Deadline, Party).outerjoin(Deadline, _OPEN)
                     .outerjoin(Party, col(Party.id) == col(Case.party_id)), list(_PEOPLE))
         .where(col(Case.id) == bindparam("case_id"))
         .execution_options(populate_existing=True))
@dataclass(frozen=True, slots=True)
class PaymentView:
    """A payment of the case, with who recorded it."""

    payment: Payment
    recorded_by: Names | None


_PAYER = aliased(User, name="u_payer")
_PAYMENTS = (select(Payment, _PAYER.username, _PAYER.full_name)
             .outerjoin(_PAYER, col(_PAYER.id) == col(Payment.recorded_by))
             .where(col(Payment.case_id) == bindparam("case_id"))
             .order_by(col(Payment.seq)))


def list_payments(session: Session, case_id: int) -> list[PaymentView]:
    """The case's payments (termins, or a grant's disbursement) in order."""
    return [PaymentView(row[0], Names(row[1], row[2]) if row[1] is not None else None)
            for row in session.execute(_PAYMENTS, {"case_id": case_id})]


_ROWS = (_with_people(select(col(Case.id), Deadline).outerjoin(Deadline, _OPEN),
                      ["assignee_id"])
         .where(col(Case.id).in_(bindparam("ids", expanding=True))))


def _names(row: Row[Any], start: int, count: int) -> list[Names | None]:
    """``count`` people from ``row``'s (username, full name) pairs from column ``start``."""
    pairs = [(row[i], row[i + 1]) for i in range(start, start + 2 * count, 2)]
    return [Names(username, full_name) if username is not None else None
            for username, full_name in pairs]


def _deadline(ctx: Ctx, deadline: Deadline | None) -> DeadlineView | None:
    return deadline_view(deadline, ctx.now, ctx.calendar) if deadline is not None else None


def _row(ctx: Ctx, case: Case, deadline: Deadline | None, assignee: Names | None
         ) -> dict[str, Any]:
    """The fields of a :class:`CaseRow`, as keywords (a :class:`CaseView` starts with them)."""
    assert case.id is not None
    return {
        "id": case.id, "reference": case.reference, "workflow": case.workflow,
        "state": case.state, "state_label": get_definition(case.workflow).state(case.state).label,
        "title": case.title, "applicant_name": case.applicant_name,
        "fiscal_year": case.fiscal_year, "amount": case.amount, "version": case.version,
        "assignee": assignee, "created_at": case.created_at, "updated_at": case.updated_at,
        "deadline": _deadline(ctx, deadline),
    }


def case_rows(ctx: Ctx, cases: Sequence[Case]) -> list[CaseRow]:
    """``cases`` (a page of a list, in its order) as rows: one statement reads their open
    deadlines and assignees."""
    ids = [c.id for c in cases if c.id is not None]
    extras = {row[0]: row for row in ctx.session.execute(_ROWS, {"ids": ids})} if ids else {}
    rows = []
    for case in cases:
        extra = extras.get(case.id)
        deadline, assignee = (extra[1], _names(extra, 2, 1)[0]) if extra else (None, None)
        rows.append(CaseRow(**_row(ctx, case, deadline, assignee)))
    return rows


def case_view(ctx: Ctx, case_id: int) -> CaseView:
    """The case ``case_id`` as ``ctx.actor`` may see and act on it now, or NotFound."""
    found = ctx.session.execute(_CASE, {"case_id": case_id}).first()
    if found is None:
        raise case_not_found(case_id)
    case, deadline, party = found[0], found[1], found[2]
    registered_by, reviewed_by, approved_by, assignee = _names(found, 3, len(_PEOPLE))
    documents = tuple(list_documents(ctx.session, case_id))
    best = best_statuses((d.kind, d.status) for d in documents)
    return CaseView(
        **_row(ctx, case, deadline, assignee), **_recorded(case),
        party=party,
        payments=tuple(list_payments(ctx.session, case_id)),
        registered_by=registered_by, reviewed_by=reviewed_by, approved_by=approved_by,
        terminal=get_definition(case.workflow).state(case.state).terminal,
        flags=tuple(case_flags(ctx.session, case)), documents=documents, best=best,
        transitions=transition_views(ctx, case, best),
    )


def _recorded(case: Case) -> dict[str, Any]:
    """What was recorded on the case: at registration and by its transitions."""
    return {
        "applicant": case.applicant, "data": case.data,
        "recommended_amount": case.recommended_amount, "approved_amount": case.approved_amount,
        "paid_amount": case.paid_amount, "spent_amount": case.spent_amount,
        "refunded_amount": case.refunded_amount, "refund_date": case.refund_date,
        "tier": case.tier,
        "nphd_number": case.nphd_number, "nphd_date": case.nphd_date,
    }


def transition_views(ctx: Ctx, case: Case,
                     documents: Mapping[str, DocumentStatus] | None = None
                     ) -> tuple[TransitionView, ...]:
    """Every transition of the case's workflow for the caller, labelled, with why it is
    blocked (``documents``: the best statuses, when already read)."""
    evaluations = available_transitions(ctx, case, documents)
    definition = get_definition(case.workflow)
    views = []
    for evaluation in evaluations:
        spec = definition.transition(evaluation.trigger)
        views.append(TransitionView(
            trigger=evaluation.trigger, label=spec.label if spec else evaluation.trigger,
            allowed=evaluation.allowed, reasons=evaluation.reasons,
            applies=spec is not None and case.state in spec.sources,
        ))
    return tuple(views)
