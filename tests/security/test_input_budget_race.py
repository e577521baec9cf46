"""Ten first saves of one pagu at the same moment all succeed, and leave one row (issue 11).

Before, each request looked for the row, found none, and inserted one: on PostgreSQL all but
the first hit the unique constraint and answered 500. Setting a pagu is now one upsert.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from app import create_app
from infra.config import Settings
from tests.api.helpers import Api
from tests.conftest import PASSWORD, FakeClock, People
from tests.servers import ThreadServer, free_port

CLIENTS = 10


@pytest.fixture
def live_url(settings: Settings, clock: FakeClock, people: People) -> Iterator[str]:
    port = free_port()
    with ThreadServer(create_app(settings.model_copy(update={"port": port}), clock),
                      port) as server:
        yield server.url


def put_together(url: str, amounts: list[int]) -> list[httpx.Response]:
    """Each client saves the 2027 grant pagu with its amount, all released at once."""
    login = httpx.post(f"{url}/api/auth/token", data={"username": "fina", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    start = threading.Barrier(len(amounts))

    def one(amount: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.put(f"{url}/api/budgets/grant/2027", headers=headers, json={
                "amount": amount, "dpa_number": "DPA/2027/2.16.01", "dpa_date": "2026-01-30"})

    with ThreadPoolExecutor(len(amounts)) as pool:
        return list(pool.map(one, amounts))


def test_ten_first_saves_of_one_pagu_at_once_all_succeed_with_one_row(
    live_url: str, api: Api
) -> None:
    amounts = [100_000_000 + n for n in range(CLIENTS)]
    responses = put_together(live_url, amounts)
    assert [r.status_code for r in responses] == [200] * CLIENTS, [r.text for r in responses]
    rows = [b for b in api.get("fina", "/api/budgets").json()
            if (b["workflow"], b["fiscal_year"]) == ("grant", 2027)]
    assert len(rows) == 1
    assert rows[0]["amount"] in amounts
    # Each save is an entry of the year's history (from the DPA), none lost or numbered twice,
    # and the pagu is the newest of them.
    entries = api.get("fina", "/api/budgets/grant/2027/entries").json()
    assert sorted(e["seq"] for e in entries) == list(range(1, CLIENTS + 1))
    assert sorted(e["amount"] for e in entries) == amounts
    assert rows[0]["entries"] == CLIENTS
    assert max(entries, key=lambda e: e["seq"])["amount"] == rows[0]["amount"]
