"""Settings, read once from the environment (prefix ``BERKAS_``) and passed in."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date, datetime
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.letters import number_problem

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development"})
DEV_SECRET = "development-only-secret-key-not-for-production"  # noqa: S105 - used only in development


def derive_audit_key(secret_key: str) -> bytes:
    """The audit key of a deployment that sets no ``BERKAS_AUDIT_KEY`` of its own."""
    return hmac.new(secret_key.encode(), b"berkas-audit-seal-v1", hashlib.sha256).digest()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BERKAS_", extra="ignore")

    env: Literal["development", "test", "production"] = "production"
    database_url: str = "sqlite:///./berkas.db"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    timezone: str = "Asia/Makassar"
    base_url: str = ""
    token_minutes: int = Field(default=8 * 60, ge=1)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    # Any body that is not a multipart upload (JSON, a page form) is refused past this size.
    max_json_bytes: int = Field(default=1024 * 1024, ge=1024)
    # The key that seals every audit chain's head (HMAC-SHA256). Empty: derived from the
    # secret key. It is never stored in the database; see README, "Jejak audit".
    audit_key: SecretStr = SecretStr("")
    # Reverse proxies (addresses or networks, JSON list) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; nobody else's are.
    trusted_proxies: list[str] = Field(default_factory=list)
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "INFO"
    # Start the clock at this moment (with a time zone) instead of now; it then runs normally.
    clock_start: datetime | None = None
    # Overrides of workflow parameters, as JSON: workflow → parameter → key → value. The
    # Perbup's SSH ceilings per media category, and a category for the Dewan Pers status
    # "none" where the Perbup allows it, e.g.
    # {"media_verification": {"category_ceilings": {"A": 75000000},
    #                         "category_by_status": {"none": "C"}}}.
    # Checked at start-up against the registered workflows (``infra.runtime``).
    workflow_parameters: dict[str, dict[str, dict[str, int | str]]] = Field(
        default_factory=dict)
    # Local non-working days beyond the national holidays, as a JSON list of dates.
    extra_closed_days: list[date] = Field(default_factory=list)
    # Reminders: the in-process scheduler, how often it sweeps, and when the digest goes out.
    scheduler: bool = True
    sweep_seconds: int = Field(default=60, ge=1)
    digest_hour: int = Field(default=7, ge=0, le=23)
    digest_minute: int = Field(default=30, ge=0, le=59)
    # Email; an empty host turns the email channel off (the in-app inbox always works).
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout: float = Field(default=10.0, gt=0)
    mail_from: str = "berkas@localhost"
    mail_max_attempts: int = Field(default=5, ge=1)
    mail_lease_seconds: int = Field(default=300, ge=1)
    # Documents Berkas issues (issue 15): the kop surat (tata naskah dinas, Permendagri
    # 1/2023), the logo beside it (a PNG or JPEG file; empty: none), the place the documents
    # are dated at, the issuing unit their verification page names, and the pattern of their
    # numbers: ``{code}`` is the kind's archive classification code, ``{seq}`` its sequence
    # in the year (``{seq:03d}`` pads it), ``{year}`` the year.
    letterhead_government: str = "PEMERINTAH KABUPATEN BALANGAN"
    letterhead_department: str = "DINAS KOMUNIKASI DAN INFORMATIKA"
    letterhead_address: str = ("Jl. Jenderal Ahmad Yani, Paringin, Kabupaten Balangan, "
                               "Kalimantan Selatan")
    letterhead_contact: str = ""
    letterhead_logo: str = ""
    letter_place: str = "Paringin"
    letter_unit: str = "Dinas Komunikasi dan Informatika Kabupaten Balangan"
    letter_number_pattern: str = "{code}/{seq}/Diskominfo/{year}"

    @model_validator(mode="after")
    def _secret_key_is_real(self) -> Self:
        """Refuse a missing or placeholder secret outside development: tokens would be forgeable."""
        if self.secret_key.strip().lower() in PLACEHOLDER_SECRETS or self.secret_key == DEV_SECRET:
            if self.env != "development":
                raise ValueError(
                    "BERKAS_SECRET_KEY is missing or a placeholder; set a long random value "
                    "(or BERKAS_ENV=development for local use)"
                )
            self.secret_key = DEV_SECRET
        elif len(self.secret_key) < 16 and self.env != "development":
            raise ValueError("BERKAS_SECRET_KEY must be at least 16 characters")
        return self

    @model_validator(mode="after")
    def _audit_key_is_long(self) -> Self:
        """A short audit key could be found from the seals a database administrator can read."""
        own = self.audit_key.get_secret_value()
        if own and len(own) < 32 and self.env != "development":
            raise ValueError("BERKAS_AUDIT_KEY must be at least 32 characters")
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ip_network(item.strip(), strict=False)
            except ValueError:
                raise ValueError(f"BERKAS_TRUSTED_PROXIES: {item!r} is not an address or network"
                                 ) from None
        return [item.strip() for item in value]

    @field_validator("letter_number_pattern")
    @classmethod
    def _number_pattern_numbers(cls, value: str) -> str:
        """A pattern without ``{code}`` and ``{seq}`` would give two documents one number."""
        problem = number_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("letterhead_logo")
    @classmethod
    def _logo_is_a_file(cls, value: str) -> str:
        """A logo that is not there would refuse every document; say so at start-up."""
        if value and not Path(value).is_file():
            raise ValueError(f"{value} is not a file (a PNG or JPEG logo for the kop surat)")
        return value

    @model_validator(mode="after")
    def _clock_start_is_aware(self) -> Self:
        if self.clock_start is not None and self.clock_start.tzinfo is None:
            raise ValueError("BERKAS_CLOCK_START needs a time zone, e.g. 2026-02-18T09:00+08:00")
        return self

    @property
    def audit_seal_key(self) -> bytes:
        """The HMAC key of the audit seals: ``audit_key``, else one derived from the secret key
        (so that rotating the token secret alone also needs ``berkas audit rekey``)."""
        own = self.audit_key.get_secret_value()
        return own.encode() if own else derive_audit_key(self.secret_key)

    @property
    def proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(item, strict=False) for item in self.trusted_proxies]

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def public_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"


def describe_errors(exc: ValidationError) -> str:
    """What is wrong with the settings, one line a field, never the values given: a secret
    (a password, the secret key) must not reach a terminal or a log."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        field = ".".join(str(part) for part in error["loc"])
        name = f"BERKAS_{field.upper()}" if field else "pengaturan"
        lines.append(f"  {name}: {error['msg']}")
    return "\n".join(lines)


def old_audit_key(environ: Mapping[str, str]) -> bytes | None:
    """The audit key before a rotation, for ``berkas audit rekey``: given itself, or as the
    old secret key it was derived from."""
    if environ.get("BERKAS_AUDIT_OLD_KEY"):
        return environ["BERKAS_AUDIT_OLD_KEY"].encode()
    if environ.get("BERKAS_AUDIT_OLD_SECRET_KEY"):
        return derive_audit_key(environ["BERKAS_AUDIT_OLD_SECRET_KEY"])
    return None
