"""HTTP measures: transitions and reads of Berkas (``berkas serve``) and of the ceiling app
(:mod:`bench.ceiling`), each on its own copy of the same database, driven by wrk with 16
connections, one case and one token each; the server's CPU and peak RSS; on PostgreSQL,
``berkas serve --workers 2`` against ``--workers 1``."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import bindparam, text

from bench import wrk
from bench.figures import Figure, at_least, at_most
from bench.generate import SECRET
from bench.server import Server, ServerExited
from cases.demo_data import DEMO_PASSWORD
from infra.db import make_engine

CONNECTIONS = 16
OFFICER = "fajar"  # an officer: may return a case for revision and resubmit it
BERKAS_ENV = {"BERKAS_SECRET_KEY": SECRET, "BERKAS_ENV": "test", "BERKAS_SCHEDULER": "false",
              "BERKAS_LOG_LEVEL": "WARNING"}
PATHS = {"api": "/api/cases/%d", "page": "/cases/%d"}
CURRENT = text("SELECT id, state, version FROM cases WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))


@dataclass
class Side:
    """The loads one server answered, by name, and its CPU (cores) during each."""

    loads: dict[str, wrk.Load] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    rss_mb: float = 0.0


def bench_cases(url: str) -> list[int]:
    """Thirty-two submitted media verification cases, the same ids in every fresh copy: the
    first sixteen for transitions, the others for reads (cases of the usual size, not ones
    with the hundreds of audit entries the transitions left)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(text(
            "SELECT id FROM cases WHERE state = 'submitted' AND workflow = 'media_verification'"
            " ORDER BY id LIMIT :n"), {"n": 2 * CONNECTIONS}).scalars().all()
    engine.dispose()
    return [int(i) for i in ids]


def connections(url: str, ids: list[int], tokens: list[str]) -> list[wrk.Connection]:
    """Each case's current version and the trigger that moves it from its current state, once
    the server has finished the requests a previous wrk run left in flight (two reads 0.3 s
    apart agree)."""
    engine = make_engine(url)
    rows: dict[int, Any] = {}
    with engine.connect() as conn:
        for _ in range(50):
            now = {int(r.id): (r.state, int(r.version)) for r in conn.execute(CURRENT,
                                                                               {"ids": ids})}
            conn.rollback()
            if now == rows:
                break
            rows = now
            time.sleep(0.3)
    engine.dispose()
    return [wrk.Connection(i, token, rows[i][1],
                           "return_for_revision" if rows[i][0] == "submitted" else "resubmit")
            for i, token in zip(ids, tokens, strict=True)]


def login(base: str) -> list[str]:
    """One token per connection, each from its own login of the officer."""
    tokens = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(CONNECTIONS):
            response = client.post("/api/auth/token", data={"username": OFFICER,
                                                             "password": DEMO_PASSWORD})
            response.raise_for_status()
            tokens.append(response.json()["access_token"])
    return tokens


def drive(server: Server, tool: str, url: str, ids: list[int], tokens: list[str], work: Path,
          seconds: int, reads: bool) -> Side:
    """Transitions, then API detail and page reads, each after a 2 s warm-up (a first page
    render is ten times slower), with the server's CPU over each measured run."""
    side = Side()
    moved, read = ids[:CONNECTIONS], ids[CONNECTIONS:]
    runs = [("transitions", "transition", "", seconds, moved)]
    if reads:  # a page reads the session cookie, the API the bearer header
        runs += [(name, "read", path, max(seconds // 2, 3), read)
                 for name, path in PATHS.items()]
    for name, mode, path, length, cases in runs:
        for warm in (True, False):
            before = server.cpu_seconds()
            load = wrk.run(tool, server.url, mode, connections(url, cases, tokens),
                           2 if warm else length, work, path=path, cookie=name == "page")
            load.check(f"{name}{' (warm-up)' if warm else ''}")
        side.cpu[name] = round((server.cpu_seconds() - before) / load.seconds, 2)
        side.loads[name] = load
    side.rss_mb = server.peak_rss_mb()
    return side


def berkas(url: str, tool: str, work: Path, seconds: int, workers: int | None = None,
           reads: bool = True) -> Side:
    ids = bench_cases(url)
    command = [sys.executable, "-m", "app", "serve"]
    if workers is not None:
        command += ["--workers", str(workers)]
    server = Server(command, {**BERKAS_ENV, "BERKAS_DATABASE_URL": url}, work / "berkas.log")
    try:
        return drive(server, tool, url, ids, login(server.url), work, seconds, reads)
    finally:
        server.stop()


def ceiling(url: str, tool: str, work: Path, seconds: int) -> Side:
    ids = bench_cases(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        actor = conn.execute(text("SELECT id FROM users WHERE username = :u"),
                             {"u": OFFICER}).scalar_one()
    engine.dispose()
    server = Server([sys.executable, "-m", "uvicorn", "--factory", "bench.ceiling:create_app",
                     "--log-level", "warning"],
                    {"BENCH_DATABASE_URL": url, "BENCH_ACTOR_ID": str(actor)},
                    work / "ceiling.log")
    try:
        return drive(server, tool, url, ids, ["-"] * CONNECTIONS, work, seconds, reads=True)
    finally:
        server.stop()


def http_figures(berkas_url: str, ceiling_url: str, tool: str, work: Path, seconds: int
                 ) -> tuple[list[Figure], dict[str, Any]]:
    """Berkas and the ceiling side by side; the figures, and every wrk run for the JSON."""
    ours = berkas(berkas_url, tool, work, seconds)
    top = ceiling(ceiling_url, tool, work, seconds)
    t, c = ours.loads["transitions"], top.loads["transitions"]
    api, api_top = ours.loads["api"], top.loads["api"]
    page, page_top = ours.loads["page"], top.loads["page"]
    versus = "async raw-driver endpoint (bench/ceiling.py)"
    figures = [
        Figure("transitions_ratio", "HTTP transitions vs the honest ceiling, 16 connections",
               round(t.throughput / c.throughput, 3), "×", today="0.065",
               **at_least(t.throughput / c.throughput, 0.5, "≥ 0.5")),
        Figure("transitions", "HTTP transitions, 16 connections", t.throughput, "req/s",
               ceiling=c.throughput, versus=versus, today="147 req/s"),
        Figure("transitions_p50", "HTTP transition p50, 16 connections", t.p50_ms, "ms",
               ceiling=c.p50_ms, versus=versus, today="110 ms"),
        Figure("transitions_p99", "HTTP transition p99, 16 connections", t.p99_ms, "ms",
               ceiling=c.p99_ms, versus=versus, today="176 ms", **at_most(t.p99_ms, 50, "≤ 50 ms")),
        Figure("api_read_ratio", "API case detail reads vs a bare read endpoint",
               round(api.throughput / api_top.throughput, 3), "×", today="not measured",
               **at_least(api.throughput / api_top.throughput, 0.5, "≥ 0.5")),
        Figure("api_reads", "API case detail reads, 16 connections", api.throughput, "req/s",
               ceiling=api_top.throughput, versus="bare async read endpoint"),
        Figure("api_read_p99", "API case detail read p99", api.p99_ms, "ms",
               ceiling=api_top.p99_ms, versus="bare async read endpoint"),
        Figure("page_reads", "case page reads, 16 connections", page.throughput, "req/s",
               ceiling=page_top.throughput, versus="bare async read endpoint",
               today="not measured"),
        Figure("page_read_p99", "case page read p99", page.p99_ms, "ms",
               ceiling=page_top.p99_ms, versus="bare async read endpoint"),
        Figure("rss", "server peak RSS", ours.rss_mb, "MB", today="186 MB",
               **at_most(ours.rss_mb, 200, "≤ 200 MB")),
        Figure("server_cpu", "server CPU during transitions", ours.cpu["transitions"], "cores",
               ceiling=top.cpu["transitions"], versus="the ceiling's server"),
        Figure("wrk_cpu", "wrk CPU during transitions", t.wrk_cpu, "cores",
               ceiling=c.wrk_cpu, versus="wrk against the ceiling"),
        Figure("wrk_cpu_reads", "wrk CPU during reads (most of any read run)",
               max(x.wrk_cpu for x in (api, page, api_top, page_top)), "cores"),
    ]
    runs = {side: {"loads": {name: asdict(load) for name, load in s.loads.items()},
                   "server_cpu_cores": s.cpu}
            for side, s in (("berkas", ours), ("ceiling", top))}
    return figures, runs


def workers_figure(url: str, tool: str, work: Path, seconds: int, single: float
                   ) -> list[Figure]:
    """``berkas serve --workers 2`` against ``--workers 1`` (``single`` req/s, same run); skipped
    with a message when the command line does not take ``--workers``."""
    try:
        two = berkas(url, tool, work, seconds, workers=2, reads=False)
    except ServerExited as exc:
        if "--workers" in exc.log or "No such option" in exc.log:
            print("  skipped: berkas serve does not take --workers yet", flush=True)
            return []
        raise
    throughput = two.loads["transitions"].throughput
    return [Figure("workers_2", "HTTP transitions, berkas serve --workers 2", throughput,
                   "req/s", ceiling=single, versus="--workers 1, same run")]
