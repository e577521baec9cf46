"""What waits for whom: a person's tasks, and the Kadis's sign-off queue (approve or reject
several cases, each on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from cases.limits import checked_text
from cases.models import AuditEntry, Case, Deadline, User
from cases.services.deadlines import ASSIGNABLE_ROLES
from cases.services.listing import MAX_PAGE
from cases.services.transitions import fire_transition
from infra.context import Ctx
from workflows import DEFINITIONS, Actor, BerkasError, Reason, get_definition


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


def signoff_states() -> dict[str, tuple[str, ...]]:
    """The states, per workflow, whose cases wait for the Kadis's decision
    (``StateSpec.signoff``)."""
    return {d.name: codes for d in DEFINITIONS.values()
            if (codes := tuple(s.code.value for s in d.states if s.signoff))}


def signoff_queue(session: Session, limit: int = MAX_PAGE) -> list[SignoffItem]:
    """Cases waiting for the Kadis, oldest deadline first, with the reviewer's note."""
    waiting = signoff_states()
    if not waiting:
        return []
    # Every such case has an open deadline (the Kadis's): walk those in due order.
    cases = list(session.exec(
        select(Case)
        .join(Deadline, (col(Deadline.case_id) == col(Case.id))
              & col(Deadline.closed_at).is_(None))
        .where(or_(*(and_(col(Case.workflow) == name, col(Case.state).in_(codes))
                     for name, codes in waiting.items())),
               col(Deadline.state) == col(Case.state))
        .order_by(col(Deadline.due_at), col(Deadline.case_id))
        .limit(limit)
    ))
    notes = _review_notes(session, [c.id for c in cases if c.id is not None])
    reviewers = {u.id: u.full_name or u.username for u in session.exec(
        select(User).where(col(User.id).in_({c.reviewed_by for c in cases if c.reviewed_by})))}
    return [SignoffItem(c, reviewers.get(c.reviewed_by, "—"), notes.get((c.id or 0, c.state), ""))
            for c in cases]


def _review_notes(session: Session, case_ids: Sequence[int]) -> dict[tuple[int, str], str]:
    """The comment of the latest transition into each state of each case: the note of the
    review that brought the case to the Kadis is the one keyed by its current state."""
    if not case_ids:
        return {}
    rows = session.exec(
        select(AuditEntry.case_id, AuditEntry.to_state, AuditEntry.comment)
        .where(col(AuditEntry.case_id).in_(case_ids), AuditEntry.action == "transition",
               col(AuditEntry.to_state).in_(sorted(set().union(*signoff_states().values()))))
        .order_by(col(AuditEntry.seq))
    )
    return {(case_id, to_state or ""): comment for case_id, to_state, comment in rows}


@dataclass(frozen=True, slots=True)
class SignoffResult:
    case_id: int
    reference: str
    ok: bool
    message: str
    reasons: tuple[Reason, ...] = ()


def sign_off(ctx: Ctx, items: Sequence[tuple[int, int]], trigger: str, comment: str
             ) -> list[SignoffResult]:
    """Approve or reject several cases, each on its own: one refusal stops no other. A
    comment too long for the audit trail is refused before any case is touched."""
    comment = checked_text("comment", "transition_comment", comment)
    results = []
    for case_id, version in items:
        try:
            case = fire_transition(ctx, case_id, trigger, version=version, comment=comment)
        except BerkasError as exc:
            reference = _reference(ctx, case_id)
            results.append(SignoffResult(case_id, reference, False, exc.message,
                                         tuple(exc.reasons)))
            continue
        label = get_definition(case.workflow).state(case.state).label
        results.append(SignoffResult(case_id, case.reference, True, label))
    return results


def _reference(ctx: Ctx, case_id: int) -> str:
    """The reference of a refused case, as the database holds it now (or its id, if none)."""
    ctx.fresh()
    reference = ctx.session.exec(select(Case.reference).where(Case.id == case_id)).first()
    return reference or str(case_id)

