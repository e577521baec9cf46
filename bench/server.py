"""A server process (``berkas serve`` or the ceiling app) for the length of a measure: its
port, its CPU time (the process and its children, e.g. uvicorn workers) and its peak RSS."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
# Two uvicorn workers each import the whole app: on two busy cores that took over 30 s.
STARTUP_SECONDS = 180


class ServerExited(RuntimeError):
    """The server process ended before it answered ``/healthz``; ``log`` is its output."""

    def __init__(self, log: str) -> None:
        super().__init__(f"server did not start: {log[-1500:]}")
        self.log = log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(c) for c in task.read_text().split()]
        except FileNotFoundError:
            continue
    return out


def _cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its live descendants (fields 14 and 15 of /proc/pid/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / TICK
    return own + sum(_cpu_seconds(child) for child in _children(pid))


class Server:
    """``command`` plus ``--port``, started in ``ROOT`` with ``env`` added, until :meth:`stop`."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log.write_bytes(b"")
        self.process = subprocess.Popen(  # noqa: S603 - our own programs
            [*command, "--port", str(self.port)], cwd=ROOT, env={**os.environ, **env},
            stdout=log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerExited(log.read_text())
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.5).status_code < 500:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise ServerExited(log.read_text())

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
