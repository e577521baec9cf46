"""The scheduler starts and stops with the app, and its sweep job does the work."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from fastapi.testclient import TestClient

from app import create_app
from infra.config import Settings
from notifications.scheduler import DIGEST_JOB, SWEEP_JOB
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.notifications.conftest import at


def test_the_scheduler_runs_with_the_app_and_its_sweep_sends_reminders(
    settings: Settings, clock: FakeClock
) -> None:
    # A long interval: the test fires the sweep itself rather than waiting for it.
    settings = settings.model_copy(update={"scheduler": True, "sweep_seconds": 3600})
    clock.now = at(date(2026, 2, 10))
    app = create_app(settings, clock)
    with TestClient(app) as client:
        scheduler = app.state.scheduler
        assert scheduler.running
        sweep, digest = scheduler.get_job(SWEEP_JOB), scheduler.get_job(DIGEST_JOB)
        assert (sweep.coalesce, sweep.max_instances, sweep.misfire_grace_time) == (True, 1, None)
        assert sweep.trigger.interval.total_seconds() == 3600
        assert str(digest.trigger) == (
            "cron[day_of_week='mon-fri', hour='7', minute='30']"
        )

        api = Api(client)
        case_id = api.create_media("rina")["id"]
        clock.now = at(date(2026, 2, 18))
        ran = threading.Event()
        outcome: list[JobExecutionEvent] = []

        def listener(event: JobExecutionEvent) -> None:
            if event.job_id == SWEEP_JOB:
                outcome.append(event)
                ran.set()

        scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.modify_job(SWEEP_JOB, next_run_time=datetime.now(UTC))
        assert ran.wait(timeout=30)
        assert outcome[0].exception is None
        trail = api.get("siti", f"/api/cases/{case_id}/audit").json()
        assert [e["payload"]["kind"] for e in trail if e["action"] == "reminder_sent"] == [
            "due_soon"
        ]
    assert not scheduler.running
