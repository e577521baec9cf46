"""The audit log's whole-log checks (in the background, one at a time) and the system chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel

from cases import system_audit
from cases.errors import NotFound
from cases.http.deps import CtxDep, RuntimeDep
from cases.http.params import Id
from cases.http.tasks import run_in_background
from cases.models import AuditVerifyRun
from cases.permissions import require
from cases.services import audit_checks

router = APIRouter(tags=["audit"])


class AuditProblemOut(BaseModel):
    code: str
    message: str
    case_id: int | None
    reference: str | None
    seq: int | None
    entry_id: int | None


class AuditCheckOut(BaseModel):
    """A whole-log check: ``running`` with its progress, then ``ok``, ``broken`` (with every
    broken chain named, up to 100) or ``failed``."""

    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    done: int
    total: int
    ok: bool | None
    entries: int | None
    cases: int | None
    system_entries: int | None
    problem_count: int | None
    problems: list[AuditProblemOut]


class SystemEntryOut(BaseModel):
    seq: int
    at: datetime
    actor_name: str
    action: str
    target: str
    payload: dict[str, Any]


def check_out(run: AuditVerifyRun) -> AuditCheckOut:
    assert run.id is not None
    result = run.result or {}
    return AuditCheckOut(
        id=run.id, status=run.status, started_at=run.started_at, finished_at=run.finished_at,
        done=run.done, total=run.total, ok=result.get("ok"), entries=result.get("entries"),
        cases=result.get("cases"), system_entries=result.get("system_entries"),
        problem_count=result.get("problem_count"),
        problems=[AuditProblemOut(**p) for p in result.get("problems", [])],
    )


@router.post("/audit/checks", status_code=202)
def start_check(ctx: CtxDep, runtime: RuntimeDep, tasks: BackgroundTasks) -> AuditCheckOut:
    """Start a whole-log check (admins); 409 ``audit_check_running`` while one runs."""
    run = audit_checks.start_check(ctx)
    run_in_background(tasks, runtime, run)
    return check_out(run)


@router.get("/audit/checks/latest")
def latest_check(ctx: CtxDep) -> AuditCheckOut:
    run = audit_checks.latest_check(ctx)
    if run is None:
        raise NotFound("Belum ada pemeriksaan jejak audit", "audit_check_not_found")
    return check_out(run)


@router.get("/audit/checks/{run_id}")
def get_check(ctx: CtxDep, run_id: Id) -> AuditCheckOut:
    return check_out(audit_checks.get_check(ctx, run_id))


@router.get("/audit/system")
def system_entries(
    ctx: CtxDep, before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> list[SystemEntryOut]:
    """The system chain, newest first, 100 at a time (``before``: an older page)."""
    require(ctx.actor, "read_system_audit")
    return [SystemEntryOut(seq=e.seq, at=e.at, actor_name=e.actor_name, action=e.action,
                           target=e.target, payload=e.payload)
            for e in system_audit.latest(ctx.session, 100, before)]
