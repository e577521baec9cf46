"""Whole-log audit checks: the admin and the auditor only, in the background with progress,
one at a time."""

from __future__ import annotations

from cases.services import audit_checks
from cases.services.users import active_actor
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import STAFF, FakeClock


def start_without_running(runtime: Runtime) -> int:
    """A check recorded as running, as a check in another process would be."""
    with runtime.sessions() as session:
        admin_id = session.connection().exec_driver_sql(
            "SELECT id FROM users WHERE username = 'admin'").scalar_one()
        today = runtime.calendar.local_date(runtime.clock())
        run = audit_checks.start_check(runtime.ctx(session, active_actor(session, admin_id, today)))
    assert run.id is not None
    return run.id


def test_a_check_reports_progress_and_its_result(api: Api) -> None:
    for _ in range(3):
        api.create_media()
    report = api.audit_check()
    assert (report["status"], report["ok"], report["entries"], report["cases"]) == (
        "ok", True, 3, 3)
    assert report["done"] == report["total"] == 3
    assert report["finished_at"] is not None
    assert api.get("admin", "/api/audit/checks/latest").json()["id"] == report["id"]


def test_a_second_check_is_refused_while_one_runs(api: Api, runtime: Runtime) -> None:
    running = start_without_running(runtime)
    response = api.post("admin", "/api/audit/checks")
    assert (response.status_code, response.json()["detail"]["code"]) == (
        409, "audit_check_running")
    assert api.get("admin", "/api/audit/checks/latest").json()["id"] == running


def test_a_check_whose_process_died_no_longer_blocks_the_next(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    dead = start_without_running(runtime)
    clock.advance(minutes=6)
    report = api.audit_check()
    assert report["status"] == "ok"
    assert api.get("admin", f"/api/audit/checks/{dead}").json()["status"] == "abandoned"


def test_only_the_admin_or_the_auditor_may_check_the_whole_log_or_read_the_system_chain(
    api: Api,
) -> None:
    for who in ("rina", "siti", "ahmad", "dewi", "fina"):
        for response in (api.post(who, "/api/audit/checks"),
                         api.get(who, "/api/audit/system")):
            assert (response.status_code, response.json()["detail"]["code"]) == (
                403, "role_not_permitted"), who
    # The auditor (Inspektorat, BPK) reads the system chain and runs the check, which only reads.
    assert api.get("audra", "/api/audit/system").status_code == 200
    assert api.audit_check("audra")["ok"] is True


def test_starting_a_check_is_itself_in_the_system_chain(api: Api) -> None:
    api.audit_check()
    newest = api.get("admin", "/api/audit/system").json()[0]
    assert (newest["action"], newest["actor_name"]) == ("audit_check_started", "Admin")


def test_a_pagu_change_is_in_the_system_chain_and_the_chain_verifies(api: Api) -> None:
    api.set_budget("grant", 500_000_000)
    newest = api.get("admin", "/api/audit/system").json()[0]
    assert (newest["action"], newest["target"], newest["payload"]) == (
        "budget_set", "grant/2026", {"amount": 500_000_000, "dpa_number": "DPA/2026/2.16.01",
                                     "dpa_date": "2026-01-02", "note": ""})
    report = api.audit_check()
    # The staff of every test database were created first, each one an entry of its own.
    assert (report["ok"], report["system_entries"]) == (True, len(STAFF) + 2)


def test_an_account_made_without_a_login_is_in_the_system_chain_as_made_by_the_system(
    api: Api,
) -> None:
    oldest = api.get("admin", "/api/audit/system").json()[-1]
    assert (oldest["seq"], oldest["action"], oldest["actor_name"], oldest["target"]) == (
        1, "user_created", "sistem", STAFF[0][0])
