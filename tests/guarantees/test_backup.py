"""A backup restores to exactly what it held, with every audit chain intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from app import cli
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import SECRET


def count(runtime: Runtime, table: str) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_backup_then_restore_brings_back_the_cases_and_the_audit_verifies(
    api: Api, runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = api.create_media("rina")["id"]
    api.fire("fajar", first, "return_for_revision", comment="NIB belum sesuai")
    monkeypatch.setenv("BERKAS_DATABASE_URL",
                       runtime.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BERKAS_SECRET_KEY", SECRET)
    runner = CliRunner()
    saved = runner.invoke(cli, ["backup", str(tmp_path / "berkas.backup")])
    assert saved.exit_code == 0, saved.output
    cases, entries = count(runtime, "cases"), count(runtime, "audit_entries")

    api.create_media("rina")  # a change after the backup, which the restore must undo
    assert count(runtime, "cases") == cases + 1
    refused = runner.invoke(cli, ["restore", str(tmp_path / "berkas.backup")])
    assert refused.exit_code == 2  # not without --yes
    runtime.engine.dispose()
    api.client.app.state.runtime.engine.dispose()  # type: ignore[attr-defined]
    restored = runner.invoke(cli, ["restore", "--yes", str(tmp_path / "berkas.backup")])
    assert restored.exit_code == 0, restored.output
    assert f"Jejak audit utuh: {entries} entri, {cases} berkas," in restored.output
    assert count(runtime, "cases") == cases
    assert api.case("rina", first)["state"] == "returned"
