"""Sending one email over SMTP. What may fail here is retried by the outbox, never raised
into a transition."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from cases.config import Settings
from notifications.models import OutboxEmail

# A send that failed with one of these is retried with backoff; anything else is a bug or a
# crash, and the claim's lease brings the message back.
MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


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
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(self.compose(email))

    def compose(self, email: OutboxEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = email.to_address
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message["Date"] = format_datetime(email.created_at)
        message.set_content(email.text_body)
        message.add_alternative(email.html_body, subtype="html")
        return message
