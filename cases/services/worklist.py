"""What waits for whom: a person's tasks, and the Kadis's sign-off queue (approve or reject
several cases, each on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from cases.errors import ServiceError
from cases.models import AuditEntry, Case, Deadline, User
from cases.services.cases import MAX_PAGE
from cases.services.context import Ctx
from cases.services.deadlines import ASSIGNABLE_ROLES
from cases.services.transitions import fire_transition
from workflows import Actor, CaseState, Reason, WorkflowError, get_definition


def my_tasks(session: Session, actor: Actor, limit: int = MAX_PAGE) -> list[tuple[Case, Deadline]]:
    """Open deadlines ``actor`` must act on, soonest (so overdue) first. A case assigned to
    someone else is theirs, not every officer's."""
    roles = sorted(actor.roles)
    mine = or_(
        col(Case.assignee_id).is_(None),
        col(Case.assignee_id) == actor.user_id,
        col(Deadline.role).not_in(sorted(ASSIGNABLE_ROLES)),
    )
    rows = session.exec(
        select(Case, Deadline)
        .join(Deadline, col(Deadline.case_id) == col(Case.id))
        .where(col(Deadline.closed_at).is_(None), col(Deadline.role).in_(roles), mine)
        .order_by(col(Deadline.due_at), col(Deadline.case_id))
        .limit(limit)
    )
    return [(case, deadline) for case, deadline in rows]


@dataclass(frozen=True, slots=True)
class SignoffItem:
    case: Case
    reviewer: str
    review_note: str


def signoff_queue(session: Session, limit: int = MAX_PAGE) -> list[SignoffItem]:
    """Reviewed cases waiting for the Kadis, oldest deadline first, with the reviewer's note."""
    # Every reviewed case has an open deadline (the Kadis's): walk those in due order.
    cases = list(session.exec(
        select(Case)
        .join(Deadline, (col(Deadline.case_id) == col(Case.id))
              & col(Deadline.closed_at).is_(None))
        .where(Case.state == CaseState.REVIEWED, Deadline.state == CaseState.REVIEWED)
        .order_by(col(Deadline.due_at), col(Deadline.case_id))
        .limit(limit)
    ))
    notes = _review_notes(session, [c.id for c in cases if c.id is not None])
    reviewers = {u.id: u.full_name or u.username for u in session.exec(
        select(User).where(col(User.id).in_({c.reviewed_by for c in cases if c.reviewed_by})))}
    return [SignoffItem(c, reviewers.get(c.reviewed_by, "—"), notes.get(c.id or 0, ""))
            for c in cases]


def _review_notes(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    rows = session.exec(
        select(AuditEntry.case_id, AuditEntry.comment)
        .where(col(AuditEntry.case_id).in_(case_ids), AuditEntry.action == "transition",
               AuditEntry.to_state == CaseState.REVIEWED)
        .order_by(col(AuditEntry.seq))
    )
    return dict(rows.all())  # the latest review of each case wins


@dataclass(frozen=True, slots=True)
class SignoffResult:
    case_id: int
    reference: str
    ok: bool
    message: str
    reasons: tuple[Reason, ...] = ()


def sign_off(ctx: Ctx, items: Sequence[tuple[int, int]], trigger: str, comment: str
             ) -> list[SignoffResult]:
    """Approve or reject several cases, each on its own: one refusal stops no other."""
    results = []
    for case_id, version in items:
        try:
            case = fire_transition(ctx, case_id, trigger, version=version, comment=comment)
        except (ServiceError, WorkflowError) as exc:
            reference = _reference(ctx.session, case_id)
            results.append(SignoffResult(case_id, reference, False, exc.message,
                                         tuple(exc.reasons)))
            continue
        label = get_definition(case.workflow).state(case.state).label
        results.append(SignoffResult(case_id, case.reference, True, label))
    return results


def _reference(session: Session, case_id: int) -> str:
    session.rollback()
    return session.exec(select(Case.reference).where(Case.id == case_id)).first() or str(case_id)

