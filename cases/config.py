"""Settings, read once from the environment (prefix ``BERKAS_``) and passed in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development"})
DEV_SECRET = "development-only-secret-key-not-for-production"  # noqa: S105 - used only in development


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
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "INFO"
    # Start the clock at this moment (with a time zone) instead of now; it then runs normally.
    clock_start: datetime | None = None
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
        elif len(self.secret_key) < 16 and self.env == "production":
            raise ValueError("BERKAS_SECRET_KEY must be at least 16 characters")
        return self

    @model_validator(mode="after")
    def _clock_start_is_aware(self) -> Self:
        if self.clock_start is not None and self.clock_start.tzinfo is None:
            raise ValueError("BERKAS_CLOCK_START needs a time zone, e.g. 2026-02-18T09:00+08:00")
        return self

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def public_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"
