"""Tables of the notifications package: reminders, the in-app inbox, the email outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from infra.types import UTCDateTime


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _fk(target: str, nullable: bool = True) -> Any:
    return Field(default=None, sa_column_args=[ForeignKey(target)], sa_type=Integer,
                 nullable=nullable)


class Reminder(SQLModel, table=True):
    """A reminder decided by the sweep. The unique key makes a second one for the same
    deadline, kind and day impossible, whatever runs the sweep and how often."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("deadline_id", "kind", "day", name="uq_reminder_once"),)

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadlines.id")
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(sa_type=String(16))
    day: date
    recipients: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = _when()


class Notification(SQLModel, table=True):
    """One message in one user's in-app inbox. ``key`` names its cause (one per user)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(120), unique=True)
    user_id: int = Field(foreign_key="users.id")
    case_id: int | None = _fk("cases.id")
    kind: str = Field(sa_type=String(16))
    title: str = Field(sa_type=String(300))
    body: str = Field(sa_type=String(4000))
    created_at: datetime = _when()
    read_at: datetime | None = _when(nullable=True)


class OutboxEmail(SQLModel, table=True):
    """An email to send, written in the transaction that decided it.

    A sender claims a batch by setting ``lease_until``; a claim whose lease ran out (its
    sender died) is claimed again, so a crash costs at most one resend, never a loss.
    """

    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(sa_type=String(200), unique=True)
    notification_id: int | None = _fk("notifications.id")
    to_address: str = Field(sa_type=String(254))
    subject: str = Field(sa_type=String(300))
    text_body: str = Field(sa_type=Text)
    html_body: str = Field(sa_type=Text)
    status: str = Field(default="pending", sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = _when()
    lease_until: datetime | None = _when(nullable=True)
    last_error: str = Field(default="", sa_type=String(500))
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
