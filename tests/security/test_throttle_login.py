"""Login throttling per client address and per account, counted before any password is
checked, by one atomic upsert (issue 11, point 2)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app import create_app
from cases.models import LoginKnownAddress
from infra import db, security
from infra.config import Settings
from infra.runtime import Runtime
from infra.security import client_address
from tests.conftest import PASSWORD, FakeClock
from tests.servers import ThreadServer, free_port

PROXIES = ["192.0.2.0/24"]


class CountingHasher:
    """The real argon2 hasher, counting the passwords it checks (from any thread), and
    whether a probe said "locked" while it checked."""

    def __init__(self, probe: threading.Lock | None = None) -> None:
        self.real, self.probe = security._HASHER, probe
        self.calls, self.while_locked = 0, 0
        self._lock = threading.Lock()

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
            self.while_locked += bool(self.probe is not None and self.probe.locked())
        return self.real.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self.real.hash(password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(security, "_HASHER", counting)
    return counting


def from_address(client: TestClient, address: str) -> TestClient:
    """Another browser on the same app, connecting from ``address``."""
    return TestClient(client.app, client=(address, 50000))


def login(client: TestClient, username: str, password: str = PASSWORD,
          **headers: str) -> int:
    return client.post("/api/auth/token", data={"username": username, "password": password},
                       headers=headers).status_code


def test_a_stranger_cannot_lock_an_official_out_of_an_address_they_logged_in_from(
    client: TestClient, clock: FakeClock
) -> None:
    office, stranger = from_address(client, "10.0.0.5"), from_address(client, "10.6.6.6")
    laptop = from_address(client, "10.0.0.77")
    assert login(office, "ahmad") == 200
    assert [login(stranger, "ahmad", "tebakan") for _ in range(6)] == [401] * 5 + [429]
    assert login(stranger, "ahmad") == 429  # the right password does not help a stranger
    assert login(laptop, "ahmad") == 429  # nor a new device, until the window passes
    assert login(office, "ahmad", "salah-ketik") == 401  # a known address is still checked
    assert login(office, "ahmad") == 200  # ... and the Kadis is not locked out
    assert login(laptop, "ahmad") == 200  # the success cleared the account's count
    clock.advance(minutes=15, seconds=1)
    assert login(stranger, "ahmad", "tebakan") == 401


def test_a_stranger_sharing_an_officials_address_cannot_lock_the_official_out(
    client: TestClient, hasher: CountingHasher
) -> None:
    """An office behind one NAT address: a stranger there spends the address's tries on
    made-up names; the officials who logged in from there before still get in."""
    office = from_address(client, "10.9.9.9")
    assert login(office, "siti") == 200
    assert [login(office, f"tamu{i}", "tebakan") for i in range(21)] == [401] * 20 + [429]
    assert login(office, "siti") == 200
    assert login(office, "dewi") == 429  # never logged in from here: the address's limit holds


def test_a_known_address_allows_no_more_guesses_than_the_account_limit(
    client: TestClient, hasher: CountingHasher
) -> None:
    office = from_address(client, "10.0.0.5")
    assert login(office, "ahmad") == 200
    hasher.calls = 0
    assert [login(office, "ahmad", "tebakan") for _ in range(8)] == [401] * 5 + [429] * 3
    assert hasher.calls == 5


def test_ipv6_clients_are_counted_by_their_slash_64(
    client: TestClient, hasher: CountingHasher
) -> None:
    statuses = [login(from_address(client, f"2001:db8:1:2::{i:x}"), f"tamu{i}", "tebakan")
                for i in range(1, 26)]
    assert statuses == [401] * 20 + [429] * 5
    assert login(from_address(client, "2001:db8:1:3::1"), "rina", "tebakan") == 401


def test_one_address_trying_thirty_usernames_is_throttled(
    client: TestClient, hasher: CountingHasher
) -> None:
    stranger = from_address(client, "10.6.6.6")
    names = ["rina", "fajar", "siti", "ahmad", "dewi", "admin"] + [f"tamu{i}" for i in range(24)]
    statuses = [login(stranger, name, "tebakan") for name in names]
    assert statuses == [401] * 20 + [429] * 10
    assert hasher.calls == 20  # no password was checked past the limit
    assert login(from_address(client, "10.7.7.7"), "rina", "tebakan") == 401


def test_an_office_behind_one_address_is_not_throttled_by_its_own_logins(
    client: TestClient
) -> None:
    office = from_address(client, "10.0.0.5")
    names = ["rina", "fajar", "siti", "ahmad", "dewi"] * 5
    assert [login(office, name) for name in names] == [200] * 25
    assert login(office, "rina", "salah") == 401


def test_a_forged_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    client: TestClient, runtime: Runtime
) -> None:
    """Each try claims another address; all count against the peer's own."""
    peer = from_address(client, "203.0.113.9")
    statuses = [login(peer, f"tamu{i}", "tebakan", **{"X-Forwarded-For": f"10.1.0.{i}"})
                for i in range(21)]
    assert statuses == [401] * 20 + [429]
    assert login(from_address(client, "203.0.113.10"), "rina",
                 **{"X-Forwarded-For": "10.1.0.1"}) == 200
    assert known_addresses(runtime, "rina") == ["203.0.113.10"]


@pytest.fixture
def proxied(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    """The app behind a reverse proxy at 192.0.2.10, which it trusts."""
    behind = settings.model_copy(update={"trusted_proxies": PROXIES})
    with TestClient(create_app(behind, clock), client=("192.0.2.10", 50000)) as test_client:
        yield test_client


def test_x_forwarded_for_from_a_trusted_proxy_names_the_client(
    proxied: TestClient, runtime: Runtime
) -> None:
    forged_then_real = "10.9.9.9, 198.51.100.7, 192.0.2.11"  # client-written, client, proxy
    assert login(proxied, "rina", **{"X-Forwarded-For": forged_then_real}) == 200
    assert known_addresses(runtime, "rina") == ["198.51.100.7"]
    statuses = [login(proxied, f"tamu{i}", "tebakan", **{"X-Forwarded-For": f"198.51.100.{i}"})
                for i in range(25)]  # 25 clients behind one proxy: each its own count
    assert statuses == [401] * 25


def known_addresses(runtime: Runtime, username: str) -> list[str]:
    with runtime.sessions() as session:
        return list(session.exec(select(LoginKnownAddress.address)
                                 .where(LoginKnownAddress.username == username)))


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("203.0.113.9", ["10.0.0.1"], "203.0.113.9"),  # not our proxy: its header is not read
    ("192.0.2.10", ["10.0.0.1, 198.51.100.7"], "198.51.100.7"),
    ("192.0.2.10", ["10.0.0.1", "198.51.100.7, 192.0.2.11"], "198.51.100.7"),  # two headers
    ("192.0.2.10", ["192.0.2.12, 192.0.2.11"], "192.0.2.12"),  # all ours: the left-most
    ("192.0.2.10", [], "192.0.2.10"),
    ("192.0.2.10", ["[2001:db8::1]:443, 198.51.100.7:5000"], "198.51.100.7"),
    ("198.51.100.7", ["192.0.2.10"], "198.51.100.7"),  # uvicorn resolved it: same answer
])
def test_the_client_address_is_the_right_most_address_no_proxy_of_ours_wrote(
    peer: str, forwarded: list[str], expected: str
) -> None:
    networks = Settings(env="test", secret_key="x" * 32, trusted_proxies=PROXIES).proxy_networks
    assert client_address(peer, forwarded, networks) == expected


def test_passwords_are_checked_outside_the_sqlite_writer_lock(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, argon2 ran inside the write transaction: every write of the server waited on
    every login (8 clients flooding the login made each write wait ~0.9 s)."""
    lock = db._SQLITE_WRITERS.get(id(client.app.state.runtime.engine))  # type: ignore[attr-defined]
    if lock is None:
        pytest.skip("only SQLite has a process-wide writer lock")
    probe = CountingHasher(lock)
    monkeypatch.setattr(security, "_HASHER", probe)
    assert [login(client, "rina", "salah"), login(client, "rina")] == [401, 200]
    assert (probe.calls, probe.while_locked) == (2, 0)


@pytest.fixture
def server(settings: Settings, clock: FakeClock) -> Iterator[ThreadServer]:
    behind = settings.model_copy(update={"trusted_proxies": ["127.0.0.1/32"]})
    with ThreadServer(create_app(behind, clock), free_port()) as running:
        yield running


def flood(server: ThreadServer, tries: list[tuple[str, str]]) -> list[int]:
    """All ``(username, address)`` wrong tries at once, one thread each."""
    start = threading.Barrier(len(tries))

    def one(attempt: tuple[str, str]) -> int:
        username, address = attempt
        start.wait()
        return httpx.post(f"{server.url}/api/auth/token", timeout=60,
                          data={"username": username, "password": "tebakan"},
                          headers={"X-Forwarded-For": address}).status_code

    with ThreadPoolExecutor(len(tries)) as pool:
        return list(pool.map(one, tries))


def test_forty_concurrent_tries_on_one_account_check_at_most_five_passwords(
    server: ThreadServer, hasher: CountingHasher
) -> None:
    """Before, on PostgreSQL, count-then-insert let 22 of 40 concurrent tries through."""
    statuses = flood(server, [("ahmad", f"10.2.0.{i}") for i in range(40)])
    assert hasher.calls <= 5
    assert sorted(statuses) == [401] * hasher.calls + [429] * (40 - hasher.calls)


def test_forty_concurrent_tries_from_one_address_check_at_most_twenty_passwords(
    server: ThreadServer, hasher: CountingHasher
) -> None:
    statuses = flood(server, [(f"tamu{i}", "10.3.0.1") for i in range(40)])
    assert hasher.calls <= 20
    assert sorted(statuses) == [401] * hasher.calls + [429] * (40 - hasher.calls)
