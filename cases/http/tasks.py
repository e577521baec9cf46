"""Work that follows a response: started by a route or a page, run after the answer is sent."""

from __future__ import annotations

from fastapi import BackgroundTasks

from cases.models import AuditVerifyRun
from cases.services import audit_checks
from infra.runtime import Runtime


def run_in_background(tasks: BackgroundTasks, runtime: Runtime, run: AuditVerifyRun) -> None:
    """Run the check after the response has gone out (the pages call this too)."""
    assert run.id is not None
    tasks.add_task(audit_checks.run_check, runtime.sessions, runtime.settings.audit_seal_key,
                   run.id, runtime.clock)
