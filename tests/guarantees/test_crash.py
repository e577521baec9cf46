"""SIGKILL a server in the middle of work: every acknowledged transition survives, every case's
state matches its last audit entry, and the audit chains verify."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import text

from infra.config import Settings
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import SECRET
from tests.guarantees.conftest import token
from tests.servers import ROOT, ServerProcess, free_port

CASES, ACKS_BEFORE_KILL = 6, 30


def server_env(settings: Settings) -> dict[str, str]:
    return {"BERKAS_DATABASE_URL": settings.database_url, "BERKAS_SECRET_KEY": SECRET,
            "BERKAS_ENV": "test", "BERKAS_SCHEDULER": "false", "BERKAS_LOG_LEVEL": "WARNING"}


class Client(threading.Thread):
    """Moves every case back and forth (return, resubmit) and records what the server acked."""

    def __init__(self, url: str, bearer: str, case_ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.url, self.case_ids = url, case_ids
        self.headers = {"Authorization": f"Bearer {bearer}"}
        self.acked: dict[int, list[str]] = {c: [] for c in case_ids}
        self.versions = dict.fromkeys(case_ids, 1)
        self.count = threading.Semaphore(0)

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                for case_id in self.case_ids:
                    trigger = "resubmit" if self.acked[case_id][-1:] == ["returned"] else (
                        "return_for_revision")
                    try:
                        response = client.post(
                            f"{self.url}/api/cases/{case_id}/transitions/{trigger}",
                            headers=self.headers,
                            json={"version": self.versions[case_id], "comment": "uji"})
                    except httpx.TransportError:
                        return  # the server is gone
                    assert response.status_code == 200, response.text
                    body = response.json()
                    self.versions[case_id] = body["version"]
                    self.acked[case_id].append(body["state"])
                    self.count.release()


def test_a_killed_server_loses_no_acknowledged_transition(
    api: Api, settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    case_ids = [api.create_media("rina")["id"] for _ in range(CASES)]
    server = ServerProcess(server_env(settings), free_port(), tmp_path / "server.log").start()
    try:
        client = Client(server.url, token(server.url, "fajar"), case_ids)
        client.start()
        for _ in range(ACKS_BEFORE_KILL):
            assert client.count.acquire(timeout=30)
        server.kill()
        client.join(timeout=30)
        assert not client.is_alive()
    finally:
        server.stop()

    restarted = ServerProcess(server_env(settings), free_port(), tmp_path / "again.log")
    restarted.start().stop()
    with runtime.engine.connect() as conn:
        for case_id in case_ids:
            state = conn.execute(text("SELECT state FROM cases WHERE id = :id"),
                                 {"id": case_id}).scalar_one()
            moves = list(conn.execute(text(
                "SELECT to_state FROM audit_entries WHERE case_id = :id AND action = "
                "'transition' ORDER BY seq"), {"id": case_id}).scalars())
            acked = client.acked[case_id]
            assert moves[: len(acked)] == acked  # every acknowledged move is there, in order
            assert len(moves) - len(acked) <= 1  # at most the one in flight went through too
            assert state == (moves[-1] if moves else "submitted")
    verify = subprocess.run([sys.executable, "-m", "app", "audit", "verify"], cwd=ROOT,
                            env={**os.environ, **server_env(settings)}, capture_output=True,
                            text=True, check=False)
    assert verify.returncode == 0, verify.stderr
    assert "Jejak audit utuh" in verify.stdout
