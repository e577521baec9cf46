"""The in-app inbox, and the one place a notification is written (with its email, if any)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from cases.errors import NotFound
from infra.config import Settings
from infra.context import Ctx
from infra.db import dialect_insert, table_of
from infra.unit_of_work import UnitOfWork
from notifications.models import Notification, OutboxEmail
from notifications.recipients import Person
from notifications.templates import Message


@dataclass(frozen=True, slots=True)
class Channels:
    """Where notifications go besides the inbox, and how links and Message-IDs are made."""

    email: bool
    base_url: str
    mail_domain: str = "berkas.local"

    @classmethod
    def from_settings(cls, settings: Settings) -> Channels:
        domain = settings.mail_from.rpartition("@")[2] or "berkas.local"
        return cls(settings.mail_enabled, settings.public_url, domain)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to write with :func:`notify_many`."""

    user: Person
    key: str
    kind: str
    case_id: int | None
    message: Message


def notify(session: Session, channels: Channels, user: Person, *, key: str, kind: str,
           case_id: int | None, message: Message, now: datetime) -> bool:
    """Put ``message`` in ``user``'s inbox (and the email outbox) unless ``key`` was used.

    ``key`` names the cause and the user; the unique index makes a repeat a no-op.
    """
    return notify_many(session, channels, [Notice(user, key, kind, case_id, message)], now) > 0


def notify_many(session: Session, channels: Channels, notices: list[Notice], now: datetime
                ) -> int:
    """Write notices to the inbox, and to the email outbox when email is on, in one insert
    each; keys already used are skipped. Returns how many were new. An email's Message-ID
    comes from its notice's key, so a resend carries the same id and a receiver can drop
    the duplicate."""
    if not notices:
        return 0
    rows = [{"key": n.key, "user_id": n.user.id, "case_id": n.case_id, "kind": n.kind,
             "title": n.message.title[:300], "body": n.message.text[:4000], "created_at": now}
            for n in notices]
    statement = dialect_insert(session, table_of(Notification)).on_conflict_do_nothing(
    ).returning(col(Notification.key), col(Notification.id))
    created: dict[str, int] = dict(session.connection().execute(statement, rows).all())
    if channels.email:
        emails = [_email(channels, n, created[n.key], now) for n in notices
                  if n.key in created and n.user.email]
        if emails:
            session.connection().execute(insert(table_of(OutboxEmail)), emails)
    return len(created)


def _email(channels: Channels, notice: Notice, notification_id: int, now: datetime
           ) -> dict[str, object]:
    return {"message_id": f"<berkas.{notice.key}@{channels.mail_domain}>",
            "notification_id": notification_id, "to_address": notice.user.email,
            "subject": f"[Berkas] {notice.message.title}"[:300],
            "text_body": notice.message.text, "html_body": notice.message.html,
            "status": "pending", "attempts": 0, "next_attempt_at": now, "last_error": "",
            "created_at": now}


@dataclass(frozen=True, slots=True)
class InboxPage:
    items: list[Notification]
    unread: int


def inbox(session: Session, user_id: int, *, limit: int = 50, unread_only: bool = False
          ) -> InboxPage:
    """A user's newest notifications and how many are unread."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    items = list(session.exec(query.order_by(col(Notification.id).desc()).limit(limit)))
    return InboxPage(items, unread_count(session, user_id))


def unread_count(session: Session, user_id: int) -> int:
    return int(session.exec(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, col(Notification.read_at).is_(None))
    ).one())


def mark_read(ctx: Ctx, notification_id: int) -> Notification:
    """Mark one of the caller's own notifications read; someone else's is "not found"."""
    with UnitOfWork(ctx.session, ctx.handlers) as uow:
        row = uow.session.get(Notification, notification_id)
        if row is None or row.user_id != ctx.actor.user_id:
            raise NotFound(f"Notifikasi {notification_id} tidak ditemukan",
                           "notification_not_found")
        if row.read_at is None:
            row.read_at = ctx.now
    return row


def mark_all_read(ctx: Ctx) -> int:
    with UnitOfWork(ctx.session, ctx.handlers) as uow:
        result = uow.session.execute(
            update(Notification)
            .where(col(Notification.user_id) == ctx.actor.user_id,
                   col(Notification.read_at).is_(None))
            .values(read_at=ctx.now)
        )
    return int(getattr(result, "rowcount", 0) or 0)
