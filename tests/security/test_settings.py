"""Settings refuse weak secrets, and say what is wrong without ever printing a secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from app import cli
from infra.config import Settings

SHORT_SECRET = "Pendek-9f8e"
SMTP_PASSWORD = "SmtpRahasia-7c6b5a4"


def test_a_configuration_error_never_prints_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BERKAS_ENV", "production")
    monkeypatch.setenv("BERKAS_SECRET_KEY", SHORT_SECRET)
    monkeypatch.setenv("BERKAS_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("BERKAS_SMTP_PORT", "not-a-port")
    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 2
    assert "BERKAS_SMTP_PORT" in result.output
    assert SHORT_SECRET not in result.output
    assert SMTP_PASSWORD not in result.output


def test_the_test_environment_also_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(env="test", secret_key=SHORT_SECRET)


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(env="development", trusted_proxies=["10.0.0.0/8", "127.0.0.1"]
                    ).proxy_networks[1].num_addresses == 1
    with pytest.raises(ValidationError, match="not an address"):
        Settings(env="development", trusted_proxies=["proxy.example"])


def test_a_short_audit_key_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="BERKAS_AUDIT_KEY must be at least 32"):
        Settings(env="production", secret_key="x" * 40, audit_key="a")
    assert Settings(env="production", secret_key="x" * 40, audit_key="k" * 32).audit_seal_key
