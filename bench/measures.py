"""Each measure of ``make bench``: a function that returns figures, beside a ceiling measured
in the same run where there is one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import text
from sqlmodel import select

from app import bootstrap
from bench.bare import raw_transition
from bench.generate import NOW, SECRET
from cases import audit_verify
from cases.demo_data import DEMO_PASSWORD
from cases.models import User
from cases.services.listing import CaseQuery, list_cases
from cases.services.transitions import fire_transition
from cases.services.users import to_actor
from infra.config import Settings
from infra.db import WRITE_OPTION, make_engine
from infra.runtime import Runtime
from notifications.inbox import Channels
from notifications.sweep import sweep

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    unit: str
    ceiling: float | None = None  # measured in the same run
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.ceiling, 3) if self.ceiling else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def runtime_for(url: str) -> Runtime:
    return bootstrap(Settings(env="test", database_url=url, secret_key=SECRET,
                              scheduler=False), lambda: NOW)


def timed(calls: int, call: Callable[[], object]) -> list[float]:
    """Milliseconds of each of ``calls`` calls."""
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * q) - 1)], 2)


def submitted_cases(url: str, count: int, offset: int = 0) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = list(conn.execute(text(
            "SELECT id FROM cases WHERE state = 'submitted' ORDER BY id LIMIT :n OFFSET :o"),
            {"n": count, "o": offset}).scalars())
    engine.dispose()
    return [int(i) for i in ids]


# --- 4. case list queries ------------------------------------------------------------------

def list_queries(url: str, calls: int = 40) -> list[Figure]:
    runtime = runtime_for(url)
    figures = []
    with runtime.sessions() as session:
        deep = _deep_cursor(session)
        queries = {
            "list: state+workflow+overdue": CaseQuery(workflow="media_verification",
                                                      state="submitted", overdue=True, now=NOW),
            "list: keyset page deep in the list": CaseQuery(cursor=deep, limit=50),
            "list: by due date": CaseQuery(sort="due", now=NOW),
            "list: search by applicant": CaseQuery(q="Meratus Warta 9", limit=50),
        }
        for name, query in queries.items():
            times = timed(calls, lambda q=query: list_cases(session, q))  # type: ignore[misc]
            figures.append(Figure(f"{name} p95", p(times, 0.95), "ms", target="≤ 50 ms",
                                  met=p(times, 0.95) <= 50))
            figures.append(Figure(f"{name} p50", p(times, 0.50), "ms"))
    runtime.engine.dispose()
    return figures


def _deep_cursor(session: Any) -> str:
    from cases.services.listing import encode_cursor

    lowest = session.execute(text("SELECT min(id) FROM cases")).scalar_one()
    return encode_cursor(int(lowest) + 100)


# --- 5. audit verification -----------------------------------------------------------------

def audit_rate(url: str) -> list[Figure]:
    """One process, and ``berkas audit verify --workers 2`` (one per core here)."""
    runtime = runtime_for(url)
    with runtime.sessions() as session:
        started = time.perf_counter()
        result = audit_verify.verify(session, runtime.settings.audit_seal_key)
        single = time.perf_counter() - started
    runtime.engine.dispose()
    started = time.perf_counter()
    parallel = audit_verify.verify_parallel(url, runtime.settings.audit_seal_key, 2)
    double = time.perf_counter() - started
    assert result.ok, result
    assert parallel == result
    return [Figure(f"audit verify, {workers}", round(result.entries / seconds), "entries/s",
                   target="≥ 100,000/s", met=result.entries / seconds >= 100_000)
            for workers, seconds in (("1 process", single), ("2 processes", double))]


# --- 3. the reminder sweep -----------------------------------------------------------------

def reminder_sweep(url: str) -> list[Figure]:
    runtime = runtime_for(url)
    channels = Channels(email=False, base_url="http://berkas")
    with runtime.sessions() as session:
        due = session.execute(text(
            "SELECT count(*) FROM deadlines WHERE next_check_at <= :now"), {"now": NOW}
        ).scalar_one()
        open_count = session.execute(text(
            "SELECT count(*) FROM deadlines WHERE closed_at IS NULL")).scalar_one()
        started = time.perf_counter()
        report = sweep(session, NOW, runtime.calendar, channels)
        busy = time.perf_counter() - started
        idle = timed(20, lambda: sweep(session, NOW + timedelta(seconds=1), runtime.calendar,
                                       channels))
    runtime.engine.dispose()
    per_100k = busy * 100_000 / max(due, 1)
    return [
        Figure(f"sweep: {due:,} due of {open_count:,} open deadlines", round(busy, 2), "s"),
        Figure("sweep: in-app reminders per second", round(len(report.reminders) / busy), "/s"),
        Figure("sweep: time per 100,000 due (projected)", round(per_100k, 1), "s",
               target="≤ 20 s", met=per_100k <= 20),
        Figure(f"sweep: idle over {open_count:,} open deadlines p50", p(idle, 0.5), "ms",
               target="≤ 20 ms", met=p(idle, 0.5) <= 20),
    ]


# --- 2. service-layer transitions ----------------------------------------------------------

def service_transitions(url: str, count: int = 400) -> list[Figure]:
    runtime = runtime_for(url)
    ids = submitted_cases(url, count * 2)
    with runtime.sessions() as session:
        fajar = to_actor(session.exec(select(User).where(User.username == "fajar")).one())
        started = time.perf_counter()
        for case_id in ids[:count]:
            fire_transition(runtime.ctx(session, fajar), case_id, "return_for_revision",
                            version=1, comment="beban uji")
        service = count / (time.perf_counter() - started)
    engine = make_engine(url)
    started = time.perf_counter()
    for case_id in ids[count:]:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            raw_transition(conn, case_id)
            conn.commit()
    raw = len(ids[count:]) / (time.perf_counter() - started)
    engine.dispose()
    runtime.engine.dispose()
    ratio = service / raw
    return [Figure("service-layer transitions", round(service, 1), "/s", ceiling=round(raw, 1),
                   target="≥ 0.3 × raw SQL", met=ratio >= 0.3)]


# --- 1. HTTP transitions, pages and server memory ------------------------------------------

class Server:
    """A server process (``berkas serve`` or the bare app) for the length of a measure."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own programs
            [*command, "--port", str(self.port)], cwd=ROOT, env={**os.environ, **env},
            stdout=log.open("ab"), stderr=subprocess.STDOUT)
        for _ in range(400):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.2).status_code < 500:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start: {log.read_text()[-1000:]}")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def load(url: str, mode: str, token: str, cases: list[int], count: int) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 - our own load process
        [sys.executable, "-m", "bench.load", "--base", url, "--mode", mode, "--token", token,
         "--cases", ",".join(map(str, cases)), "--count", str(count)],
        cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(f"{mode} load failed: {output.stderr[-1500:]}")
    result: dict[str, Any] = json.loads(output.stdout)
    if result["errors"]:
        raise RuntimeError(f"{mode} load had errors: {result['first_error']}")
    return result


def http_transitions(berkas_url: str, bare_url: str, work: Path, count: int
                     ) -> tuple[list[Figure], dict[str, Any]]:
    env = {"BERKAS_DATABASE_URL": berkas_url, "BERKAS_SECRET_KEY": SECRET, "BERKAS_ENV": "test",
           "BERKAS_SCHEDULER": "false", "BERKAS_LOG_LEVEL": "WARNING"}
    cases = submitted_cases(berkas_url, 16 * 8)
    server = Server([sys.executable, "-m", "app", "serve"], env, work / "berkas.log")
    try:
        token = httpx.post(f"{server.url}/api/auth/token", data={
            "username": "fajar", "password": DEMO_PASSWORD}).json()["access_token"]
        ours = load(server.url, "berkas", token, cases, count)
        pages = page_times(server.url)
        rss = server.peak_rss_mb()
    finally:
        server.stop()
    bare_env = {"BENCH_DATABASE_URL": bare_url}
    bare = Server([sys.executable, "-m", "uvicorn", "--factory", "bench.bare:create_app",
                   "--log-level", "warning"], bare_env, work / "bare.log")
    try:
        ceiling = load(bare.url, "bare", "", cases, count)
    finally:
        bare.stop()
    ratio = ours["throughput"] / ceiling["throughput"]
    figures = [
        Figure("HTTP transitions, 16 clients", ours["throughput"], "req/s",
               ceiling=ceiling["throughput"], target="≥ 0.6 × bare SQL endpoint",
               met=ratio >= 0.6),
        Figure("HTTP transitions p50", ours["p50_ms"], "ms", ceiling=ceiling["p50_ms"]),
        Figure("HTTP transitions p99", ours["p99_ms"], "ms", ceiling=ceiling["p99_ms"],
               target="≤ 25 ms", met=ours["p99_ms"] <= 25),
        Figure("server peak RSS", rss, "MB", target="≤ 200 MB", met=rss <= 200),
        *pages,
    ]
    return figures, {"berkas": ours, "bare": ceiling}


def page_times(url: str, calls: int = 30) -> list[Figure]:
    """Server time (the Server-Timing header) of the pages a person works in, p95."""
    with httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/login")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/login", data={"username": "ahmad", "password": DEMO_PASSWORD,
                                    "csrf": csrf, "next": "/"})
        figures = []
        case_id = 1
        for name, path in (("page: Tugas saya", "/"), ("page: case list", "/cases"),
                           ("page: case", f"/cases/{case_id}"),
                           ("page: sign-off queue", "/signoff")):
            times = []
            for _ in range(calls):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                times.append(float(response.headers["Server-Timing"].split("dur=")[1]))
            figures.append(Figure(f"{name} p95", p(times, 0.95), "ms", target="≤ 100 ms",
                                  met=p(times, 0.95) <= 100))
    return figures
