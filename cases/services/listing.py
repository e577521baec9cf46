"""Lists of cases: filters, sort orders and opaque page cursors, by keyset (no OFFSET)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cases.errors import BadInput
from cases.limits import MAX_INT32, whole_number
from cases.models import Case, Deadline
from cases.services.cases import workflow_definition

MAX_PAGE = 200


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


# A due time in a cursor is microseconds since the epoch, in whole numbers: exact both ways,
# and bounded by what a datetime holds, so a forged cursor cannot overflow (issue 11).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MAX_MICROS = (datetime(9999, 12, 31, tzinfo=UTC) - EPOCH) // MICROSECOND


def encode_cursor(*parts: int) -> str:
    """An opaque page cursor: the keyset of the last row (``id``, or ``due``, ``id``)."""
    raw = "c:" + ":".join(str(p) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *highs: int) -> tuple[int, ...]:
    """The numbers of a cursor, each in ``0..high`` (default: one row id), or BadInput:
    a cursor is opaque, but a person can still edit the URL."""
    highs = highs or (MAX_INT32,)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raw = ""
    prefix, *texts = raw.split(":")
    numbers = [whole_number(t, 0, high) for t, high in zip(texts, highs, strict=False)]
    if prefix != "c" or len(texts) != len(highs) or None in numbers:
        raise BadInput("Kursor halaman tidak valid", "invalid_cursor")
    return tuple(n for n in numbers if n is not None)


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
        micros, last_id = decode_cursor(query.cursor, MAX_MICROS, MAX_INT32)
        after = EPOCH + micros * MICROSECOND
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
    return cases, encode_cursor((last_due - EPOCH) // MICROSECOND, last_case.id)


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
