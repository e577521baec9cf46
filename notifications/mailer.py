"""Sending one email over SMTP. What may fail here is recorded by the outbox on that message,
never raised into a transition, and never in the way of the other messages.

Exceptions, as the outbox reads them::

    Undeliverable         this message will never go out as it is: failed at once
    MAIL_ERRORS           the server or the network failed: retried with backoff
    any other Exception   a bug, seen on one message: retried with backoff, then failed
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from infra.config import Settings
from notifications.models import OutboxEmail
from notifications.templates import one_line

MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


class Undeliverable(Exception):
    """A message that cannot go out as it stands, so retrying is pointless: it cannot be
    composed (the email library refuses a header holding a line break, the guard against
    header injection), or the server refused every recipient for good (a 5xx reply)."""


class Sender(Protocol):
    def send(self, email: OutboxEmail) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpSender:
    host: str
    port: int
    mail_from: str
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        return cls(settings.smtp_host, settings.smtp_port, settings.mail_from,
                   settings.smtp_user, settings.smtp_password.get_secret_value(),
                   settings.smtp_starttls, settings.smtp_timeout)

    def send(self, email: OutboxEmail) -> None:
        """Compose, then send over one connection; raises :class:`Undeliverable` when the
        message can never go out, and SMTP or socket errors when it may later."""
        message = self.compose(email)  # before connecting: a bad message costs no connection
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                if _refused_for_good(exc):
                    raise Undeliverable(f"penerima ditolak server: {_refusals(exc)}") from exc
                raise

    def compose(self, email: OutboxEmail) -> EmailMessage:
        """The message to send. The subject is folded onto one line, since it carries what
        applicants typed and a line break there would make the email library refuse the
        whole message (issue 11); the recipient is never rewritten, so a broken address is
        :class:`Undeliverable` rather than mail to someone else."""
        try:
            message = EmailMessage()
            message["From"] = self.mail_from
            message["To"] = email.to_address
            message["Subject"] = one_line(email.subject)
            message["Message-ID"] = email.message_id
            message["Date"] = format_datetime(email.created_at)
            message.set_content(email.text_body)
            message.add_alternative(email.html_body, subtype="html")
        except (ValueError, TypeError) as exc:
            raise Undeliverable(f"surel tidak dapat disusun: {type(exc).__name__}: {exc}"
                                ) from exc
        return message


def _refused_for_good(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """Every recipient got a permanent (5xx) reply; a 4xx one may pass later."""
    codes = [code for code, _ in exc.recipients.values()]
    return bool(codes) and all(code >= 500 for code in codes)


def _refusals(exc: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(f"{address} {code} {reply.decode(errors='replace')}"
                     for address, (code, reply) in exc.recipients.items())
