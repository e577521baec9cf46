"""The load generator: ``wrk`` (C, epoll) with ``bench/wrk.lua``, so that the load costs the two
cores little next to the server. Finds wrk, or installs it (Debian's package) when run as root.

Each run uses one wrk thread per connection (``-t N -c N``), so that the Lua state of a thread
is the state of one connection: its case, its token, the version its last answer carried.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "wrk.lua"


class WrkMissing(RuntimeError):
    """wrk is neither installed nor installable here."""


def ensure_wrk() -> str:
    """The path of wrk; installs it with apt-get when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        print(f"wrk: {found} (found)", flush=True)
        return found
    if os.geteuid() != 0:
        raise WrkMissing("make bench needs wrk: install it (sudo apt-get install -y wrk) "
                         "or run make bench as root, which installs it")
    print("wrk: not found; apt-get install -y wrk …", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)  # noqa: S607 - Debian's
    found = shutil.which("wrk")
    if not found:
        raise WrkMissing("apt-get install -y wrk did not give a wrk on PATH")
    print(f"wrk: {found} (installed with apt-get)", flush=True)
    return found


@dataclass(frozen=True, slots=True)
class Connection:
    """One connection's case, its token, and (for transitions) its version and next trigger."""

    case_id: int
    token: str
    version: int = 1
    trigger: str = "return_for_revision"


@dataclass(frozen=True, slots=True)
class Load:
    """What one wrk run measured; ``wrk_cpu``: wrk's own CPU, in cores (1.0 = one core)."""

    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    non_200: int
    errors: int
    first_bad: str
    wrk_cpu: float

    def check(self, label: str) -> None:
        """A run with refusals or socket errors is not a figure."""
        if self.non_200 or self.errors:
            raise RuntimeError(f"{label}: {self.non_200} non-200 answers, {self.errors} socket "
                               f"errors or timeouts (first: {self.first_bad!r})")


def lua_config(mode: str, path: str, cookie: bool, connections: list[Connection]) -> str:
    rows = ",\n".join(
        f'  {{ id = {c.case_id}, version = {c.version}, trigger = "{c.trigger}", '
        f'token = "{c.token}" }}' for c in connections)
    return (f'return {{ mode = "{mode}", path = "{path}", cookie = {str(cookie).lower()},\n'
            f"connections = {{\n{rows}\n}} }}\n")


def run(wrk: str, base: str, mode: str, connections: list[Connection], seconds: int,
        work: Path, path: str = "/api/cases/%d", cookie: bool = False) -> Load:
    """Run wrk for ``seconds`` against ``base``: ``mode`` "transition" or "read" (of ``path``
    with the case id)."""
    config = work / "wrk-config.lua"
    config.write_text(lua_config(mode, path, cookie, connections))
    n = len(connections)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    output = subprocess.run(  # noqa: S603 - wrk, our script
        [wrk, f"-t{n}", f"-c{n}", f"-d{seconds}s", "--timeout", "10s", "-s", str(SCRIPT), base],
        env={**os.environ, "BENCH_WRK_CONFIG": str(config)}, capture_output=True, text=True,
        check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in output.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if output.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({output.returncode}): {output.stderr[-1500:]}"
                           f"{output.stdout[-1500:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    duration = raw["duration_us"] / 1e6
    return Load(requests=raw["requests"], seconds=round(duration, 2),
                throughput=round(raw["requests"] / duration, 1),
                p50_ms=round(raw["p50_us"] / 1000, 2), p99_ms=round(raw["p99_us"] / 1000, 2),
                non_200=raw["non_200"], errors=raw["socket_errors"] + raw["timeouts"],
                first_bad=raw["first_bad"], wrk_cpu=round(used / wall, 3))
