"""Registering, finding, assigning and commenting on cases."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from cases import audit
from cases.db import dialect_insert, table_of, write_transaction
from cases.errors import BadInput, Conflict, NotFound
from cases.events import CaseRegistered, publish
from cases.models import Case, CaseCounter, Comment, Deadline, User
from cases.permissions import require
from cases.services import counts
from cases.services.context import Ctx
from cases.services.deadlines import open_deadline
from workflows import (
    InvalidInput,
    Reason,
    Role,
    UnknownWorkflow,
    WorkflowDefinition,
    get_definition,
    parse_fields,
)

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class NewCase:
    workflow: str
    title: str
    fiscal_year: int
    amount: int
    applicant: Mapping[str, object]
    data: Mapping[str, object]
    submitted_at: datetime | None = None


def json_ready(values: Mapping[str, object]) -> dict[str, Any]:
    """Field values as JSON can hold them (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def workflow_definition(workflow: str) -> WorkflowDefinition:
    try:
        return get_definition(workflow)
    except UnknownWorkflow as exc:
        raise BadInput(exc.message, "unknown_workflow") from None


def _parse_new_case(definition: WorkflowDefinition, new: NewCase) -> tuple[dict[str, Any], ...]:
    reasons: list[Reason] = []
    parsed: list[dict[str, Any]] = []
    for specs, raw, where in (
        (definition.applicant_fields, new.applicant, "applicant"),
        (definition.data_fields, new.data, "data"),
    ):
        try:
            parsed.append(json_ready(parse_fields(specs, raw, where=where, enforce_required=True)))
        except InvalidInput as exc:
            reasons += exc.reasons
    if reasons:
        raise BadInput("Isian berkas tidak lengkap atau tidak valid", "invalid_input", reasons)
    return tuple(parsed)


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Hand out the next ``PREFIX-YEAR-NNNN`` atomically (row lock on the counter)."""
    session.execute(
        dialect_insert(session, CaseCounter)
        .values(prefix=prefix, fiscal_year=year, last=0)
        .on_conflict_do_nothing()
    )
    number = session.execute(
        update(CaseCounter)
        .where(col(CaseCounter.prefix) == prefix, col(CaseCounter.fiscal_year) == year)
        .values(last=col(CaseCounter.last) + 1)
        .returning(col(CaseCounter.last))
    ).scalar_one()
    return f"{prefix}-{year}-{number:04d}"


def create_case(ctx: Ctx, new: NewCase) -> Case:
    """Register a case in ``submitted``; back-dated entry is for kabid and admin only."""
    require(ctx.actor, "backdate_case" if new.submitted_at else "register_case")
    definition = workflow_definition(new.workflow)
    applicant, data = _parse_new_case(definition, new)
    at = (new.submitted_at or ctx.now).astimezone(UTC)
    if at > ctx.now:
        raise BadInput("Tanggal pengajuan tidak boleh di masa depan", "submitted_in_future")
    with write_transaction(ctx.session) as session:
        case = Case(
            reference=next_reference(session, definition.reference_prefix, new.fiscal_year),
            workflow=definition.name,
            state=definition.initial,
            fiscal_year=new.fiscal_year,
            title=new.title.strip(),
            applicant=applicant,
            applicant_name=str(applicant.get(definition.applicant_name_field, "")),
            data=data,
            amount=new.amount,
            registered_by=ctx.actor.user_id,
            created_at=at,
            updated_at=ctx.now,
        )
        session.add(case)
        session.flush()
        audit.append(
            session, case, actor=ctx.actor, action="case_created", at=ctx.now,
            to_state=case.state,
            payload={"reference": case.reference, "title": case.title, "amount": case.amount,
                     "applicant": applicant, "submitted_at": at.isoformat()},
        )
        # Counted from the real submission date, so a back-dated case may already be late.
        deadline = open_deadline(session, case, at, ctx.calendar)
        publish(session, CaseRegistered(case, ctx.actor, ctx.now, deadline))
        counts.moved(session, case.workflow, None, case.state)
    return case


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Berkas {case_id} tidak ditemukan", "case_not_found")
    return case


# Built once, as they run on every transition (see ``make bench``).
_CASES = table_of(Case)
_LOCK = (select(Case).where(col(Case.id) == bindparam("case_id")).with_for_update()
         .execution_options(populate_existing=True))


def lock_case(session: Session, case_id: int) -> Case:
    """Load a case for change, holding its row lock until commit (PostgreSQL; SQLite locks
    the whole database for the writer)."""
    case = session.exec(_LOCK, params={"case_id": case_id}).first()
    if case is None:
        raise NotFound(f"Berkas {case_id} tidak ditemukan", "case_not_found")
    return case


def write_case(session: Session, case: Case, values: Mapping[str, object]) -> None:
    """Write ``values`` to the case's row with one UPDATE, and onto the loaded ``case`` as its
    committed state. The unit of work then has nothing left to diff and flush for it at
    commit, which was the dearest step of a transition (``make bench``)."""
    session.connection().execute(
        update(_CASES).where(_CASES.c.id == bindparam("b_id")).values(dict(values)),
        {"b_id": case.id})
    for name, value in values.items():
        set_committed_value(case, name, value)


def touch(case: Case, now: datetime) -> None:
    """Record a change to a case: new version, so a form opened before it is stale."""
    case.version += 1
    case.updated_at = now


@dataclass(frozen=True, slots=True)
class CaseQuery:
    workflow: str | None = None
    state: str | None = None
    q: str | None = None
    fiscal_year: int | None = None
    limit: int = 50
    cursor: str | None = None
    overdue: bool | None = None  # as of ``now``: the case's open deadline has passed
    now: datetime | None = None
    sort: Literal["new", "due"] = "new"


def encode_cursor(*parts: int) -> str:
    """An opaque page cursor: the keyset of the last row (``id``, or ``due``, ``id``)."""
    raw = "c:" + ":".join(str(p) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int = 1) -> tuple[int, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, *numbers = raw.split(":")
        if prefix != "c" or len(numbers) != size or not all(n.isdigit() for n in numbers):
            raise ValueError(raw)
        return tuple(int(n) for n in numbers)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadInput("Kursor halaman tidak valid", "invalid_cursor") from None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def list_cases(session: Session, query: CaseQuery) -> tuple[list[Case], str | None]:
    """Newest first, or soonest deadline first (``sort="due"``: cases with an open deadline
    only), by keyset (no OFFSET): a page costs the same however deep."""
    if query.workflow is not None:
        workflow_definition(query.workflow)
    stmt = _filtered(select(Case), query)
    if query.sort == "due":
        return _by_due(session, stmt, query)
    stmt = stmt.order_by(col(Case.id).desc()).limit(query.limit + 1)
    if query.cursor:
        stmt = stmt.where(col(Case.id) < decode_cursor(query.cursor)[0])
    rows = list(session.exec(stmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, encode_cursor(rows[-1].id) if more and rows[-1].id else None


def _by_due(session: Session, stmt: Any, query: CaseQuery) -> tuple[list[Case], str | None]:
    # Ordered by the deadline's own (due_at, case_id): the index delivers that order, where
    # cases.id would make the database sort every open deadline first.
    due, case_id = col(Deadline.due_at), col(Deadline.case_id)
    stmt = stmt.join(Deadline, (case_id == col(Case.id)) & col(Deadline.closed_at).is_(None))
    if query.cursor:
        micros, last_id = decode_cursor(query.cursor, 2)
        after = datetime.fromtimestamp(micros / 1_000_000, UTC)
        stmt = stmt.where(or_(due > after, (due == after) & (case_id > last_id)))
    # Two columns per row (the case and its due time): ``execute``, not SQLModel's scalars.
    rows = [(row[0], row[1]) for row in session.execute(
        stmt.add_columns(due).order_by(due, case_id).limit(query.limit + 1)
    )]
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cases = [case for case, _ in rows]
    if not (more and rows):
        return cases, None
    last_case, last_due = rows[-1]
    assert last_case.id is not None
    return cases, encode_cursor(int(last_due.timestamp() * 1_000_000), last_case.id)


def _filtered(stmt: Any, query: CaseQuery) -> Any:
    if query.workflow:
        stmt = stmt.where(Case.workflow == query.workflow)
    if query.state:
        stmt = stmt.where(Case.state == query.state)
    if query.fiscal_year is not None:
        stmt = stmt.where(Case.fiscal_year == query.fiscal_year)
    if query.q:
        pattern = _like(query.q.strip())
        stmt = stmt.where(or_(*(
            col(column).ilike(pattern, escape="\\")
            for column in (Case.reference, Case.title, Case.applicant_name)
        )))
    if query.overdue is not None:
        # The late cases, read off the open-deadlines index (few, however many cases there
        # are); an alias, since sorting by due date joins the deadlines in the outer query.
        open_deadline = aliased(Deadline)
        late = select(open_deadline.case_id).where(
            col(open_deadline.closed_at).is_(None),
            col(open_deadline.due_at) <= (query.now or datetime.now(UTC)),
        )
        stmt = stmt.where(col(Case.id).in_(late) if query.overdue else col(Case.id).not_in(late))
    return stmt


def assign_case(ctx: Ctx, case_id: int, username: str) -> Case:
    """Name the officer responsible; they get the case's reminders (see notifications)."""
    require(ctx.actor, "assign_case")
    with write_transaction(ctx.session) as session:
        case = lock_case(session, case_id)
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or not user.is_active:
            raise BadInput(f"Pengguna {username} tidak ditemukan", "unknown_user")
        if not {Role.OFFICER, Role.KABID} & set(user.roles):
            raise BadInput(f"{username} bukan petugas atau kabid", "not_an_officer")
        case.assignee_id = user.id
        touch(case, ctx.now)
        audit.append(session, case, actor=ctx.actor, action="assigned", at=ctx.now,
                     payload={"assignee": username})
    return case


def add_comment(ctx: Ctx, case_id: int, body: str) -> Comment:
    require(ctx.actor, "comment")
    text = body.strip()
    if not text:
        raise BadInput("Komentar kosong", "empty_comment")
    with write_transaction(ctx.session) as session:
        case = lock_case(session, case_id)
        comment = Comment(case_id=case_id, author_id=ctx.actor.user_id, body=text,
                          created_at=ctx.now)
        session.add(comment)
        audit.append(session, case, actor=ctx.actor, action="comment_added", at=ctx.now,
                     comment=text)
    return comment


def ensure_open(case: Case) -> None:
    if get_definition(case.workflow).state(case.state).terminal:
        raise Conflict(f"Berkas {case.reference} sudah selesai", "case_closed")
