"""A real SMTP server (aiosmtpd on a free loopback port) and a clock set in WITA."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from infra.config import Settings
from tests.servers import free_port

WITA = ZoneInfo("Asia/Makassar")
MAIL_FROM = "berkas@balangankab.go.id"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` WITA, as the UTC instant the clock holds."""
    return datetime.combine(day, time(hour, minute), WITA).astimezone(UTC)


def _parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


@dataclass
class Mailbox:
    """What the SMTP server received: one entry per delivery, with its envelope.
    ``refusals`` maps a recipient to the reply that refuses it (e.g. ``550 ...``)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refusals: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any,  # noqa: N802
                          address: str, options: list[str]) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), _parse(envelope.content)))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, m in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, mailbox)
    finally:
        controller.stop()


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    from tests.conftest import SECRET

    return Settings(env="test", database_url=db_url, secret_key=SECRET, scheduler=False,
                    smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from=MAIL_FROM)
