"""Whole-log audit checks started from the API or the pages: one at a time, in the
background, with their progress and result kept in ``audit_verify_runs``.

A check reads every chain, which takes minutes on a big log: a request must not wait for it,
and two at once would only halve each other's speed. Starting one is refused (409) while
another is running, on any instance; a run whose heartbeat stopped (its process died) no
longer blocks a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import update
from sqlmodel import Session, col, select

from cases import system_audit
from cases.audit import ChainBroken
from cases.audit_verify import VerifyResult, verify
from cases.errors import Conflict, NotFound
from cases.models import AuditVerifyRun
from cases.permissions import require
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from infra.db import table_of
from infra.unit_of_work import UnitOfWork, fresh

log = structlog.get_logger(__name__)
STALE = timedelta(minutes=5)
_RUNS = table_of(AuditVerifyRun)


def start_check(ctx: Ctx) -> AuditVerifyRun:
    """Record a new check as running (admins only); the caller then runs :func:`run_check`."""
    require(ctx.actor, "verify_audit")
    with unit_of_work(ctx) as uow:
        # The system chain's head is locked first: two starts on two instances queue here.
        # A forged head is not extended (nor sealed anew); the check still runs, and names it.
        with suppress(ChainBroken):
            system_audit.record(uow.session, actor=ctx.actor, action="audit_check_started",
                                at=ctx.now)
        running = uow.session.exec(select(AuditVerifyRun).where(
            col(AuditVerifyRun.status) == "running")).all()
        for run in running:
            if run.heartbeat_at > ctx.now - STALE:
                raise Conflict(f"Pemeriksaan jejak audit #{run.id} sedang berjalan",
                               "audit_check_running")
            run.status, run.finished_at = "abandoned", ctx.now
        run = AuditVerifyRun(started_by=ctx.actor.user_id, started_at=ctx.now,
                             heartbeat_at=ctx.now)
        uow.session.add(run)
    return run


def run_check(sessions: Callable[[], Session], key: bytes, run_id: int,
              clock: Callable[[], datetime]) -> VerifyResult | None:
    """Verify the whole log in one read transaction, writing progress to the run's row from
    a second session; the run ends ``ok``, ``broken`` or ``failed``."""
    with sessions() as reader, sessions() as writer:
        def progress(done: int, total: int) -> None:
            _write(writer, run_id, done=done, total=total, heartbeat_at=clock())

        try:
            result = verify(reader, key, progress=progress)
        except Exception as exc:
            log.exception("audit.check_failed", run_id=run_id)
            _write(writer, run_id, status="failed", finished_at=clock(),
                   result={"error": type(exc).__name__})
            return None
        fresh(reader)  # end the long read before writing the result
        _write(writer, run_id, status="ok" if result.ok else "broken", finished_at=clock(),
               heartbeat_at=clock(), result=summary(result))
    log.info("audit.check_done", run_id=run_id, ok=result.ok, entries=result.entries,
             problems=result.problem_count)
    return result


def summary(result: VerifyResult) -> dict[str, Any]:
    return {"ok": result.ok, "entries": result.entries, "cases": result.cases,
            "system_entries": result.system_entries,
            "problem_count": result.problem_count,
            "problems": [asdict(p) for p in result.problems]}


def _write(session: Session, run_id: int, **values: Any) -> None:
    with UnitOfWork(session):
        session.connection().execute(update(_RUNS).where(_RUNS.c.id == run_id).values(**values))


def get_check(ctx: Ctx, run_id: int) -> AuditVerifyRun:
    require(ctx.actor, "verify_audit")
    run = ctx.session.get(AuditVerifyRun, run_id)
    if run is None:
        raise NotFound(f"Pemeriksaan #{run_id} tidak ditemukan", "audit_check_not_found")
    return run


def latest_check(ctx: Ctx) -> AuditVerifyRun | None:
    require(ctx.actor, "verify_audit")
    return ctx.session.exec(select(AuditVerifyRun)
                            .order_by(col(AuditVerifyRun.id).desc()).limit(1)).first()
