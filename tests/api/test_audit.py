"""The audit log is append-only and its hash chain reveals any change made behind Berkas's back."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

import cases.services.transitions as transitions_service
from app import cli
from cases import audit_verify
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import AUDIT_KEY, SECRET
from tests.dbtools import drop_audit_guard, execute


def test_database_refuses_update_and_delete_of_audit_rows(api: Api, runtime: Runtime) -> None:
    api.create_media()
    with runtime.engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("UPDATE audit_entries SET comment = 'x'"))
        conn.rollback()
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("DELETE FROM audit_entries"))


def test_tampering_breaks_the_chain_and_verify_names_the_row(
    api: Api, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = api.create_media()["id"]
    second = api.create_media()["id"]
    api.fire("fajar", second, "return_for_revision", comment="NIB salah")
    api.fire("fajar", second, "resubmit", comment="diperbaiki")
    runner = CliRunner()
    monkeypatch.setenv("BERKAS_DATABASE_URL",
                       runtime.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BERKAS_SECRET_KEY", SECRET)
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "4 entri, 2 berkas" in ok.output

    drop_audit_guard(runtime.engine)
    with runtime.engine.connect() as conn:
        row_id = conn.execute(text(
            "SELECT id FROM audit_entries WHERE case_id = :case AND seq = 2"), {"case": second}
        ).scalar_one()
    execute(runtime.engine, "UPDATE audit_entries SET comment = 'NIB benar' WHERE id = :id",
            id=row_id)

    report = api.audit_check()
    assert (report["status"], report["ok"], report["problem_count"]) == ("broken", False, 1)
    problem = report["problems"][0]
    assert (problem["entry_id"], problem["seq"], problem["code"]) == (row_id, 2,
                                                                     "entry_altered")
    assert problem["reference"] == "MV-2026-0002"
    assert first != second
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"entri id={row_id}" in broken.output
    assert "MV-2026-0002" in broken.output


def test_a_removed_entry_is_found_by_its_missing_sequence(api: Api, runtime: Runtime) -> None:
    case_id = api.create_media()["id"]
    api.post("rina", f"/api/cases/{case_id}/comments", json={"body": "satu"})
    api.post("rina", f"/api/cases/{case_id}/comments", json={"body": "dua"})
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :case AND seq = 2",
            case=case_id)
    problem = api.audit_check()["problems"][0]
    assert (problem["code"], problem["seq"]) == ("entry_missing", 3)
    assert "hilang" in problem["message"]


def test_a_failing_audit_write_rolls_the_transition_back(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.create_media()["id"]

    def broken_append(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    lenient = Api(TestClient(api.client.app, raise_server_exceptions=False))
    version = api.case("fajar", case_id)["version"]
    monkeypatch.setattr(transitions_service.audit, "append", broken_append)
    response = lenient.fire("fajar", case_id, "withdraw", comment="mundur", version=version)
    assert response.status_code == 500
    monkeypatch.undo()
    after = api.case("rina", case_id)
    assert (after["state"], after["version"]) == ("submitted", 1)
    assert len(api.get("rina", f"/api/cases/{case_id}/audit").json()) == 1


def test_a_deactivated_users_token_stops_working_at_once(api: Api, runtime: Runtime) -> None:
    assert api.get("fajar", "/api/me").status_code == 200
    with runtime.engine.begin() as conn:
        conn.execute(text("UPDATE users SET is_active = false WHERE username = 'fajar'"))
    response = api.get("fajar", "/api/me")
    assert (response.status_code, response.json()["detail"]["code"]) == (401, "inactive_user")


def test_tokens_expire_by_the_injected_clock(api: Api, clock: object) -> None:
    assert api.get("rina", "/api/me").status_code == 200
    clock.advance(hours=9)  # type: ignore[attr-defined]
    response = api.get("rina", "/api/me")
    assert response.json()["detail"]["code"] == "token_expired"


def test_parallel_verify_agrees_and_finds_the_same_broken_entry(
    api: Api, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [api.create_media()["id"] for _ in range(4)]
    for case_id in ids:
        api.fire("fajar", case_id, "return_for_revision", comment="NIB")
    url = runtime.engine.url.render_as_string(hide_password=False)
    with runtime.sessions() as session:
        assert audit_verify.verify_parallel(url, AUDIT_KEY, 2) == audit_verify.verify(
            session, AUDIT_KEY)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "UPDATE audit_entries SET comment = 'x' WHERE case_id = :c "
            "AND seq = 2", c=ids[2])
    with runtime.sessions() as session:
        single = audit_verify.verify(session, AUDIT_KEY)
    assert not single.ok
    assert audit_verify.verify_parallel(url, AUDIT_KEY, 2) == single
    monkeypatch.setenv("BERKAS_DATABASE_URL", url)
    monkeypatch.setenv("BERKAS_SECRET_KEY", SECRET)
    result = CliRunner().invoke(cli, ["audit", "verify", "--workers", "2"])
    assert result.exit_code == 1
    assert "urutan 2" in result.output
