"""``make bench``: load N cases, run every measure, print each figure beside the issue's
"today", its ceiling and its target, and write ``bench/results/latest.json``.

SQLite always; PostgreSQL too when ``BERKAS_BENCH_POSTGRES_URL`` names a server. The databases
live under ``bench/.work/`` (ignored by git), one copy per measure so that none disturbs another.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import measures
from bench.figures import Figure
from bench.generate import generate
from bench.http_measures import http_figures, workers_figure
from bench.report import table
from bench.wrk import ensure_wrk
from infra.config import Settings
from infra.logs import configure_logging

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
WORK = Path(__file__).parent / ".work"
RESULTS = Path(__file__).parent / "results"


class Databases:
    """Copies of one generated database, on SQLite (files) or PostgreSQL (template clones)."""

    def __init__(self, backend: str, scale: str, postgres_url: str = "") -> None:
        self.backend, self.scale = backend, scale
        self.postgres = None
        if backend == "postgres":
            from tests.postgres import PostgresServer

            self.postgres = PostgresServer(postgres_url)

    def url(self, name: str) -> str:
        if self.postgres is not None:
            return self.postgres.url_of(f"bench_{self.scale}_{name}")
        return f"sqlite:///{WORK / f'{self.scale}-{name}.db'}"

    def fresh(self, name: str) -> str:
        if self.postgres is not None:
            self.postgres.drop(f"bench_{self.scale}_{name}")
            return self.postgres.create(f"bench_{self.scale}_{name}")
        self._remove(name)
        return self.url(name)

    def copy(self, source: str, name: str) -> str:
        if self.postgres is not None:
            return self.postgres.create(f"bench_{self.scale}_{name}",
                                        template=f"bench_{self.scale}_{source}")
        # A stale -wal beside the copy would be replayed into it: remove it first.
        self._remove(name)
        shutil.copy(WORK / f"{self.scale}-{source}.db", WORK / f"{self.scale}-{name}.db")
        return self.url(name)

    def _remove(self, name: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            (WORK / f"{self.scale}-{name}.db{suffix}").unlink(missing_ok=True)


def bench(backend: str, scale: str, postgres_url: str, seconds: int, tool: str
          ) -> dict[str, Any]:
    WORK.mkdir(exist_ok=True)
    dbs = Databases(backend, scale, postgres_url)
    print(f"[{backend}] memuat {SCALES[scale]:,} berkas …", flush=True)
    summary = generate(dbs.fresh("main"), SCALES[scale])
    print(f"[{backend}] dimuat dalam {summary['seconds']} s: {summary}", flush=True)
    copies = {name: dbs.copy("main", name) for name in ("http", "ceiling")}
    figures: list[Figure] = [Figure("load", "load: cases per second",
                                    round(summary["cases"] / summary["seconds"]), "/s")]
    loads: dict[str, Any] = {}

    def http() -> list[Figure]:
        found, runs = http_figures(copies["http"], copies["ceiling"], tool, WORK, seconds)
        loads.update(runs)
        return found

    def workers() -> list[Figure]:
        single = next(f.value for f in figures if f.key == "transitions")
        return workers_figure(copies["http"], tool, WORK, seconds, single)

    steps: list[tuple[str, Callable[[], list[Figure]]]] = [
        ("case list queries", lambda: measures.list_queries(dbs.url("main"), scale)),
        ("audit verify", lambda: measures.audit_rate(dbs.url("main"))),
        ("HTTP transitions and reads, Berkas and the ceiling (wrk)", http),
    ]
    if backend == "postgres":
        steps.append(("berkas serve --workers 2", workers))
    steps.append(("reminder sweep", lambda: measures.reminder_sweep(dbs.url("main"))))
    for label, step in steps:
        print(f"[{backend}] {label} …", flush=True)
        figures += step()
    return {"backend": backend, "scale": scale, "data": summary, "wrk": loads,
            "figures": [f.as_json() for f in figures]}


def machine() -> dict[str, Any]:
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(int(memory) / 1024 / 1024, 1), "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="100k")
    parser.add_argument("--seconds", type=int, default=10,
                        help="length of each wrk run of transitions (reads: half)")
    args = parser.parse_args()
    started = time.perf_counter()
    configure_logging(Settings(env="test", secret_key="x" * 32, log_level="WARNING"))
    tool = ensure_wrk()
    postgres_url = os.environ.get("BERKAS_BENCH_POSTGRES_URL", "")
    runs = [bench("sqlite", args.scale, "", args.seconds, tool)]
    if postgres_url:
        # PostgreSQL at 100k at most: at 1M its load alone would take most of an hour.
        scale = "10k" if args.scale == "10k" else "100k"
        runs.append(bench("postgres", scale, postgres_url, args.seconds, tool))
    for run in runs:
        print(table(run))
    RESULTS.mkdir(exist_ok=True)
    report = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
              "seconds": round(time.perf_counter() - started), "runs": runs}
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nSelesai dalam {report['seconds']} s; bench/results/latest.json ditulis.")


if __name__ == "__main__":
    main()
