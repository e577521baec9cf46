"""Two Berkas processes with their schedulers on one PostgreSQL: each of 500 due reminders is
emailed exactly once, and killing one instance mid-delivery resends at most its leased batch.
``berkas serve --workers 2`` runs one scheduler, in a process of its own: each once too."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlmodel import select

from app import bootstrap
from cases.models import User
from cases.services.cases import NewCase, create_case
from cases.services.parties import NewParty, create_party
from cases.services.users import to_actor
from infra.config import Settings
from notifications.outbox import OutboxPolicy
from tests.api.helpers import COMPANY, MEDIA_APPLICANT
from tests.conftest import POSTGRES_URL, SECRET, FakeClock
from tests.notifications.conftest import Mailbox, at
from tests.servers import ROOT, ServerProcess, free_port

REMINDERS = 500
BATCH = OutboxPolicy().batch


class SlowMailbox(Mailbox):
    """A receiver that takes a little time per message, so a kill lands mid-delivery."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("several instances run on PostgreSQL: set BERKAS_TEST_POSTGRES_URL")
    server = request.getfixturevalue("postgres_template")
    name = f"berkas_inst_{os.getpid()}"
    yield server.create(name, template=f"berkas_tpl_{os.getpid()}")
    server.drop(name)


def due_reminders(url: str) -> None:
    """500 cases submitted on Tuesday 10 February 2026, due Thursday 19; only fajar reviews."""
    settings = Settings(env="test", database_url=url, secret_key=SECRET, scheduler=False)
    clock = FakeClock(at(date(2026, 2, 10)))
    runtime = bootstrap(settings, clock)
    with runtime.sessions() as session:
        rina = to_actor(session.exec(select(User).where(User.username == "rina")).one())
        ctx = runtime.ctx(session, rina)
        company = create_party(ctx, NewParty(**COMPANY)).id
        for n in range(REMINDERS):
            create_case(ctx, NewCase("media_verification", f"Kerja sama {n}", 2026, 10_000_000,
                                     MEDIA_APPLICANT, {}, party_id=company))
    with runtime.engine.begin() as conn:
        conn.execute(text("UPDATE users SET is_active = false WHERE username = 'rina'"))
    runtime.engine.dispose()


def instance(url: str, smtp_port: int, log: Path, workers: int = 1) -> ServerProcess:
    env = {"BERKAS_DATABASE_URL": url, "BERKAS_SECRET_KEY": SECRET, "BERKAS_ENV": "test",
           "BERKAS_LOG_LEVEL": "WARNING", "BERKAS_SWEEP_SECONDS": "1",
           # The day before the deadline (due_soon), in both processes, whatever today is.
           "BERKAS_CLOCK_START": "2026-02-18T09:00:00+08:00",
           "BERKAS_SMTP_HOST": "127.0.0.1", "BERKAS_SMTP_PORT": str(smtp_port),
           "BERKAS_MAIL_FROM": "berkas@balangankab.go.id", "BERKAS_MAIL_LEASE_SECONDS": "5"}
    return ServerProcess(env, free_port(), log, ("--workers", str(workers)))


def pending(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        left = conn.execute(text(
            "SELECT count(*) FROM outbox_emails WHERE status <> 'sent'")).scalar_one()
    engine.dispose()
    return int(left)


def wait_until(condition: Any, seconds: float) -> bool:
    """Check ``condition`` every 50 ms for up to ``seconds`` (a condition, not a nap)."""
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        pause.wait(0.05)
    return bool(condition())


@pytest.mark.parametrize("kill_one", [False, True], ids=["both-live", "one-killed"])
def test_each_due_reminder_is_emailed_exactly_once_by_two_instances(
    pg_url: str, tmp_path: Path, kill_one: bool
) -> None:
    due_reminders(pg_url)
    mailbox = SlowMailbox() if kill_one else Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    first = instance(pg_url, smtp_port, tmp_path / "a.log")
    second = instance(pg_url, smtp_port, tmp_path / "b.log")
    try:
        first.start()
        second.start()
        if kill_one:
            assert wait_until(lambda: len(mailbox.received) >= 100, 120)
            first.kill()
        assert wait_until(lambda: len(mailbox.received) >= REMINDERS and not pending(pg_url),
                          180), (len(mailbox.received), pending(pg_url))
    finally:
        first.stop()
        second.stop()
        controller.stop()
    ids = Counter(mailbox.message_ids())
    assert len(ids) == REMINDERS  # every reminder arrived
    resent = sum(n - 1 for n in ids.values())
    assert resent == 0 if not kill_one else resent <= BATCH  # only the killed one's batch
    assert all(rcpt == ["fajar@example.test"] for rcpt, _ in mailbox.received)


def test_serve_with_two_workers_schedules_once_and_emails_each_due_reminder_once(
    pg_url: str, tmp_path: Path
) -> None:
    due_reminders(pg_url)
    mailbox = Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = instance(pg_url, smtp_port, tmp_path / "w.log", workers=2)
    server.env["BERKAS_LOG_LEVEL"] = "INFO"  # each serving process logs its start
    try:
        server.start()
        assert wait_until(lambda: len(mailbox.received) >= REMINDERS and not pending(pg_url),
                          180), (len(mailbox.received), pending(pg_url))
        assert httpx.get(f"{server.url}/healthz", timeout=5).json() == {"status": "ok"}
    finally:
        server.stop()
        controller.stop()
    ids = Counter(mailbox.message_ids())
    assert len(ids) == REMINDERS
    assert sum(n - 1 for n in ids.values()) == 0
    starts = [line for line in server.log.read_text().splitlines() if "berkas.start" in line]
    assert len(starts) == 2  # two serving processes, and the scheduler in neither
    assert all('"scheduler": false' in line for line in starts)


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--workers", "2"], cwd=ROOT, capture_output=True,
        text=True, timeout=60, check=False,
        env={**os.environ, "BERKAS_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
             "BERKAS_SECRET_KEY": SECRET, "BERKAS_ENV": "test"})
    assert result.returncode == 2
    assert "hanya untuk PostgreSQL" in result.stderr
