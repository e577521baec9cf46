"""Servers for tests: uvicorn in a thread, or a real ``berkas serve`` process to kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx2 as httpx
import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThreadServer:
    """``app`` served over real HTTP from a thread of this process."""

    def __init__(self, app: FastAPI, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        listening = threading.Event()
        while not listening.wait(0.02):  # the server says when it listens
            if self.server.started or not self.thread.is_alive():
                listening.set()
        assert self.server.started, "the test server did not start"
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class ServerProcess:
    """``berkas serve`` (or ``berkas worker``) in a process of its own, as in production."""

    def __init__(self, env: dict[str, str], port: int, log: Path,
                 args: tuple[str, ...] = ()) -> None:
        self.port, self.log, self.args = port, log, args
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, **env, "BERKAS_PORT": str(port)}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app", "serve", *self.args], cwd=ROOT, env=self.env,
                stdout=out, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def wait_ready(self, attempts: int = 300) -> None:
        """Poll /healthz until it answers (a condition, bounded; no fixed sleep)."""
        assert self.process is not None
        for _ in range(attempts):
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.2).status_code == 200:
                    return
            except httpx.TransportError:
                threading.Event().wait(0.05)
        raise AssertionError(f"server did not answer: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
