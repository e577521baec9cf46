"""The in-process scheduler (APScheduler 3): an interval sweep and the morning digest.

Jobs are registered when the app (or ``berkas worker``) starts, never at import. They keep no
state of their own; the database does, so a restart loses nothing and a job that fires twice
sends nothing twice. Both run in APScheduler's thread pool: they block on the database and SMTP.
"""

from __future__ import annotations

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from infra.runtime import Runtime
from notifications.runner import run_digest, run_reminders

log = structlog.get_logger(__name__)

SWEEP_JOB, DIGEST_JOB = "reminder-sweep", "daily-digest"


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    """A scheduler with both jobs; the caller starts and shuts it down."""
    settings = runtime.settings
    scheduler = AsyncIOScheduler(timezone=runtime.tz)
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    scheduler.add_job(lambda: _sweep(runtime), IntervalTrigger(seconds=settings.sweep_seconds),
                      id=SWEEP_JOB, **common)
    scheduler.add_job(
        lambda: _digest(runtime),
        # Weekdays here; the job itself skips holidays and cuti bersama.
        CronTrigger(day_of_week="mon-fri", hour=settings.digest_hour,
                    minute=settings.digest_minute, timezone=runtime.tz),
        id=DIGEST_JOB, **common,
    )
    return scheduler


def _sweep(runtime: Runtime) -> None:
    try:
        report = run_reminders(runtime)
    except Exception:  # a failed run is retried by the next one; keep the scheduler alive
        log.exception("reminders.job_failed", job=SWEEP_JOB)
        return
    if report.sweep.reminders or report.delivery.sent:
        log.info("reminders.job", reminders=len(report.sweep.reminders),
                 emails=len(report.delivery.sent))


def _digest(runtime: Runtime) -> None:
    try:
        run_digest(runtime)
    except Exception:
        log.exception("reminders.job_failed", job=DIGEST_JOB)
