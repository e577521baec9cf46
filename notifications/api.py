"""JSON routes of the inbox, and the admins' view of the email outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from cases.http.deps import CtxDep
from cases.http.params import ERROR_RESPONSES, Id
from cases.permissions import require
from notifications import inbox as inbox_service
from notifications.models import Notification
from notifications.outbox import list_outbox

router = APIRouter(prefix="/api", tags=["notifications"], responses=ERROR_RESPONSES)


class NotificationOut(BaseModel):
    id: int
    kind: str
    case_id: int | None
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(BaseModel):
    items: list[NotificationOut]
    unread: int


class EmailOut(BaseModel):
    id: int
    message_id: str
    to_address: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def _out(row: Notification) -> NotificationOut:
    assert row.id is not None
    return NotificationOut(id=row.id, kind=row.kind, case_id=row.case_id, title=row.title,
                           body=row.body, created_at=row.created_at, read_at=row.read_at)


@router.get("/notifications")
def list_notifications(
    ctx: CtxDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    page = inbox_service.inbox(ctx.session, ctx.actor.user_id, limit=limit, unread_only=unread)
    return InboxOut(items=[_out(n) for n in page.items], unread=page.unread)


@router.post("/notifications/read-all")
def read_all(ctx: CtxDep) -> dict[str, int]:
    return {"marked": inbox_service.mark_all_read(ctx)}


@router.post("/notifications/{notification_id}/read")
def read_one(ctx: CtxDep, notification_id: Id) -> NotificationOut:
    return _out(inbox_service.mark_read(ctx, notification_id))


@router.get("/admin/emails")
def emails(
    ctx: CtxDep,
    status: Annotated[str | None, Query(pattern="^(pending|sent|failed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[EmailOut]:
    require(ctx.actor, "manage_users")
    return [
        EmailOut(id=e.id or 0, message_id=e.message_id, to_address=e.to_address,
                 subject=e.subject, status=e.status, attempts=e.attempts,
                 next_attempt_at=e.next_attempt_at, last_error=e.last_error,
                 created_at=e.created_at, sent_at=e.sent_at)
        for e in list_outbox(ctx.session, status, limit)
    ]
